import CRMDomain
import Foundation
import Logging
import PostgresNIO

/// A `CRMStore` in a PostgreSQL database (DESIGN §4), shared by any number of crm processes. Each use case is one
/// transaction with its audit event. A change locks its row first (`SELECT … FOR NO KEY UPDATE`, `FOR UPDATE` for a
/// delete), and locks are always taken customer → ticket, so transactions never deadlock. A new ticket, note or
/// customer is a single statement with its audit event (`WITH … INSERT`), so it needs no transaction around it: its
/// parent is read without a lock, and one deleted meanwhile makes the foreign key refuse the insert. IDs come from
/// sequences, and only once the parent is known to exist, so a refused create uses no ID (bar that race). Between
/// reading and writing, the IDs are taken and the domain's closure (which reads the clock) runs in this process's
/// `WriteOrder`, so within a process IDs follow time; the audit log's order is its IDs.
///
/// While the server is unreachable every call fails with `CRMError.unavailable` within the URL's connect timeout
/// (a statement the server stopped answering, within `statementTimeout` more); the pool reconnects by itself when
/// the server is back.
public final class PostgresCRMStore: CRMStore, ConnectionPoolReporting {
    /// The schema version this build writes; a database at a newer one is refused.
    public static var schemaVersion: Int { PostgresSchema.version }

    /// The longest a statement may run before the server cancels it; a call without an answer for this long plus
    /// the connect timeout fails with `unavailable`.
    public static var statementTimeout: Duration { PostgresPool.statementTimeout }

    /// The database, as it may be shown (without the password).
    public let url: PostgresURL
    private let pool: PostgresPool
    private let order = WriteOrder()

    private init(url: PostgresURL, pool: PostgresPool) {
        self.url = url
        self.pool = pool
    }

    /// Calls using a connection and calls waiting for one (the pool's own count of open connections is private).
    public func connectionPoolUsage() -> ConnectionPoolUsage {
        self.pool.usage
    }

    /// Connects to the database at `url`, migrates it (seeding a new one with `seed`) and starts the connection pool.
    /// A bad password, an unreachable server, a newer schema or another application's database is a one-line
    /// error within `startupTimeout`.
    public static func open(
        url: PostgresURL, seed: Seed = .demo(), seededAt: Timestamp, startupTimeout: Duration = .seconds(8),
        logger: Logger = PostgresCRMStore.silentLogger
    ) async throws(PostgresStoreError) -> PostgresCRMStore {
        let configuration = try url.connectionConfiguration
        do {
            try await Self.withDeadline(startupTimeout, url: url) {
                let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
                do {
                    try await PostgresSchema.migrate(connection, url: url, seed: seed, seededAt: seededAt, logger: logger)
                } catch {
                    try? await connection.close()
                    throw error
                }
                try await connection.close()
            }
        } catch let error as PostgresStoreError {
            throw error
        } catch {
            throw .cannotConnect(url: url.description, reason: Self.startupProblem(error))
        }
        return PostgresCRMStore(url: url, pool: try PostgresPool(url: url, logger: logger))
    }

    /// Closes the pool's connections; later calls fail with `unavailable`.
    public func close() async {
        await self.pool.close()
    }

    /// A logger that drops everything (PostgresNIO logs through the one it is given).
    public static let silentLogger = Logger(label: "crm.postgres") { _ in SwiftLogNoOpLogHandler() }

    // MARK: Users

    /// The advisory lock class that serializes creating users of one name (`crm_user` as ASCII bytes).
    private static let userNameLock: Int32 = 0x75_73_65_72

    public func users(limit: Int, offset: Int) async throws -> Page<UserProfile> {
        try await self.page(
            of: "users", PostgresRows.userColumns, orderedBy: "name", limit: limit, offset: offset, PostgresRows.user)
    }

    public func user(named name: String) async throws -> UserProfile? {
        try await self.pool.withConnection { connection in
            try await Self.fetchUser(name, lock: "", connection)
        }
    }

