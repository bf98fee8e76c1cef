import CRMDomain
import Foundation
import PostgresNIO

/// Rows to entities and back. A row that cannot be read (a NULL where a value belongs, an unknown status, priority,
/// role or channel, changes that are not crm's JSON) throws an error naming its table and row ID instead of becoming
/// a default value; a text PostgreSQL would not keep (one holding NUL) is refused before it is written.
enum PostgresRows {
    /// The columns `user(_:)` decodes, in its order.
    static let userColumns = "name, display_name, role, disabled, created_at"

    static func user(_ row: PostgresRow) throws -> UserProfile {
        let (name, displayName, role, disabled, createdAt) = try Self.decode(
            row, table: "users", as: (String, String, String, Bool, Date).self)
        return UserProfile(
            name: name, displayName: displayName,
            role: try Self.enumeration(Role.self, role, table: "users", id: name, field: "role"), disabled: disabled,
            createdAt: Self.timestamp(createdAt))
    }

    /// The columns `token(_:)` decodes, in its order.
    static let tokenColumns = "id, user_name, label, created_at, created_by, expires_at, last_used_at, revoked_at"

    static func token(_ row: PostgresRow) throws -> Token {
        let (id, user, label, createdAt, createdBy, expiresAt, lastUsedAt, revokedAt) = try Self.decode(
            row, table: "tokens", as: (Int, String, String?, Date, String, Date?, Date?, Date?).self)
        return Token(
            id: TokenID(id), user: user, label: label, createdAt: Self.timestamp(createdAt), createdBy: createdBy,
            expiresAt: expiresAt.map(Self.timestamp), lastUsedAt: lastUsedAt.map(Self.timestamp),
            revokedAt: revokedAt.map(Self.timestamp))
    }

    /// A login's read: the token's columns, its `hash`, then its user's columns.
    static let credentialColumns =
        "t.id, t.user_name, t.label, t.created_at, t.created_by, t.expires_at, t.last_used_at, t.revoked_at, t.hash,"
        + " u.name, u.display_name, u.role, u.disabled, u.created_at"

    static func credential(_ row: PostgresRow) throws -> Credential {
        let (
            id, userName, label, createdAt, createdBy, expiresAt, lastUsedAt, revokedAt, hash, name, displayName, role,
            disabled, userCreatedAt
        ) = try Self.decode(
            row, table: "tokens",
            as: (Int, String, String?, Date, String, Date?, Date?, Date?, Data, String, String, String, Bool, Date).self)
        let token = Token(
            id: TokenID(id), user: userName, label: label, createdAt: Self.timestamp(createdAt), createdBy: createdBy,
            expiresAt: expiresAt.map(Self.timestamp), lastUsedAt: lastUsedAt.map(Self.timestamp),
            revokedAt: revokedAt.map(Self.timestamp))
        let user = UserProfile(
            name: name, displayName: displayName,
            role: try Self.enumeration(Role.self, role, table: "users", id: name, field: "role"), disabled: disabled,
            createdAt: Self.timestamp(userCreatedAt))
        return Credential(token: token, hash: TokenHash(bytes: Array(hash)), user: user)
    }

    /// The columns `customer(_:)` decodes, in its order.
    static let customerColumns = "id, name, email, company, created_at, updated_at, version"

    static func customer(_ row: PostgresRow) throws -> Customer {
        let (id, name, email, company, createdAt, updatedAt, version) = try Self.decode(
            row, table: "customers", as: (Int, String, String, String?, Date, Date, Int).self)
        return Customer(
            id: CustomerID(id), name: name, email: email, company: company, createdAt: Self.timestamp(createdAt),
            updatedAt: Self.timestamp(updatedAt), version: version)
    }

    /// The columns `ticket(_:)` decodes, in its order.
    static let ticketColumns =
        "id, customer_id, subject, description, status, priority, assignee, tags, created_at, updated_at, version"

