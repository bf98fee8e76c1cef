import CRMDomain
import Foundation
import GRDB
import Synchronization

/// A durable `CRMStore` in one SQLite file (DESIGN §4): WAL, foreign keys, an index per ticket filter, and
/// every use case with its audit event in one transaction. Several processes may share the file; writers wait
/// for each other (busy timeout) instead of failing.
public final class SQLiteCRMStore: CRMStore {
    /// The schema version this build writes; a file from a newer version is refused untouched.
    public static let schemaVersion = SQLiteSchema.identifiers.count

    /// How long a write waits for another process to release the file's write lock before it fails.
    private static let busyTimeoutMilliseconds = 10_000

    /// WAL pages after which a commit copies them into the database file (SQLite's default is 1,000). A ticket
    /// create writes about 11 pages, and every checkpoint costs two fsyncs; 4,000 pages (16 MB of WAL) cuts
    /// those to a quarter and writes a page updated by several creates once.
    private static let checkpointPages = 4_000

    private let pool: DatabasePool
    /// How many writes of this process are under way; a write runs on the caller's thread only when it is alone.
    private let writesInProgress = Mutex(0)

    /// Opens (creating, migrating and seeding when new) the database at `path`.
    public init(path: String, seed: Seed = .demo(), seededAt: Timestamp) throws(SQLiteStoreError) {
        try Self.checkFile(at: path)
        var configuration = Configuration()
        configuration.busyMode = .timeout(TimeInterval(Self.busyTimeoutMilliseconds) / 1000)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.checkpointPages)")
        }
        do {
            self.pool = try DatabasePool(path: path, configuration: configuration)
            try SQLiteSchema.migrator(seed: seed, seededAt: seededAt).migrate(self.pool)
            try self.pool.writeWithoutTransaction { db in try Self.setBusyTimeout(db, milliseconds: 0) }
        } catch let error as SQLiteStoreError {
            throw error
        } catch {
            throw SQLiteStoreError.cannotOpen(path: path, reason: Self.describe(error))
        }
    }

    /// Refuses a directory or a file that is not a SQLite database before SQLite touches it.
    private static func checkFile(at path: String) throws(SQLiteStoreError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return }
        if isDirectory.boolValue { throw .cannotOpen(path: path, reason: "it is a directory") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .cannotOpen(path: path, reason: "permission denied")
        }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        guard !header.isEmpty else { return }
        guard header == Data("SQLite format 3\0".utf8) else { throw .notADatabase(path: path) }
        var readOnly = Configuration()
        readOnly.readonly = true
        let version: Int
        do {
            version = try DatabaseQueue(path: path, configuration: readOnly).read { db in
                try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            }
        } catch {
            throw .notADatabase(path: path)
        }
        guard version <= Self.schemaVersion else { throw .newerSchema(path: path, version: version) }
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? error.description }
        return String(describing: error)
    }

    // MARK: Users

    public func accounts() async throws -> [UserAccount] {
        try await self.pool.read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT u.name, u.role, t.hash FROM users u LEFT JOIN tokens t ON t.user = u.name ORDER BY u.name")
            var accounts: [String: UserAccount] = [:]
            var order: [String] = []
            for row in rows {
                let name: String = row["name"]
                if accounts[name] == nil {
                    order.append(name)
                    accounts[name] = UserAccount(
                        user: User(name: name, role: Role(rawValue: row["role"]) ?? .agent), tokenHashes: [])
                }
                if let hash: Data = row["hash"] { accounts[name]?.tokenHashes.append(TokenHash(bytes: Array(hash))) }
            }
            return order.compactMap { accounts[$0] }
        }
    }

    // MARK: Customers

    public func customers(limit: Int, offset: Int) async throws -> Page<Customer> {
        try await self.pool.read { db in
            let items = try Row.fetchAll(
                db, sql: "SELECT \(Self.customerColumns) FROM customers ORDER BY id LIMIT ? OFFSET ?", arguments: [limit, offset]
            ).map(Self.customer)
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM customers") ?? 0
            return Page(items: items, total: total, limit: limit, offset: offset)
        }
    }

    public func customer(_ id: CustomerID) async throws -> Customer? {
        try await self.pool.read { db in try Self.fetchCustomer(db, id) }
    }

    public func insertCustomer(_ make: @Sendable (CustomerID) throws -> Recorded<Customer>) async throws -> Customer {
        try await self.write { db in
            let recorded = try make(CustomerID(try Self.nextID(db, table: "customers")))
            try Self.save(recorded.value, db, insert: true)
            try Self.append(recorded.audit, db)
            return recorded.value
        }
    }

    public func updateCustomer(
        _ id: CustomerID, _ change: @Sendable (Customer) throws -> Recorded<Customer>?
    ) async throws -> Customer {
        try await self.write { db in
            guard let customer = try Self.fetchCustomer(db, id) else { throw CRMError.notFound(entity: "customer/\(id)") }
            guard let recorded = try change(customer) else { return customer }
            try Self.save(recorded.value, db, insert: false)
            try Self.append(recorded.audit, db)
            return recorded.value
        }
    }

    public func deleteCustomer(_ id: CustomerID, _ check: @Sendable (Customer, Int) throws -> AuditRecord) async throws {
        try await self.write { db in
            guard let customer = try Self.fetchCustomer(db, id) else { throw CRMError.notFound(entity: "customer/\(id)") }
            let tickets = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM tickets WHERE customer_id = ?", arguments: [id.rawValue]) ?? 0
            let record = try check(customer, tickets)
            try db.cachedStatement(sql: "DELETE FROM customers WHERE id = ?").execute(arguments: [id.rawValue])
            try Self.append(record, db)
        }
    }

    // MARK: Tickets

    public func tickets(_ query: TicketQuery) async throws -> Page<Ticket> {
        try await self.pool.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let customerID = query.customerID {
                conditions.append("customer_id = ?")
                arguments += [customerID.rawValue]
            }
            if let status = query.status {
                conditions.append("status = ?")
                arguments += [status.rawValue]
            }
            if let priority = query.priority {
                conditions.append("priority = ?")
                arguments += [priority.rawValue]
            }
            if let assignee = query.assignee {
                if let name = assignee {
                    conditions.append("assignee = ?")
                    arguments += [name]
                } else {
                    conditions.append("assignee IS NULL")
                }
            }
            if let tag = query.tag {
                conditions.append("id IN (SELECT ticket_id FROM ticket_tags WHERE tag = ?)")
                arguments += [tag]
            }
            if let search = query.search {
                let pattern = "%" + search.replacingOccurrences(of: "\\", with: "\\\\")
                    .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
                conditions.append("(lower(subject) LIKE ? ESCAPE '\\' OR lower(description) LIKE ? ESCAPE '\\')")
                arguments += [pattern, pattern]
            }
            let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM tickets" + whereClause, arguments: arguments) ?? 0
            let items = try Row.fetchAll(
                db, sql: "SELECT \(Self.ticketColumns) FROM tickets\(whereClause) ORDER BY id LIMIT ? OFFSET ?",
                arguments: arguments + [query.limit, query.offset]
            ).map(Self.ticket)
            return Page(items: items, total: total, limit: query.limit, offset: query.offset)
        }
    }

    public func ticket(_ id: TicketID) async throws -> Ticket? {
        try await self.pool.read { db in try Self.fetchTicket(db, id) }
    }

    public func insertTicket(
        for customerID: CustomerID, _ make: @Sendable (TicketID, Customer?) throws -> Recorded<Ticket>
    ) async throws -> Ticket {
        try await self.write { db in
            let recorded = try make(TicketID(try Self.nextID(db, table: "tickets")), try Self.fetchCustomer(db, customerID))
            try Self.save(recorded.value, db, insert: true)
            try Self.append(recorded.audit, db)
            return recorded.value
        }
    }

    public func updateTicket(
        _ id: TicketID, _ change: @Sendable (Ticket) throws -> Recorded<Ticket>?
    ) async throws -> Ticket {
        try await self.write { db in
            guard let ticket = try Self.fetchTicket(db, id) else { throw CRMError.notFound(entity: "ticket/\(id)") }
            guard let recorded = try change(ticket) else { return ticket }
            try Self.save(recorded.value, db, insert: false)
            try Self.append(recorded.audit, db)
            return recorded.value
        }
    }

    public func deleteTicket(_ id: TicketID, _ check: @Sendable (Ticket) throws -> AuditRecord) async throws {
        try await self.write { db in
            guard let ticket = try Self.fetchTicket(db, id) else { throw CRMError.notFound(entity: "ticket/\(id)") }
            let record = try check(ticket)
            try db.cachedStatement(sql: "DELETE FROM tickets WHERE id = ?").execute(arguments: [id.rawValue])
            try Self.append(record, db)
        }
    }

    // MARK: Notes

    public func insertNote(
        on ticketID: TicketID, _ make: @Sendable (NoteID, Ticket) throws -> Recorded<Note>
    ) async throws -> Note {
        try await self.write { db in
            guard let ticket = try Self.fetchTicket(db, ticketID) else {
                throw CRMError.notFound(entity: "ticket/\(ticketID)")
            }
            let recorded = try make(NoteID(try Self.nextID(db, table: "notes")), ticket)
            let note = recorded.value
            try Self.run(
                db, "INSERT INTO notes (id, ticket_id, author, text, created_at) VALUES (?, ?, ?, ?, ?)",
                [note.id.rawValue, note.ticketID.rawValue, note.author, note.text, note.createdAt.iso8601])
            try Self.append(recorded.audit, db)
            return note
        }
    }

    public func notes(on ticketID: TicketID) async throws -> [Note] {
        try await self.pool.read { db in
            guard try Self.fetchTicket(db, ticketID) != nil else { throw CRMError.notFound(entity: "ticket/\(ticketID)") }
            return try Row.fetchAll(
                db, sql: "SELECT * FROM notes WHERE ticket_id = ? ORDER BY id", arguments: [ticketID.rawValue]
            ).map { row in
                Note(
                    id: NoteID(row["id"]), ticketID: TicketID(row["ticket_id"]), author: row["author"], text: row["text"],
                    createdAt: Self.timestamp(row["created_at"]))
            }
        }
    }

    // MARK: Audit

    public func auditEvents(_ query: AuditQuery) async throws -> Page<AuditEvent> {
        try await self.pool.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let actor = query.actor {
                conditions.append("actor = ?")
                arguments += [actor]
            }
            if let entity = query.entity {
                conditions.append("entity = ?")
                arguments += [entity]
            }
            let whereClause = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_events" + whereClause, arguments: arguments) ?? 0
            let items = try Row.fetchAll(
                db, sql: "SELECT * FROM audit_events\(whereClause) ORDER BY id LIMIT ? OFFSET ?",
                arguments: arguments + [query.limit, query.offset]
            ).map { row in
                let changes = (try? JSONDecoder().decode([String: FieldChange].self, from: Data((row["changes"] as String).utf8))) ?? [:]
                return AuditEvent(
                    id: AuditEventID(row["id"]),
                    record: AuditRecord(
                        at: Self.timestamp(row["at"]), actor: row["actor"], action: row["action"], entity: row["entity"],
                        changes: changes, via: Channel(rawValue: row["via"]) ?? .shell))
            }
            return Page(items: items, total: total, limit: query.limit, offset: query.offset)
        }
    }

    // MARK: Transactions

    /// Runs `updates` and commits, or rolls back if it throws.
    ///
    /// A write that finds no other write of this process under way runs here, on the calling thread, and does
    /// not wait for locks (the writer connection's busy timeout is 0): it saves the two thread handoffs of a
    /// hop to GRDB's writer queue and back, and holds the caller (a thread of the small cooperative pool the
    /// HTTP server shares) only for its own work, a commit and now and then a WAL checkpoint. A write that would
    /// have to wait, for another task's write or for another process's lock (`SQLITE_BUSY`), waits suspended
    /// instead, on the writer queue with the busy timeout; rolled back, `updates` runs again there.
    private func write<T: Sendable>(_ updates: @Sendable (Database) throws -> T) async throws -> T {
        let alone = self.writesInProgress.withLock { count in
            count += 1
            return count == 1
        }
        defer { self.writesInProgress.withLock { $0 -= 1 } }
        if alone {
            do {
                return try self.writeOnCallingThread(updates)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
                // Another process holds the write lock: wait for it below, suspended.
            }
        }
        return try await self.pool.writeWithoutTransaction { db in
            try Self.setBusyTimeout(db, milliseconds: Self.busyTimeoutMilliseconds)
            defer { try? Self.setBusyTimeout(db, milliseconds: 0) }
            return try Self.inTransaction(db, updates)
        }
    }

    /// GRDB's synchronous write: on an idle writer queue it runs the transaction on the calling thread. (A
    /// synchronous function of its own, because inside `write` the call would pick GRDB's async overload.)
    private func writeOnCallingThread<T>(_ updates: (Database) throws -> T) throws -> T {
        try self.pool.writeWithoutTransaction { db in try Self.inTransaction(db, updates) }
    }

    /// `BEGIN IMMEDIATE`, `updates`, `COMMIT`; or a rollback if anything throws. The two statements are
    /// compiled once per connection (GRDB's `inTransaction` compiles them for every transaction).
    private static func inTransaction<T>(_ db: Database, _ updates: (Database) throws -> T) throws -> T {
        try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
        do {
            let result = try updates(db)
            try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
            return result
        } catch {
            try? db.rollback()
            throw error
        }
    }

    private static func setBusyTimeout(_ db: Database, milliseconds: Int) throws {
        try db.execute(sql: "PRAGMA busy_timeout = \(milliseconds)")
    }

    // MARK: Rows

    /// Runs a write statement, compiled once per connection.
    private static func run(_ db: Database, _ sql: String, _ arguments: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    /// The next ID of a table: one past the highest ever used (AUTOINCREMENT never reuses IDs).
    private static func nextID(_ db: Database, table: String) throws -> Int {
        let used = try Int.fetchOne(
            db.cachedStatement(sql: "SELECT seq FROM sqlite_sequence WHERE name = ?"), arguments: [table]) ?? 0
        return used + 1
    }

    private static func append(_ record: AuditRecord, _ db: Database) throws {
        var json = JSONWriter()
        FieldChange.write(record.changes, to: &json)
        let changes = json.text
        try Self.run(
            db, "INSERT INTO audit_events (at, actor, action, entity, changes, via) VALUES (?, ?, ?, ?, ?, ?)",
            [record.at.iso8601, record.actor, record.action, record.entity, changes, record.via.rawValue])
    }

    private static func save(_ customer: Customer, _ db: Database, insert: Bool) throws {
        let arguments: StatementArguments = [
            customer.name, customer.email, customer.company, customer.createdAt.iso8601, customer.updatedAt.iso8601,
            customer.version, customer.id.rawValue,
        ]
        try Self.run(
            db, insert
                ? """
                INSERT INTO customers (name, email, company, created_at, updated_at, version, id)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                """
                : """
                UPDATE customers SET name = ?, email = ?, company = ?, created_at = ?, updated_at = ?, version = ?
                    WHERE id = ?
                """,
            arguments)
    }

    private static func save(_ ticket: Ticket, _ db: Database, insert: Bool) throws {
        let arguments: StatementArguments = [
            ticket.customerID.rawValue, ticket.subject, ticket.description, ticket.status.rawValue,
            ticket.priority.rawValue, ticket.assignee, ticket.tags.joined(separator: ","), ticket.createdAt.iso8601,
            ticket.updatedAt.iso8601, ticket.version, ticket.id.rawValue,
        ]
        try Self.run(
            db, insert
                ? """
                INSERT INTO tickets (customer_id, subject, description, status, priority, assignee, tags, created_at,
                    updated_at, version, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
                : """
                UPDATE tickets SET customer_id = ?, subject = ?, description = ?, status = ?, priority = ?,
                    assignee = ?, tags = ?, created_at = ?, updated_at = ?, version = ? WHERE id = ?
                """,
            arguments)
        if !insert {
            try db.cachedStatement(sql: "DELETE FROM ticket_tags WHERE ticket_id = ?").execute(arguments: [ticket.id.rawValue])
        }
        for tag in ticket.tags {
            try db.cachedStatement(sql: "INSERT INTO ticket_tags (tag, ticket_id) VALUES (?, ?)").execute(arguments: [tag, ticket.id.rawValue])
        }
    }

    private static func fetchCustomer(_ db: Database, _ id: CustomerID) throws -> Customer? {
        let rows = try Row.fetchCursor(
            db.cachedStatement(sql: "SELECT \(Self.customerColumns) FROM customers WHERE id = ?"), arguments: [id.rawValue])
        return try rows.next().map(Self.customer)
    }

    private static func fetchTicket(_ db: Database, _ id: TicketID) throws -> Ticket? {
        let rows = try Row.fetchCursor(
            db.cachedStatement(sql: "SELECT \(Self.ticketColumns) FROM tickets WHERE id = ?"), arguments: [id.rawValue])
        return try rows.next().map(Self.ticket)
    }

    /// The columns `customer(_:)` decodes, in its order (by position: cheaper than by name).
    private static let customerColumns = "id, name, email, company, created_at, updated_at, version"

    private static func customer(_ row: Row) -> Customer {
        Customer(
            id: CustomerID(row[0]), name: row[1], email: row[2], company: row[3],
            createdAt: Self.timestamp(row[4]), updatedAt: Self.timestamp(row[5]), version: row[6])
    }

    /// The columns `ticket(_:)` decodes, in its order (by position: cheaper than by name).
    private static let ticketColumns =
        "id, customer_id, subject, description, status, priority, assignee, tags, created_at, updated_at, version"

    private static func ticket(_ row: Row) -> Ticket {
        let tags: String = row[7]
        return Ticket(
            id: TicketID(row[0]), customerID: CustomerID(row[1]), subject: row[2], description: row[3],
            status: TicketStatus(rawValue: row[4]) ?? .open, priority: Priority(rawValue: row[5]) ?? .normal,
            assignee: row[6], tags: tags.isEmpty ? [] : tags.split(separator: ",").map(String.init),
            createdAt: Self.timestamp(row[8]), updatedAt: Self.timestamp(row[9]), version: row[10])
    }

    private static func timestamp(_ text: String) -> Timestamp {
        Timestamp(iso8601: text) ?? Timestamp(secondsSince1970: 0)
    }
}

/// Why a SQLite file could not be used; each a one-line message.
public enum SQLiteStoreError: Error, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case notADatabase(path: String)
    case newerSchema(path: String, version: Int)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open database '\(path)': \(reason)"
        case .notADatabase(let path): "'\(path)' is not a SQLite database; refusing to touch it"
        case .newerSchema(let path, let version):
            "'\(path)' was written by a newer crm (schema \(version), this crm knows \(SQLiteCRMStore.schemaVersion)); refusing to touch it"
        }
    }
}
