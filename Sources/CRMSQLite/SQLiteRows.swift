import CRMDomain
import Foundation
import GRDB

/// Rows to entities and back. A row that cannot be read (a NULL where a value belongs, an unknown status,
/// priority, role or channel, a bad timestamp, changes that are not crm's JSON) throws an error naming its table
/// and row ID instead of becoming a default value; a text SQLite would not keep intact is refused before it is
/// written.
enum SQLiteRows {
    /// The columns `customer(_:)` decodes, in its order (by position: cheaper than by name).
    static let customerColumns = "id, name, email, company, created_at, updated_at, version"

    static func customer(_ row: Row) throws -> Customer {
        let table = "customers"
        return Customer(
            id: CustomerID(try Self.decode(row, 0, table: table, id: 0)), name: try Self.decode(row, 1, table: table, id: 0),
            email: try Self.decode(row, 2, table: table, id: 0), company: try Self.decodeOptional(row, 3, table: table, id: 0),
            createdAt: try Self.timestamp(row, 4, table: table, id: 0, field: "created_at"),
            updatedAt: try Self.timestamp(row, 5, table: table, id: 0, field: "updated_at"),
            version: try Self.decode(row, 6, table: table, id: 0))
    }

    /// The columns `ticket(_:)` decodes, in its order.
    static let ticketColumns =
        "id, customer_id, subject, description, status, priority, assignee, tags, created_at, updated_at, version"

    static func ticket(_ row: Row) throws -> Ticket {
        let table = "tickets"
        let tags: String = try Self.decode(row, 7, table: table, id: 0)
        return Ticket(
            id: TicketID(try Self.decode(row, 0, table: table, id: 0)),
            customerID: CustomerID(try Self.decode(row, 1, table: table, id: 0)),
            subject: try Self.decode(row, 2, table: table, id: 0), description: try Self.decode(row, 3, table: table, id: 0),
            status: try Self.enumeration(TicketStatus.self, row, 4, table: table, id: 0, field: "status"),
            priority: try Self.enumeration(Priority.self, row, 5, table: table, id: 0, field: "priority"),
            assignee: try Self.decodeOptional(row, 6, table: table, id: 0),
            tags: tags.isEmpty ? [] : tags.split(separator: ",").map(String.init),
            createdAt: try Self.timestamp(row, 8, table: table, id: 0, field: "created_at"),
            updatedAt: try Self.timestamp(row, 9, table: table, id: 0, field: "updated_at"),
            version: try Self.decode(row, 10, table: table, id: 0))
    }

    /// The columns `note(_:)` decodes, in its order.
    static let noteColumns = "id, ticket_id, author, text, created_at"

    static func note(_ row: Row) throws -> Note {
        let table = "notes"
        return Note(
            id: NoteID(try Self.decode(row, 0, table: table, id: 0)),
            ticketID: TicketID(try Self.decode(row, 1, table: table, id: 0)),
            author: try Self.decode(row, 2, table: table, id: 0), text: try Self.decode(row, 3, table: table, id: 0),
            createdAt: try Self.timestamp(row, 4, table: table, id: 0, field: "created_at"))
    }

    /// The columns `auditEvent(_:)` decodes, in its order.
    static let auditColumns = "id, at, actor, action, entity, changes, via"

    static func auditEvent(_ row: Row) throws -> AuditEvent {
        let table = "audit_events"
        let json: String = try Self.decode(row, 5, table: table, id: 0)
        let changes: [String: FieldChange]
        do {
            changes = try JSONDecoder().decode([String: FieldChange].self, from: Data(json.utf8))
        } catch {
            throw Self.unreadable(row, table: table, id: 0, "changes is not a JSON object of [old, new] pairs")
        }
        return AuditEvent(
            id: AuditEventID(try Self.decode(row, 0, table: table, id: 0)),
            record: AuditRecord(
                at: try Self.timestamp(row, 1, table: table, id: 0, field: "at"),
                actor: try Self.decode(row, 2, table: table, id: 0), action: try Self.decode(row, 3, table: table, id: 0),
                entity: try Self.decode(row, 4, table: table, id: 0), changes: changes,
                via: try Self.enumeration(Channel.self, row, 6, table: table, id: 0, field: "via")))
    }

    /// The columns `user(_:at:)` decodes, in its order.
    static let userColumns = "name, display_name, role, disabled, created_at"

    /// The user whose columns start at `start` (after a token's, in a login's join).
    static func user(_ row: Row, at start: Int) throws -> UserProfile {
        let table = "users"
        return UserProfile(
            name: try Self.decode(row, start, table: table, id: start),
            displayName: try Self.decode(row, start + 1, table: table, id: start),
            role: try Self.enumeration(Role.self, row, start + 2, table: table, id: start, field: "role"),
            disabled: try Self.decode(row, start + 3, table: table, id: start),
            createdAt: try Self.timestamp(row, start + 4, table: table, id: start, field: "created_at"))
    }