    public func insertUser(
        named name: String, _ make: @Sendable (UserProfile?) throws -> Recorded<UserProfile>
    ) async throws -> UserProfile {
        try await self.pool.transaction { connection in
            // Two processes creating the same name: the second waits here, then sees the first one's user.
            try await connection.answer(
                "SELECT pg_advisory_xact_lock(\(Self.userNameLock), hashtext(\(name)))", logger: Self.silentLogger)
            let existing = try await Self.fetchUser(name, lock: "", connection)
            let (recorded, auditID) = try await self.order.change(on: connection) { try make(existing) }
            let user = recorded.value
            try PostgresRows.storable([("name", user.name), ("display_name", user.displayName)], table: "users")
            try await Self.withAudit(
                recorded.audit, id: auditID,
                """
                INSERT INTO users (name, display_name, role, disabled, created_at) VALUES (\(user.name),
                    \(user.displayName), \(user.role.rawValue), \(user.disabled), \(PostgresRows.date(user.createdAt)))
                """, connection)
            return user
        }
    }

    public func updateUser(
        named name: String, _ change: @Sendable (UserProfile) throws -> Recorded<UserProfile>?
    ) async throws -> UserProfile {
        try await self.update(
            "user/\(name)", fetch: { try await Self.fetchUser(name, lock: "FOR NO KEY UPDATE", $0) }, change: change
        ) { recorded, auditID, connection in
            let updated = recorded.value
            try PostgresRows.storable([("display_name", updated.displayName)], table: "users")
            try await Self.withAudit(
                recorded.audit, id: auditID,
                """
                UPDATE users SET display_name = \(updated.displayName), role = \(updated.role.rawValue),
                    disabled = \(updated.disabled) WHERE name = \(name)
                """, connection)
        }
    }

    // MARK: Tokens

    public func tokens(_ query: TokenQuery) async throws -> Page<Token> {
        try await self.pool.withConnection { connection in
            try await Self.page(
                limit: query.limit, offset: query.offset,
                select: """
                    SELECT \(unescaped: PostgresRows.tokenColumns) FROM tokens
                        WHERE \(query.user)::text IS NULL OR user_name = \(query.user)
                        ORDER BY id LIMIT \(query.limit) OFFSET \(query.offset)
                    """,
                PostgresRows.token,
                count: "SELECT count(*) FROM tokens WHERE \(query.user)::text IS NULL OR user_name = \(query.user)",
                connection)
        }
    }

    public func token(_ id: TokenID) async throws -> Token? {
        try await self.pool.withConnection { connection in
            try await Self.fetchToken(id, lock: "", connection)
        }
    }

    public func insertToken(
        for userName: String, _ make: @Sendable (TokenID, UserProfile?) throws -> Recorded<StoredToken>
    ) async throws -> Token {
        try await self.pool.transaction { connection in
            let user = try await Self.fetchUser(userName, lock: "FOR KEY SHARE", connection)
            guard let user else {
                // No user, so no ID is used up: the domain refuses, seeing the ID the token would have had.
                _ = try make(TokenID(try await Self.unusedID("tokens_id_seq", connection)), nil)
                throw CRMError.notFound(entity: "user/\(userName)")
            }
            let (recorded, auditID) = try await self.order.insert(taking: "tokens_id_seq", on: connection) { id in
                try make(TokenID(id), user)
            }
            let token = recorded.value.token
            try PostgresRows.storable([("label", token.label), ("created_by", token.createdBy)], table: "tokens")
            try await Self.withAudit(
                recorded.audit, id: auditID,
                """
                INSERT INTO tokens (id, user_name, label, hash, created_at, created_by, expires_at, last_used_at,
                    revoked_at) VALUES (\(token.id.rawValue), \(token.user), \(token.label),
                    \(ByteBuffer(bytes: recorded.value.hash.bytes)), \(PostgresRows.date(token.createdAt)),
                    \(token.createdBy), \(token.expiresAt.map(PostgresRows.date)),
                    \(token.lastUsedAt.map(PostgresRows.date)), \(token.revokedAt.map(PostgresRows.date)))
                """, connection)
            return token
        }
    }

