import CRMDomain
import Foundation
import GRDB

/// A durable `CRMStore` in one SQLite file (DESIGN §4): WAL, foreign keys, an index per ticket filter, and
/// every use case with its audit event in one transaction. Several processes may share the file; writers wait
/// for each other (busy timeout) instead of failing.
public final class SQLiteCRMStore: CRMStore {
    /// The schema version this build writes; a file from a newer version is refused untouched.
    public static let schemaVersion = SQLiteSchema.identifiers.count

    /// WAL pages after which a commit copies them into the database file (SQLite's default is 1,000). A ticket
    /// create writes about 11 pages, and every checkpoint costs two fsyncs; 4,000 pages (16 MB of WAL) cuts
    /// those to a quarter and writes a page updated by several creates once.
    private static let checkpointPages = 4_000

    private let pool: DatabasePool
    private let writer: SQLiteWriter

    /// Opens (creating with mode 0600, migrating and seeding when new) the database at `path`. A file that is
    /// not crm's is refused untouched; one another process keeps locked for longer than `busyTimeout` seconds
    /// is reported as locked.
    public init(
        path: String, seed: Seed = .demo(), seededAt: Timestamp, busyTimeout: TimeInterval = 10
    ) throws(SQLiteStoreError) {
        let companionsBefore = SQLiteFile.existingCompanions(of: path)
        do {
            let isNew = try SQLiteFile.inspect(path, migrations: SQLiteSchema.identifiers, busyTimeout: busyTimeout)
            if isNew { try SQLiteFile.createPrivately(path) }
        } catch {
            switch error {
            case .notADatabase, .notCRM, .newerSchema: SQLiteFile.removeCompanions(of: path, except: companionsBefore)
            default: break
            }
            throw error
        }
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.foreignKeysEnabled = true
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA wal_autocheckpoint = \(Self.checkpointPages)")
            db.add(function: Self.containsFunction)
        }
        do {
            self.pool = try DatabasePool(path: path, configuration: configuration)
            self.writer = SQLiteWriter(pool: self.pool, busyTimeoutMilliseconds: Int(busyTimeout * 1_000))
            // Migrating takes the write lock; a database that is up to date opens even while another process writes.
            let migrator = SQLiteSchema.migrator(seed: seed, seededAt: seededAt)
            if try !self.pool.read({ db in try migrator.hasCompletedMigrations(db) }) { try migrator.migrate(self.pool) }
            try SQLiteSchema.applySeedTokens(seed, to: self.pool)
        } catch {
            throw SQLiteFile.explain(error, path: path, busyTimeout: busyTimeout)
        }
    }

    /// `crm_contains(text, search)`: the in-memory store's search match (`TicketQuery.text(_:contains:)`), so
    /// both stores find the same tickets for any text.
    private static let containsFunction = DatabaseFunction("crm_contains", argumentCount: 2, pure: true) { values in
        guard let text = String.fromDatabaseValue(values[0]), let search = String.fromDatabaseValue(values[1]) else {
            return false
        }
        return TicketQuery.text(text, contains: search)
    }

    // MARK: Users

    public func users(limit: Int, offset: Int) async throws -> Page<UserProfile> {
        try self.read { db in
            try Self.page(
                db, "users", columns: SQLiteRows.userColumns, orderBy: "name", limit: limit, offset: offset,
                SQLiteRows.user)
        }
    }

    public func user(named name: String) async throws -> UserProfile? {
        try self.readRow { db in try Self.fetchUser(db, name) }
    }

    public func insertUser(
        named name: String, _ make: @Sendable (UserProfile?) throws -> Recorded<UserProfile>
    ) async throws -> UserProfile {
        try await self.write { db in
            let recorded = try make(try Self.fetchUser(db, name))
            let user = recorded.value
            try SQLiteRows.storable(user.displayName, table: "users", column: "display_name")
            try Self.run(
                db, "INSERT INTO users (name, display_name, role, disabled, created_at) VALUES (?, ?, ?, ?, ?)",
                [user.name, user.displayName, user.role.rawValue, user.disabled, user.createdAt.iso8601])
            try Self.append(recorded.audit, db)
            return user
        }
    }

    public func updateUser(
        named name: String, _ change: @Sendable (UserProfile) throws -> Recorded<UserProfile>?
    ) async throws -> UserProfile {
        try await self.update("user/\(name)", change, find: { db in try Self.fetchUser(db, name) }) { db, updated in
            try SQLiteRows.storable(updated.displayName, table: "users", column: "display_name")
            try Self.run(
                db, "UPDATE users SET display_name = ?, role = ?, disabled = ? WHERE name = ?",
                [updated.displayName, updated.role.rawValue, updated.disabled, name])
        }
    }

    // MARK: Tokens

    public func tokens(_ query: TokenQuery) async throws -> Page<Token> {
        try self.read { db in
            var filter = SQLFilter()
            if let user = query.user { filter.add("user = ?", [user]) }
            return try Self.page(
                db, "tokens", columns: SQLiteRows.tokenColumns, where: filter, limit: query.limit, offset: query.offset,
                SQLiteRows.token)
        }
    }

    public func token(_ id: TokenID) async throws -> Token? {
        try self.readRow { db in try Self.fetchToken(db, id) }
    }

    public func insertToken(
        for userName: String, _ make: @Sendable (TokenID, UserProfile?) throws -> Recorded<StoredToken>
    ) async throws -> Token {
        try await self.write { db in
            let recorded = try make(TokenID(try Self.nextID(db, table: "tokens")), try Self.fetchUser(db, userName))
            let token = recorded.value.token
            try SQLiteRows.storable(token.label ?? "", table: "tokens", column: "label")
            try Self.run(
                db,
                """
                INSERT INTO tokens (id, user, label, hash, created_at, created_by, expires_at, last_used_at, revoked_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [
                    token.id.rawValue, token.user, token.label, Data(recorded.value.hash.bytes), token.createdAt.iso8601,
                    token.createdBy, token.expiresAt?.iso8601, token.lastUsedAt?.iso8601, token.revokedAt?.iso8601,
                ])
            try Self.append(recorded.audit, db)
            return token
        }
    }

    public func updateToken(_ id: TokenID, _ change: @Sendable (Token) throws -> Recorded<Token>?) async throws -> Token {
        try await self.update("token/\(id)", change, find: { db in try Self.fetchToken(db, id) }) { db, updated in
            try SQLiteRows.storable(updated.label ?? "", table: "tokens", column: "label")
            try Self.run(
                db, "UPDATE tokens SET label = ?, expires_at = ?, last_used_at = ?, revoked_at = ? WHERE id = ?",
                [
                    updated.label, updated.expiresAt?.iso8601, updated.lastUsedAt?.iso8601, updated.revokedAt?.iso8601,
                    id.rawValue,
                ])
        }
    }

    public func credential(_ lookup: CredentialLookup) async throws -> Credential? {
        try self.readRow { db in
            let select = Self.credentialSelect
            let rows: RowCursor
            switch lookup {
            case .id(let id):
                rows = try Row.fetchCursor(db.cachedStatement(sql: select + " WHERE t.id = ?"), arguments: [id.rawValue])
            case .hash(let hash):
                rows = try Row.fetchCursor(db.cachedStatement(sql: select + " WHERE t.hash = ?"), arguments: [Data(hash.bytes)])
            }
            return try rows.next().map(SQLiteRows.credential)
        }
    }

    /// A login's one read, before its `WHERE`: the token, its digest and its user (by primary key or unique index).
    private static let credentialSelect = """
        SELECT t.id, t.user, t.label, t.created_at, t.created_by, t.expires_at, t.last_used_at, t.revoked_at, t.hash,
            u.name, u.display_name, u.role, u.disabled, u.created_at
        FROM tokens t JOIN users u ON u.name = t.user
        """

    public func recordTokenUse(_ id: TokenID, at time: Timestamp, unlessUsedSince notBefore: Timestamp) async throws {
        try await self.write { db in
            try Self.run(
                db, "UPDATE tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
                [time.iso8601, id.rawValue, notBefore.iso8601])
        }
    }

    // MARK: Customers

    public func customers(limit: Int, offset: Int) async throws -> Page<Customer> {
        try self.read { db in
            try Self.page(
                db, "customers", columns: SQLiteRows.customerColumns, limit: limit, offset: offset, SQLiteRows.customer)
        }
    }

    public func customer(_ id: CustomerID) async throws -> Customer? {
        try self.readRow { db in try Self.fetchCustomer(db, id) }
    }

    public func insertCustomer(_ make: @Sendable (CustomerID) throws -> Recorded<Customer>) async throws -> Customer {
        try await self.insert(into: "customers", { _, id in try make(CustomerID(id)) }) { db, customer in
            try Self.save(customer, db, insert: true)
        }
    }

    public func updateCustomer(
        _ id: CustomerID, _ change: @Sendable (Customer) throws -> Recorded<Customer>?
    ) async throws -> Customer {
        try await self.update("customer/\(id)", change, find: { db in try Self.fetchCustomer(db, id) }) { db, customer in
            try Self.save(customer, db, insert: false)
        }
    }

    public func deleteCustomer(_ id: CustomerID, _ check: @Sendable (Customer, Int) throws -> AuditRecord) async throws {
        try await self.write { db in
            guard let customer = try Self.fetchCustomer(db, id) else { throw CRMError.notFound(entity: "customer/\(id)") }
            let tickets = try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM tickets WHERE customer_id = ?", arguments: [id.rawValue]) ?? 0
            let record = try check(customer, tickets)
            try Self.run(db, "DELETE FROM customers WHERE id = ?", [id.rawValue])
            try Self.append(record, db)
        }
    }

    // MARK: Tickets

    public func tickets(_ query: TicketQuery) async throws -> Page<Ticket> {
        try self.read { db in
            var filter = SQLFilter()
            if let customerID = query.customerID { filter.add("customer_id = ?", [customerID.rawValue]) }
            if let status = query.status { filter.add("status = ?", [status.rawValue]) }
            if let priority = query.priority { filter.add("priority = ?", [priority.rawValue]) }
            if let assignee = query.assignee {
                if let name = assignee { filter.add("assignee = ?", [name]) } else { filter.add("assignee IS NULL") }
            }
            if let tag = query.tag { filter.add("id IN (SELECT ticket_id FROM ticket_tags WHERE tag = ?)", [tag]) }
            if let search = query.search {
                filter.add("(crm_contains(subject, ?) OR crm_contains(description, ?))", [search, search])
            }
            return try Self.page(
                db, "tickets", columns: SQLiteRows.ticketColumns, where: filter, limit: query.limit,
                offset: query.offset, SQLiteRows.ticket)
        }
    }

    public func ticket(_ id: TicketID) async throws -> Ticket? {
        try self.readRow { db in try Self.fetchTicket(db, id) }
    }

    public func insertTicket(
        for customerID: CustomerID, _ make: @Sendable (TicketID, Customer?) throws -> Recorded<Ticket>
    ) async throws -> Ticket {
        try await self.insert(
            into: "tickets", { db, id in try make(TicketID(id), try Self.fetchCustomer(db, customerID)) },
            store: { db, ticket in try Self.save(ticket, db, insert: true) })
    }

    public func updateTicket(
        _ id: TicketID, _ change: @Sendable (Ticket) throws -> Recorded<Ticket>?
    ) async throws -> Ticket {
        try await self.update("ticket/\(id)", change, find: { db in try Self.fetchTicket(db, id) }) { db, ticket in
            try Self.save(ticket, db, insert: false)
        }
    }

    public func deleteTicket(_ id: TicketID, _ check: @Sendable (Ticket) throws -> AuditRecord) async throws {
        try await self.write { db in
            guard let ticket = try Self.fetchTicket(db, id) else { throw CRMError.notFound(entity: "ticket/\(id)") }
            let record = try check(ticket)
            try Self.run(db, "DELETE FROM tickets WHERE id = ?", [id.rawValue])
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
            try SQLiteRows.storable(note.author, table: "notes", column: "author")
            try SQLiteRows.storable(note.text, table: "notes", column: "text")
            try Self.run(
                db, "INSERT INTO notes (id, ticket_id, author, text, created_at) VALUES (?, ?, ?, ?, ?)",
                [note.id.rawValue, note.ticketID.rawValue, note.author, note.text, note.createdAt.iso8601])
            try Self.append(recorded.audit, db)
            return note
        }
    }

    public func notes(on ticketID: TicketID) async throws -> [Note] {
        try self.read { db in
            guard try Self.fetchTicket(db, ticketID) != nil else { throw CRMError.notFound(entity: "ticket/\(ticketID)") }
            return try Row.fetchAll(
                db, sql: "SELECT \(SQLiteRows.noteColumns) FROM notes WHERE ticket_id = ? ORDER BY id",
                arguments: [ticketID.rawValue]
            ).map(SQLiteRows.note)
        }
    }

    // MARK: Audit

    public func auditEvents(_ query: AuditQuery) async throws -> Page<AuditEvent> {
        try self.read { db in
            var filter = SQLFilter()
            if let actor = query.actor { filter.add("actor = ?", [actor]) }
            if let entity = query.entity { filter.add("entity = ?", [entity]) }
            return try Self.page(
                db, "audit_events", columns: SQLiteRows.auditColumns, where: filter, limit: query.limit,
                offset: query.offset, SQLiteRows.auditEvent)
        }
    }

    // MARK: Transactions

    /// The one shape of a customer's or ticket's insert, in one write transaction: `make` builds the row for the
    /// next ID of `table`, then `store` writes it and its audit record is appended.
    private func insert<Row: Sendable>(
        into table: String, _ make: @Sendable (Database, _ id: Int) throws -> Recorded<Row>,
        store: @Sendable (Database, Row) throws -> Void
    ) async throws -> Row {
        try await self.write { db in
            let recorded = try make(db, try Self.nextID(db, table: table))
            try store(db, recorded.value)
            try Self.append(recorded.audit, db)
            return recorded.value
        }
    }

    /// The one shape of every update, in one write transaction: finds the row (`notFound` naming `entity` when it
    /// is not there), lets `change` decide (nil keeps the row as it is), then stores the new row and its audit record.
    private func update<Row: Sendable>(
        _ entity: String, _ change: @Sendable (Row) throws -> Recorded<Row>?,
        find: @Sendable (Database) throws -> Row?, store: @Sendable (Database, Row) throws -> Void
    ) async throws -> Row {
        try await self.write { db in
            guard let current = try find(db) else { throw CRMError.notFound(entity: entity) }
            guard let recorded = try change(current) else { return current }
            try store(db, recorded.value)
            try Self.append(recorded.audit, db)
            return recorded.value
        }
    }

    /// Reads in one snapshot on the calling thread: in WAL mode a read never waits for a writer, and a hop to one
    /// of GRDB's reader queues would cost two thread wake-ups, as a queued write does (see `SQLiteWriter`).
    private func read<T>(_ value: (Database) throws -> T) throws -> T {
        try self.pool.read(value)
    }

    /// Reads one row by its key (a login's token, a user, a customer, a ticket): on the writer's connection when
    /// no write is in flight (see `SQLiteWriter.readAtOnce`), else as any other read.
    private func readRow<T>(_ value: (Database) throws -> T) throws -> T {
        if case .committed(let result) = try self.writer.readAtOnce(value) { return result }
        return try self.read(value)
    }

    /// Runs `updates` in one transaction with its audit event (see `SQLiteWriter`).
    private func write<T: Sendable>(_ updates: @Sendable (Database) throws -> T) async throws -> T {
        try await self.writer.write(updates)
    }

    // MARK: Rows

    /// One page of a table's rows that match `filter`, in `order`, with how many match in all.
    private static func page<Item: Sendable>(
        _ db: Database, _ table: String, columns: String, where filter: SQLFilter = SQLFilter(),
        orderBy order: String = "id", limit: Int, offset: Int, _ decode: (Row) throws -> Item
    ) throws -> Page<Item> {
        let items = try Row.fetchAll(
            db, sql: "SELECT \(columns) FROM \(table)\(filter.clause) ORDER BY \(order) LIMIT ? OFFSET ?",
            arguments: filter.arguments + [limit, offset]
        ).map(decode)
        let total = try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM \(table)" + filter.clause, arguments: filter.arguments) ?? 0
        return Page(items: items, total: total, limit: limit, offset: offset)
    }

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
        for (column, text) in [("actor", record.actor), ("action", record.action), ("entity", record.entity), ("changes", changes)] {
            try SQLiteRows.storable(text, table: "audit_events", column: column)
        }
        try Self.run(
            db, "INSERT INTO audit_events (at, actor, action, entity, changes, via) VALUES (?, ?, ?, ?, ?, ?)",
            [record.at.iso8601, record.actor, record.action, record.entity, changes, record.via.rawValue])
    }

    private static func save(_ customer: Customer, _ db: Database, insert: Bool) throws {
        for (column, text) in [("name", customer.name), ("email", customer.email), ("company", customer.company ?? "")] {
            try SQLiteRows.storable(text, table: "customers", column: column)
        }
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
        let texts = [
            ("subject", ticket.subject), ("description", ticket.description), ("assignee", ticket.assignee ?? ""),
            ("tags", ticket.tags.joined(separator: ",")),
        ]
        for (column, text) in texts { try SQLiteRows.storable(text, table: "tickets", column: column) }
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
            try Self.run(db, "DELETE FROM ticket_tags WHERE ticket_id = ?", [ticket.id.rawValue])
        }
        for tag in ticket.tags {
            try Self.run(db, "INSERT INTO ticket_tags (tag, ticket_id) VALUES (?, ?)", [tag, ticket.id.rawValue])
        }
    }

    private static func fetchUser(_ db: Database, _ name: String) throws -> UserProfile? {
        try Self.fetchOne(db, "users", columns: SQLiteRows.userColumns, key: "name", name, SQLiteRows.user)
    }

    private static func fetchToken(_ db: Database, _ id: TokenID) throws -> Token? {
        try Self.fetchOne(db, "tokens", columns: SQLiteRows.tokenColumns, key: "id", id.rawValue, SQLiteRows.token)
    }

    private static func fetchCustomer(_ db: Database, _ id: CustomerID) throws -> Customer? {
        try Self.fetchOne(db, "customers", columns: SQLiteRows.customerColumns, key: "id", id.rawValue, SQLiteRows.customer)
    }

    private static func fetchTicket(_ db: Database, _ id: TicketID) throws -> Ticket? {
        try Self.fetchOne(db, "tickets", columns: SQLiteRows.ticketColumns, key: "id", id.rawValue, SQLiteRows.ticket)
    }

    /// The row of `table` whose `key` column is `value`, decoded, or nil; the statement is compiled once per
    /// connection.
    private static func fetchOne<Item>(
        _ db: Database, _ table: String, columns: String, key: String, _ value: some DatabaseValueConvertible,
        _ decode: (Row) throws -> Item
    ) throws -> Item? {
        let rows = try Row.fetchCursor(
            db.cachedStatement(sql: "SELECT \(columns) FROM \(table) WHERE \(key) = ?"), arguments: [value])
        return try rows.next().map(decode)
    }
}