    static func user(_ row: Row) throws -> UserProfile {
        try Self.user(row, at: 0)
    }

    /// The columns `token(_:)` decodes, in its order; `hash` follows them in a login's read.
    static let tokenColumns = "id, user, label, created_at, created_by, expires_at, last_used_at, revoked_at"

    static func token(_ row: Row) throws -> Token {
        let table = "tokens"
        func time(_ index: Int, _ field: String) throws -> Timestamp? {
            row.hasNull(atIndex: index) ? nil : try Self.timestamp(row, index, table: table, id: 0, field: field)
        }
        return Token(
            id: TokenID(try Self.decode(row, 0, table: table, id: 0)), user: try Self.decode(row, 1, table: table, id: 0),
            label: try Self.decodeOptional(row, 2, table: table, id: 0),
            createdAt: try Self.timestamp(row, 3, table: table, id: 0, field: "created_at"),
            createdBy: try Self.decode(row, 4, table: table, id: 0), expiresAt: try time(5, "expires_at"),
            lastUsedAt: try time(6, "last_used_at"), revokedAt: try time(7, "revoked_at"))
    }

    /// A login's read: the token's columns, its `hash`, then its user's columns.
    static func credential(_ row: Row) throws -> Credential {
        let hash: Data = try Self.decode(row, 8, table: "tokens", id: 0)
        return Credential(token: try Self.token(row), hash: TokenHash(bytes: Array(hash)), user: try Self.user(row, at: 9))
    }

    /// The value at `index`, or an error naming the table, the row (by the column at `id`) and the column.
    static func decode<Value: DatabaseValueConvertible & StatementColumnConvertible>(
        _ row: Row, _ index: Int, table: String, id: Int, as type: Value.Type = Value.self
    ) throws -> Value {
        do {
            return try row.decode(Value.self, atIndex: index)
        } catch {
            throw Self.unreadable(row, table: table, id: id, Self.problem(row, index))
        }
    }

    /// An optional value at `index` (NULL is nil).
    static func decodeOptional<Value: DatabaseValueConvertible & StatementColumnConvertible>(
        _ row: Row, _ index: Int, table: String, id: Int, as type: Value.Type = Value.self
    ) throws -> Value? {
        if row.hasNull(atIndex: index) { return nil }
        return try Self.decode(row, index, table: table, id: id, as: Value.self)
    }

    /// A status, priority, role or channel stored by its wire name.
    static func enumeration<Value: RawRepresentable<String>>(
        _ type: Value.Type, _ row: Row, _ index: Int, table: String, id: Int, field: String
    ) throws -> Value {
        let text: String = try Self.decode(row, index, table: table, id: id)
        guard let value = Value(rawValue: text) else {
            throw Self.unreadable(row, table: table, id: id, "unknown \(field) '\(Self.shown(text))'")
        }
        return value
    }

    /// A UTC ISO-8601 time.
    static func timestamp(_ row: Row, _ index: Int, table: String, id: Int, field: String) throws -> Timestamp {
        let text: String = try Self.decode(row, index, table: table, id: id)
        guard let time = Timestamp(iso8601: text) else {
            throw Self.unreadable(row, table: table, id: id, "\(field) '\(Self.shown(text))' is not a UTC ISO-8601 time")
        }
        return time
    }

    /// Refuses a text that SQLite would not give back whole: it cuts bound text at a NUL character.
    static func storable(_ text: String, table: String, column: String) throws {
        guard !text.utf8.contains(0) else {
            throw SQLiteStoreError.unstorableText(table: table, column: column, reason: "contains a NUL character (U+0000)")
        }
    }

    private static func problem(_ row: Row, _ index: Int) -> String {
        let column = row.columnNames.dropFirst(index).first ?? "column \(index)"
        let value = row[index] as DatabaseValue
        return value.isNull ? "\(column) is NULL" : "\(column) holds '\(Self.shown(value))', not the expected type"
    }

    private static func unreadable(_ row: Row, table: String, id: Int, _ reason: String) -> SQLiteStoreError {
        .unreadableRow(table: table, id: Self.shown(row[id] as DatabaseValue), reason: reason)
    }

    /// A stored value as it may be shown in a message.
    private static func shown(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: "NULL"
        case .int64(let number): String(number)
        case .double(let number): String(number)
        case .string(let text): Self.shown(text)
        case .blob(let data): "<\(data.count) bytes>"
        }
    }

    /// A stored text as it may be shown in a message: control characters as code points, and at most 40 characters.
    private static func shown(_ text: String) -> String {
        let escaped = text.unicodeScalars.map { scalar in
            scalar.properties.generalCategory == .control ? "\\u{\(String(scalar.value, radix: 16))}" : String(scalar)
        }.joined()
        return escaped.count > 40 ? String(escaped.prefix(40)) + "…" : escaped
    }
}