    public func updateToken(_ id: TokenID, _ change: @Sendable (Token) throws -> Recorded<Token>?) async throws -> Token {
        try await self.update(
            "token/\(id)", fetch: { try await Self.fetchToken(id, lock: "FOR NO KEY UPDATE", $0) }, change: change
        ) { recorded, auditID, connection in
            let updated = recorded.value
            try PostgresRows.storable([("label", updated.label)], table: "tokens")
            try await Self.withAudit(
                recorded.audit, id: auditID,
                """
                UPDATE tokens SET label = \(updated.label), expires_at = \(updated.expiresAt.map(PostgresRows.date)),
                    last_used_at = \(updated.lastUsedAt.map(PostgresRows.date)),
                    revoked_at = \(updated.revokedAt.map(PostgresRows.date)) WHERE id = \(id.rawValue)
                """, connection)
        }
    }

    public func credential(_ lookup: CredentialLookup) async throws -> Credential? {
        try await self.pool.withConnection { connection in
            let query: PostgresQuery
            switch lookup {
            case .id(let id):
                query = """
                    SELECT \(unescaped: PostgresRows.credentialColumns) FROM tokens t JOIN users u ON u.name = t.user_name
                        WHERE t.id = \(id.rawValue)
                    """
            case .hash(let hash):
                query = """
                    SELECT \(unescaped: PostgresRows.credentialColumns) FROM tokens t JOIN users u ON u.name = t.user_name
                        WHERE t.hash = \(ByteBuffer(bytes: hash.bytes))
                    """
            }
            return try await Self.all(connection, query, PostgresRows.credential).first
        }
    }

    public func recordTokenUse(_ id: TokenID, at time: Timestamp, unlessUsedSince notBefore: Timestamp) async throws {
        try await self.pool.withConnection { connection in
            _ = try await connection.answer(
                """
                UPDATE tokens SET last_used_at = \(PostgresRows.date(time))
                    WHERE id = \(id.rawValue) AND (last_used_at IS NULL OR last_used_at < \(PostgresRows.date(notBefore)))
                """, logger: Self.silentLogger)
        }
    }

    // MARK: Customers

    public func customers(limit: Int, offset: Int) async throws -> Page<Customer> {
        try await self.page(
            of: "customers", PostgresRows.customerColumns, orderedBy: "id", limit: limit, offset: offset, PostgresRows.customer)
    }

    public func customer(_ id: CustomerID) async throws -> Customer? {
        try await self.pool.withConnection { connection in
            try await Self.fetchCustomer(id, lock: "", connection)
        }
    }

    public func insertCustomer(_ make: @Sendable (CustomerID) throws -> Recorded<Customer>) async throws -> Customer {
        // One statement writes the customer with its audit event: no transaction around it.
        try await self.pool.withConnection { connection in
            let (recorded, auditID) = try await self.order.insert(taking: "customers_id_seq", on: connection) { id in
                try make(CustomerID(id))
            }
            try await Self.save(recorded.value, insert: true, audit: recorded.audit, auditID: auditID, connection)
            return recorded.value
        }
    }

    public func updateCustomer(
        _ id: CustomerID, _ change: @Sendable (Customer) throws -> Recorded<Customer>?
    ) async throws -> Customer {
        try await self.update(
            "customer/\(id)", fetch: { try await Self.fetchCustomer(id, lock: "FOR NO KEY UPDATE", $0) }, change: change
        ) { recorded, auditID, connection in
            try await Self.save(recorded.value, insert: false, audit: recorded.audit, auditID: auditID, connection)
        }
    }