    static func ticket(_ row: PostgresRow) throws -> Ticket {
        let table = "tickets"
        let (id, customerID, subject, description, status, priority, assignee, tags, createdAt, updatedAt, version) =
            try Self.decode(
                row, table: table, as: (Int, Int, String, String, String, String, String?, [String], Date, Date, Int).self)
        return Ticket(
            id: TicketID(id), customerID: CustomerID(customerID), subject: subject, description: description,
            status: try Self.enumeration(TicketStatus.self, status, table: table, id: String(id), field: "status"),
            priority: try Self.enumeration(Priority.self, priority, table: table, id: String(id), field: "priority"),
            assignee: assignee, tags: tags, createdAt: Self.timestamp(createdAt), updatedAt: Self.timestamp(updatedAt),
            version: version)
    }

    /// The columns `note(_:)` decodes, in its order.
    static let noteColumns = "id, ticket_id, author, text, created_at"

    static func note(_ row: PostgresRow) throws -> Note {
        let (id, ticketID, author, text, createdAt) = try Self.decode(
            row, table: "notes", as: (Int, Int, String, String, Date).self)
        return Note(
            id: NoteID(id), ticketID: TicketID(ticketID), author: author, text: text, createdAt: Self.timestamp(createdAt))
    }

    /// The columns `auditEvent(_:)` decodes, in its order.
    static let auditColumns = "id, at, actor, action, entity, changes::text, via"

    static func auditEvent(_ row: PostgresRow) throws -> AuditEvent {
        let table = "audit_events"
        let (id, at, actor, action, entity, json, via) = try Self.decode(
            row, table: table, as: (Int, Date, String, String, String, String, String).self)
        let changes: [String: FieldChange]
        do {
            changes = try JSONDecoder().decode([String: FieldChange].self, from: Data(json.utf8))
        } catch {
            throw PostgresStoreError.unreadableRow(
                table: table, id: String(id), reason: "changes is not a JSON object of [old, new] pairs")
        }
        return AuditEvent(
            id: AuditEventID(id),
            record: AuditRecord(
                at: Self.timestamp(at), actor: actor, action: action, entity: entity, changes: changes,
                via: try Self.enumeration(Channel.self, via, table: table, id: String(id), field: "via")))
    }

    /// The changes of an audit record as the JSON text stored in `audit_events.changes`.
    static func changesJSON(_ record: AuditRecord) -> String {
        var json = JSONWriter()
        FieldChange.write(record.changes, to: &json)
        return json.text
    }

    /// A time as PostgreSQL's `timestamptz` is bound.
    static func date(_ timestamp: Timestamp) -> Date {
        Date(timeIntervalSince1970: TimeInterval(timestamp.secondsSince1970))
    }

    /// A `timestamptz` as crm's one-second time (a fraction, written by another program, is dropped).
    static func timestamp(_ date: Date) -> Timestamp {
        Timestamp(secondsSince1970: Int64(date.timeIntervalSince1970.rounded(.down)))
    }

    /// Refuses a text PostgreSQL cannot store: `text` holds no NUL character.
    static func storable(_ texts: [(column: String, text: String?)], table: String) throws {
        for (column, text) in texts where text?.utf8.contains(0) == true {
            throw PostgresStoreError.unstorableText(table: table, column: column, reason: "contains a NUL character (U+0000)")
        }
    }

    /// The row's columns as `type`, or an error naming the table, the row (by its first column) and the problem.
    private static func decode<each Column: PostgresDecodable>(
        _ row: PostgresRow, table: String, as type: (repeat each Column).Type
    ) throws -> (repeat each Column) {
        do {
            return try row.decode(type)
        } catch let error as PostgresDecodingError {
            let first = row.makeRandomAccess()[0]
            let id = (try? first.decode(Int.self)).map(String.init) ?? (try? first.decode(String.self)) ?? "?"
            let problem = error.code == .missingData ? "is NULL" : "holds a value of another type"
            throw PostgresStoreError.unreadableRow(table: table, id: id, reason: "\(error.columnName) \(problem)")
        }
    }

    /// A status, priority or channel stored by its wire name.
    private static func enumeration<Value: RawRepresentable<String>>(
        _ type: Value.Type, _ text: String, table: String, id: String, field: String
    ) throws -> Value {
        guard let value = Value(rawValue: text) else {
            throw PostgresStoreError.unreadableRow(
                table: table, id: id, reason: "unknown \(field) '\(text.prefix(40).debugDescription)'")
        }
        return value
    }
}