    public func deleteCustomer(_ id: CustomerID, _ check: @Sendable (Customer, Int) throws -> AuditRecord) async throws {
        try await self.pool.transaction { connection in
            guard let customer = try await Self.fetchCustomer(id, lock: "FOR UPDATE", connection) else {
                throw CRMError.notFound(entity: "customer/\(id)")
            }
            let tickets = try await Self.count(
                connection, "SELECT coalesce(sum(tickets), 0)::bigint FROM ticket_counts WHERE customer_id = \(id.rawValue)")
            let (recorded, auditID) = try await self.order.change(on: connection) {
                Recorded(customer, audit: try check(customer, tickets))
            }
            try await connection.answer(
                "DELETE FROM ticket_counts WHERE customer_id = \(id.rawValue)", logger: Self.silentLogger)
            try await Self.withAudit(recorded.audit, id: auditID, "DELETE FROM customers WHERE id = \(id.rawValue)", connection)
        }
    }

    // MARK: Tickets

    public func tickets(_ query: TicketQuery) async throws -> Page<Ticket> {
        try await self.pool.withConnection { connection in
            if let search = query.search {
                return try await Self.searchTickets(query, search: search, connection)
            }
            let filter = TicketFilterSQL(query)
            // A customer's (or every) ticket count is kept in `ticket_counts`: no scan of the tickets.
            let count: PostgresQuery =
                filter.isCustomerOnly
                ? """
                SELECT coalesce(sum(tickets), 0)::bigint FROM ticket_counts
                    WHERE \(query.customerID?.rawValue)::bigint IS NULL OR customer_id = \(query.customerID?.rawValue)
                """
                : filter.query(select: "count(*)")
            return try await Self.page(
                limit: query.limit, offset: query.offset,
                select: filter.query(
                    select: PostgresRows.ticketColumns, then: "ORDER BY id LIMIT $7 OFFSET $8", query.limit, query.offset),
                PostgresRows.ticket, count: count, connection)
        }
    }

    public func ticket(_ id: TicketID) async throws -> Ticket? {
        try await self.pool.withConnection { connection in
            try await Self.fetchTicket(id, lock: "", connection)
        }
    }

    public func insertTicket(
        for customerID: CustomerID, _ make: @Sendable (TicketID, Customer?) throws -> Recorded<Ticket>
    ) async throws -> Ticket {
        // One statement writes the ticket with its audit event: no transaction around it. The customer is read
        // without a lock; one deleted before the insert makes the foreign key refuse the ticket.
        try await self.pool.withConnection { connection in
            guard let customer = try await Self.fetchCustomer(customerID, lock: "", connection) else {
                // No customer, so no ID is used up: the domain refuses, seeing the ID the ticket would have had.
                _ = try make(TicketID(try await Self.unusedID("tickets_id_seq", connection)), nil)
                throw CRMError.notFound(entity: "customer/\(customerID)")
            }
            let (recorded, auditID) = try await self.order.insert(taking: "tickets_id_seq", on: connection) { id in
                try make(TicketID(id), customer)
            }
            try await Self.whileParentExists("customer/\(customerID)") {
                try await Self.save(recorded.value, insert: true, audit: recorded.audit, auditID: auditID, connection)
            }
            return recorded.value
        }
    }

    public func updateTicket(
        _ id: TicketID, _ change: @Sendable (Ticket) throws -> Recorded<Ticket>?
    ) async throws -> Ticket {
        try await self.update(
            "ticket/\(id)", fetch: { try await Self.fetchTicket(id, lock: "FOR NO KEY UPDATE", $0) }, change: change
        ) { recorded, auditID, connection in
            try await Self.save(recorded.value, insert: false, audit: recorded.audit, auditID: auditID, connection)
        }
    }

    public func deleteTicket(_ id: TicketID, _ check: @Sendable (Ticket) throws -> AuditRecord) async throws {
        try await self.pool.transaction { connection in
            guard let ticket = try await Self.fetchTicket(id, lock: "FOR UPDATE", connection) else {
                throw CRMError.notFound(entity: "ticket/\(id)")
            }
            let (recorded, auditID) = try await self.order.change(on: connection) { Recorded(ticket, audit: try check(ticket)) }
            try await Self.withAudit(recorded.audit, id: auditID, "DELETE FROM tickets WHERE id = \(id.rawValue)", connection)
        }
    }

    // MARK: Notes

    public func insertNote(
        on ticketID: TicketID, _ make: @Sendable (NoteID, Ticket) throws -> Recorded<Note>
    ) async throws -> Note {
        // One statement writes the note with its audit event: no transaction around it. The ticket is read without
        // a lock; one deleted before the insert makes the foreign key refuse the note.
        try await self.pool.withConnection { connection in
            guard let ticket = try await Self.fetchTicket(ticketID, lock: "", connection) else {
                throw CRMError.notFound(entity: "ticket/\(ticketID)")
            }
            let (recorded, auditID) = try await self.order.insert(taking: "notes_id_seq", on: connection) { id in
                try make(NoteID(id), ticket)
            }
            let note = recorded.value
            try PostgresRows.storable([("author", note.author), ("text", note.text)], table: "notes")
            try await Self.whileParentExists("ticket/\(ticketID)") {
                try await Self.withAudit(
                    recorded.audit, id: auditID,
                    """
                    INSERT INTO notes (id, ticket_id, author, text, created_at) VALUES (\(note.id.rawValue),
                        \(note.ticketID.rawValue), \(note.author), \(note.text), \(PostgresRows.date(note.createdAt)))
                    """, connection)
            }
            return note
        }
    }

    public func notes(on ticketID: TicketID) async throws -> [Note] {
        try await self.pool.withConnection { connection in
            let exists = try await Self.count(
                connection, "SELECT count(*) FROM tickets WHERE id = \(ticketID.rawValue)")
            guard exists == 1 else { throw CRMError.notFound(entity: "ticket/\(ticketID)") }
            return try await Self.all(
                connection,
                "SELECT \(unescaped: PostgresRows.noteColumns) FROM notes WHERE ticket_id = \(ticketID.rawValue) ORDER BY id",
                PostgresRows.note)
        }
    }

    // MARK: Audit

    public func auditEvents(_ query: AuditQuery) async throws -> Page<AuditEvent> {
        try await self.pool.withConnection { connection in
            try await Self.page(
                limit: query.limit, offset: query.offset,
                select: """
                    SELECT \(unescaped: PostgresRows.auditColumns) FROM audit_events
                        WHERE (\(query.actor)::text IS NULL OR actor = \(query.actor))
                        AND (\(query.entity)::text IS NULL OR entity = \(query.entity))
                        ORDER BY id LIMIT \(query.limit) OFFSET \(query.offset)
                    """,
                PostgresRows.auditEvent,
                count: """
                    SELECT count(*) FROM audit_events WHERE (\(query.actor)::text IS NULL OR actor = \(query.actor))
                        AND (\(query.entity)::text IS NULL OR entity = \(query.entity))
                    """,
                connection)
        }
    }

    // MARK: Statements

    /// A change to one row, in one transaction: the row read and locked by `fetch` (none: `not_found` for
    /// `entity`), the domain's `change` in this process's write order (nil: nothing to write, the row as it was),
    /// then `write` with the audit event's ID.
    private func update<Entity: Sendable>(
        _ entity: String, fetch: (PostgresConnection) async throws -> Entity?,
        change: @Sendable (Entity) throws -> Recorded<Entity>?,
        write: (Recorded<Entity>, _ auditID: Int, PostgresConnection) async throws -> Void
    ) async throws -> Entity {
        try await self.pool.transaction { connection in
            guard let current = try await fetch(connection) else { throw CRMError.notFound(entity: entity) }
            guard let (recorded, auditID) = try await self.order.change(on: connection, { try change(current) }) else {
                return current
            }
            try await write(recorded, auditID, connection)
            return recorded.value
        }
    }

    /// A search (DESIGN §5.3): the domain's own match (`TicketQuery.text(_:contains:)`) over the subject and
    /// description of every ticket the other filters let through, oldest first, so that every store finds the same
    /// tickets for any text; then the page's tickets by ID.
    private static func searchTickets(_ query: TicketQuery, search: String, _ connection: PostgresConnection) async throws
        -> Page<Ticket>
    {
        let filter = TicketFilterSQL(query)
        let candidates = try await connection.answer(
            filter.query(select: "id, subject, description", then: "ORDER BY id"), logger: Self.silentLogger)
        var total = 0
        var pageIDs: [Int] = []
        let pageEnd = query.offset.addingReportingOverflow(query.limit)
        for row in candidates {
            let (id, subject, description) = try row.decode((Int, String, String).self)
            guard TicketQuery.text(subject, contains: search) || TicketQuery.text(description, contains: search) else {
                continue
            }
            if total >= query.offset && (pageEnd.overflow || total < pageEnd.partialValue) { pageIDs.append(id) }
            total += 1
        }
        let items =
            pageIDs.isEmpty
            ? []
            : try await Self.all(
                connection,
                "SELECT \(unescaped: PostgresRows.ticketColumns) FROM tickets WHERE id = ANY(\(pageIDs)) ORDER BY id",
                PostgresRows.ticket)
        return Page(items: items, total: total, limit: query.limit, offset: query.offset)
    }

    private static func all<Item>(
        _ connection: PostgresConnection, _ query: PostgresQuery, _ decode: (PostgresRow) throws -> Item
    ) async throws -> [Item] {
        var items: [Item] = []
        for row in try await connection.answer(query, logger: Self.silentLogger) {
            items.append(try decode(row))
        }
        return items
    }

    /// The single integer a query returns (a count, an ID).
    private static func count(_ connection: PostgresConnection, _ query: PostgresQuery) async throws -> Int {
        for row in try await connection.answer(query, logger: Self.silentLogger) {
            return try row.decode(Int.self)
        }
        throw PostgresStoreError.server(sqlState: "-----", message: "a query for one number returned no row")
    }

    /// Runs an insert under a parent read without a lock; a foreign key violation means the parent was deleted
    /// meanwhile, so the create fails as if it had not been there.
    private static func whileParentExists(_ parent: String, _ insert: () async throws -> Void) async throws {
        do {
            try await insert()
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23503" {
            throw CRMError.notFound(entity: parent)
        }
    }

    /// The ID a sequence would give next, without taking it.
    private static func unusedID(_ sequence: String, _ connection: PostgresConnection) async throws -> Int {
        try await Self.count(
            connection,
            "SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM \(unescaped: sequence)")
    }

    /// One page: the items `select` returns, decoded by `decode`, and the total `count` returns.
    private static func page<Item>(
        limit: Int, offset: Int, select: PostgresQuery, _ decode: (PostgresRow) throws -> Item, count: PostgresQuery,
        _ connection: PostgresConnection
    ) async throws -> Page<Item> {
        let items = try await Self.all(connection, select, decode)
        return Page(items: items, total: try await Self.count(connection, count), limit: limit, offset: offset)
    }

    /// One page of every row of `table`, ordered by the `order` column.
    private func page<Item: Sendable>(
        of table: String, _ columns: String, orderedBy order: String, limit: Int, offset: Int,
        _ decode: (PostgresRow) throws -> Item
    ) async throws -> Page<Item> {
        try await self.pool.withConnection { connection in
            try await Self.page(
                limit: limit, offset: offset,
                select: """
                    SELECT \(unescaped: columns) FROM \(unescaped: table) ORDER BY \(unescaped: order) \
                    LIMIT \(limit) OFFSET \(offset)
                    """,
                decode, count: "SELECT count(*) FROM \(unescaped: table)", connection)
        }
    }

    /// The row of `table` whose `key` column holds `value`, read with `lock` (empty, `FOR UPDATE`, `FOR KEY
    /// SHARE`), or nil.
    private static func fetch<Key: PostgresNonThrowingEncodable, Item>(
        _ columns: String, from table: String, where key: String = "id", is value: Key, lock: String,
        _ decode: (PostgresRow) throws -> Item, _ connection: PostgresConnection
    ) async throws -> Item? {
        try await Self.all(
            connection,
            "SELECT \(unescaped: columns) FROM \(unescaped: table) WHERE \(unescaped: key) = \(value) \(unescaped: lock)",
            decode
        ).first
    }

    private static func fetchUser(_ name: String, lock: String, _ connection: PostgresConnection) async throws
        -> UserProfile?
    {
        try await Self.fetch(
            PostgresRows.userColumns, from: "users", where: "name", is: name, lock: lock, PostgresRows.user, connection)
    }

    private static func fetchToken(_ id: TokenID, lock: String, _ connection: PostgresConnection) async throws -> Token? {
        try await Self.fetch(PostgresRows.tokenColumns, from: "tokens", is: id.rawValue, lock: lock, PostgresRows.token, connection)
    }

    private static func fetchCustomer(_ id: CustomerID, lock: String, _ connection: PostgresConnection) async throws
        -> Customer?
    {
        try await Self.fetch(
            PostgresRows.customerColumns, from: "customers", is: id.rawValue, lock: lock, PostgresRows.customer, connection)
    }

    private static func fetchTicket(_ id: TicketID, lock: String, _ connection: PostgresConnection) async throws -> Ticket? {
        try await Self.fetch(
            PostgresRows.ticketColumns, from: "tickets", is: id.rawValue, lock: lock, PostgresRows.ticket, connection)
    }

    /// Runs `statement` and appends `record` to the audit log as event `id`, in one round trip (a data-modifying
    /// WITH).
    private static func withAudit(
        _ record: AuditRecord, id: Int, _ statement: PostgresQuery, _ connection: PostgresConnection
    ) async throws {
        try PostgresRows.storable(
            [("actor", record.actor), ("action", record.action), ("entity", record.entity)], table: "audit_events")
        var query = statement
        let first = statement.binds.count + 1
        query.sql = "WITH change AS (\(statement.sql)) INSERT INTO audit_events (id, at, actor, action, entity, changes, via)"
            + " VALUES ($\(first), $\(first + 1), $\(first + 2), $\(first + 3), $\(first + 4), $\(first + 5)::jsonb,"
            + " $\(first + 6))"
        query.binds.append(id)
        query.binds.append(PostgresRows.date(record.at))
        query.binds.append(record.actor)
        query.binds.append(record.action)
        query.binds.append(record.entity)
        query.binds.append(PostgresRows.changesJSON(record))
        query.binds.append(record.via.rawValue)
        try await connection.answer(query, logger: Self.silentLogger)
    }

    private static func save(
        _ customer: Customer, insert: Bool, audit: AuditRecord, auditID: Int, _ connection: PostgresConnection
    ) async throws {
        try PostgresRows.storable(
            [("name", customer.name), ("email", customer.email), ("company", customer.company)], table: "customers")
        let (created, updated) = (PostgresRows.date(customer.createdAt), PostgresRows.date(customer.updatedAt))
        try await Self.withAudit(
            audit, id: auditID,
            insert
                ? """
                INSERT INTO customers (id, name, email, company, created_at, updated_at, version)
                    VALUES (\(customer.id.rawValue), \(customer.name), \(customer.email), \(customer.company), \(created),
                    \(updated), \(customer.version))
                """
                : """
                UPDATE customers SET name = \(customer.name), email = \(customer.email), company = \(customer.company),
                    created_at = \(created), updated_at = \(updated), version = \(customer.version)
                    WHERE id = \(customer.id.rawValue)
                """,
            connection)
    }

    private static func save(
        _ ticket: Ticket, insert: Bool, audit: AuditRecord, auditID: Int, _ connection: PostgresConnection
    ) async throws {
        try PostgresRows.storable(
            [("subject", ticket.subject), ("description", ticket.description), ("assignee", ticket.assignee)]
                + ticket.tags.map { ("tags", $0) },
            table: "tickets")
        let (created, updated) = (PostgresRows.date(ticket.createdAt), PostgresRows.date(ticket.updatedAt))
        try await Self.withAudit(
            audit, id: auditID,
            insert
                ? """
                INSERT INTO tickets (id, customer_id, subject, description, status, priority, assignee, tags,
                    created_at, updated_at, version)
                    VALUES (\(ticket.id.rawValue), \(ticket.customerID.rawValue), \(ticket.subject), \(ticket.description),
                    \(ticket.status.rawValue), \(ticket.priority.rawValue), \(ticket.assignee), \(ticket.tags), \(created),
                    \(updated), \(ticket.version))
                """
                : """
                UPDATE tickets SET customer_id = \(ticket.customerID.rawValue), subject = \(ticket.subject),
                    description = \(ticket.description), status = \(ticket.status.rawValue),
                    priority = \(ticket.priority.rawValue), assignee = \(ticket.assignee), tags = \(ticket.tags),
                    created_at = \(created), updated_at = \(updated), version = \(ticket.version)
                    WHERE id = \(ticket.id.rawValue)
                """,
            connection)
    }

    /// Runs `body`, failing with a timeout when it takes longer than `limit` (a server that accepts the connection
    /// but never answers).
    private static func withDeadline(
        _ limit: Duration, url: PostgresURL, _ body: @escaping @Sendable () async throws -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await body()
                return true
            }
            group.addTask {
                try await Task.sleep(for: limit)
                return false
            }
            defer { group.cancelAll() }
            guard try await group.next() == true else {
                throw PostgresStoreError.cannotConnect(
                    url: url.description, reason: "no answer within \(limit.components.seconds) s")
            }
        }
    }

    /// A one-line reason a connection at start failed: the server's own message (a wrong password, an unknown
    /// database), or the system's (refused, unreachable).
    private static func startupProblem(_ error: any Error) -> String {
        guard let error = error as? PSQLError else { return String(describing: error) }
        if error.code == .server, let message = error.serverInfo?[.message] { return message }
        return PostgresFailure.connectionProblem(error)
    }
}

/// The `WHERE` condition of a ticket list's filters (search aside), every value a bind. An absent filter binds NULL,
/// which the planner folds away, so each query still uses the index of the filters it has.
private struct TicketFilterSQL {
    /// The condition, on binds $1 to $6.
    private static let condition = """
        ($1::bigint IS NULL OR customer_id = $1) AND ($2::text IS NULL OR status = $2)
        AND ($3::text IS NULL OR priority = $3) AND (NOT $4::boolean OR assignee IS NULL)
        AND ($5::text IS NULL OR assignee = $5) AND ($6::text IS NULL OR tags @> ARRAY[$6::text])
        """

    private let binds: PostgresBindings
    /// Whether the customer (or nothing) is the only filter, so the total can come from `ticket_counts`.
    let isCustomerOnly: Bool

    init(_ query: TicketQuery) {
        var binds = PostgresBindings()
        binds.append(query.customerID?.rawValue)
        binds.append(query.status?.rawValue)
        binds.append(query.priority?.rawValue)
        switch query.assignee {
        case .none:
            binds.append(false)
            binds.append(String?.none)
        case .some(.none):
            binds.append(true)
            binds.append(String?.none)
        case .some(.some(let name)):
            binds.append(false)
            binds.append(name)
        }
        binds.append(query.tag)
        self.binds = binds
        self.isCustomerOnly = query.status == nil && query.priority == nil && query.assignee == nil && query.tag == nil
    }

    /// `SELECT columns FROM tickets WHERE condition tail`, where `tail` (constant SQL) may use $7 and $8 for `more`.
    func query(select columns: String, then tail: String = "", _ more: Int...) -> PostgresQuery {
        var binds = self.binds
        for value in more { binds.append(value) }
        return PostgresQuery(unsafeSQL: "SELECT \(columns) FROM tickets WHERE \(Self.condition) \(tail)", binds: binds)
    }
}
