import CRMDomain
import Synchronization

/// The default store: everything in memory behind one lock, seeded at start, gone at exit.
/// Ticket lists are served from bitmap indexes, so a filtered page costs time in proportion to the page
/// (plus a word-wise intersection when several filters combine), not to the number of tickets.
///
/// Every method runs under one `Mutex`, so each use case (read, domain closure, write, audit append) is atomic and
/// the domain's closures run exactly once. Within the state, customer `n` and ticket `n`'s notes sit at index
/// `n - 1`, growing only by appending; every ID a client sends is bounds-checked before it is used as an index.
public final class InMemoryCRMStore: CRMStore {
    private struct TicketIndexes {
        var all = IDSet()
        var byCustomer: [CustomerID: IDSet] = [:]
        var byStatus: [TicketStatus: IDSet] = [:]
        var byPriority: [Priority: IDSet] = [:]
        var byAssignee: [String?: IDSet] = [:]
        var byTag: [String: IDSet] = [:]

        mutating func add(_ ticket: Ticket) {
            let id = ticket.id.rawValue
            self.all.insert(id)
            self.byCustomer[ticket.customerID, default: IDSet()].insert(id)
            self.byStatus[ticket.status, default: IDSet()].insert(id)
            self.byPriority[ticket.priority, default: IDSet()].insert(id)
            self.byAssignee[ticket.assignee, default: IDSet()].insert(id)
            for tag in ticket.tags { self.byTag[tag, default: IDSet()].insert(id) }
        }

        mutating func remove(_ ticket: Ticket) {
            let id = ticket.id.rawValue
            self.all.remove(id)
            self.byCustomer[ticket.customerID]?.remove(id)
            self.byStatus[ticket.status]?.remove(id)
            self.byPriority[ticket.priority]?.remove(id)
            self.byAssignee[ticket.assignee]?.remove(id)
            for tag in ticket.tags { self.byTag[tag]?.remove(id) }
        }

        /// Moves a changed ticket between the sets of the fields that changed.
        mutating func update(_ old: Ticket, to new: Ticket) {
            let id = new.id.rawValue
            Self.move(id, in: &self.byCustomer, from: old.customerID, to: new.customerID)
            Self.move(id, in: &self.byStatus, from: old.status, to: new.status)
            Self.move(id, in: &self.byPriority, from: old.priority, to: new.priority)
            Self.move(id, in: &self.byAssignee, from: old.assignee, to: new.assignee)
            if old.tags != new.tags {
                for tag in old.tags { self.byTag[tag]?.remove(id) }
                for tag in new.tags { self.byTag[tag, default: IDSet()].insert(id) }
            }
        }

        /// Moves a ticket from the set of its old value of one field to the set of its new value, when they differ.
        private static func move<Value: Hashable>(
            _ id: Int, in index: inout [Value: IDSet], from old: Value, to new: Value
        ) {
            guard old != new else { return }
            index[old]?.remove(id)
            index[new, default: IDSet()].insert(id)
        }

        /// The index sets that a query's filters select, or `[all]` when it has none.
        func candidates(for query: TicketQuery) -> [IDSet] {
            var sets: [IDSet] = []
            if let customerID = query.customerID { sets.append(self.byCustomer[customerID] ?? IDSet()) }
            if let status = query.status { sets.append(self.byStatus[status] ?? IDSet()) }
            if let priority = query.priority { sets.append(self.byPriority[priority] ?? IDSet()) }
            if let assignee = query.assignee { sets.append(self.byAssignee[assignee] ?? IDSet()) }
            if let tag = query.tag { sets.append(self.byTag[tag] ?? IDSet()) }
            return sets.isEmpty ? [self.all] : sets
        }
    }

    private struct State {
        var directory: UserDirectory
        /// Indexed by ID - 1; nil once deleted.
        var customers: [Customer?] = []
        var liveCustomers = IDSet()
        var tickets = TicketTable()
        var ticketIndexes = TicketIndexes()
        /// Each ticket's notes, indexed by ticket ID - 1.
        var notesByTicket: [[Note]] = []
        var noteCount = 0
        var audit = AuditLog()

        /// The customer with this ID; any ID a client sends (zero, negative, `Int.max`) is compared, never
        /// computed with.
        func customer(_ id: CustomerID) -> Customer? {
            guard id.rawValue >= 1, id.rawValue <= self.customers.count else { return nil }
            return self.customers[id.rawValue - 1]
        }

        func ticket(_ id: TicketID) -> Ticket? {
            self.tickets[id]
        }

        mutating func append(_ record: AuditRecord) {
            self.audit.append(record)
        }

        mutating func replace(_ old: Ticket, with new: Ticket) {
            self.ticketIndexes.update(old, to: new)
            self.tickets.replace(new)
        }
    }

    private let state: Mutex<State>

    /// A store holding `seed`, with the seed customers created at `seededAt`.
    public init(seed: Seed = .demo(), seededAt: Timestamp) {
        let rows = seed.rows(at: seededAt)
        var state = State(directory: UserDirectory(users: rows.users, tokens: rows.tokens))
        for (offset, customer) in seed.customers.enumerated() {
            state.customers.append(
                Customer(
                    id: CustomerID(offset + 1), name: customer.name, email: customer.email,
                    company: customer.company, createdAt: seededAt, updatedAt: seededAt))
            state.liveCustomers.insert(offset + 1)
        }
        self.state = Mutex(state)
    }

    // MARK: Users and tokens

    public func users(limit: Int, offset: Int) async throws -> Page<UserProfile> {
        self.state.withLock { $0.directory.users(limit: limit, offset: offset) }
    }

    public func user(named name: String) async throws -> UserProfile? {
        self.state.withLock { $0.directory.user(named: name) }
    }

    public func insertUser(
        named name: String, _ make: @Sendable (UserProfile?) throws -> Recorded<UserProfile>
    ) async throws -> UserProfile {
        try self.insert({ state in try make(state.directory.user(named: name)) }) { state, user in
            state.directory.insert(user)
        }
    }

    public func updateUser(
        named name: String, _ change: @Sendable (UserProfile) throws -> Recorded<UserProfile>?
    ) async throws -> UserProfile {
        try self.update("user/\(name)", change, find: { $0.directory.user(named: name) }) { state, _, user in
            state.directory.replace(user)
        }
    }

    public func tokens(_ query: TokenQuery) async throws -> Page<Token> {
        self.state.withLock { $0.directory.tokens(query) }
    }

    public func token(_ id: TokenID) async throws -> Token? {
        self.state.withLock { $0.directory.token(id)?.token }
    }

    public func insertToken(
        for userName: String, _ make: @Sendable (TokenID, UserProfile?) throws -> Recorded<StoredToken>
    ) async throws -> Token {
        try self.insert(
            { state in try make(state.directory.nextTokenID, state.directory.user(named: userName)) },
            store: { state, stored in state.directory.append(stored) }
        ).token
    }

    public func updateToken(_ id: TokenID, _ change: @Sendable (Token) throws -> Recorded<Token>?) async throws -> Token {
        try self.update("token/\(id)", change, find: { $0.directory.token(id)?.token }) { state, _, token in
            state.directory.replace(token)
        }
    }

    public func credential(_ lookup: CredentialLookup) async throws -> Credential? {
        self.state.withLock { $0.directory.credential(lookup) }
    }

    public func recordTokenUse(_ id: TokenID, at time: Timestamp, unlessUsedSince notBefore: Timestamp) async throws {
        self.state.withLock { state in
            guard var token = state.directory.token(id)?.token else { return }
            if let lastUsedAt = token.lastUsedAt, lastUsedAt >= notBefore { return }
            token.lastUsedAt = time
            state.directory.replace(token)
        }
    }

    // MARK: Customers

    public func customers(limit: Int, offset: Int) async throws -> Page<Customer> {
        self.state.withLock { state in
            let items = state.liveCustomers.members(offset: offset, limit: limit).compactMap {
                state.customers[$0 - 1]
            }
            return Page(items: items, total: state.liveCustomers.count, limit: limit, offset: offset)
        }
    }

    public func customer(_ id: CustomerID) async throws -> Customer? {
        self.state.withLock { $0.customer(id) }
    }

    public func insertCustomer(_ make: @Sendable (CustomerID) throws -> Recorded<Customer>) async throws -> Customer {
        try self.insert({ state in try make(CustomerID(state.customers.count + 1)) }) { state, customer in
            state.customers.append(customer)
            state.liveCustomers.insert(customer.id.rawValue)
        }
    }

    public func updateCustomer(
        _ id: CustomerID, _ change: @Sendable (Customer) throws -> Recorded<Customer>?
    ) async throws -> Customer {
        try self.update("customer/\(id)", change, find: { $0.customer(id) }) { state, _, customer in
            state.customers[id.rawValue - 1] = customer
        }
    }

    public func deleteCustomer(
        _ id: CustomerID, _ check: @Sendable (Customer, Int) throws -> AuditRecord
    ) async throws {
        try self.state.withLock { state in
            guard let customer = state.customer(id) else { throw CRMError.notFound(entity: "customer/\(id)") }
            let record = try check(customer, state.ticketIndexes.byCustomer[id]?.count ?? 0)
            state.customers[id.rawValue - 1] = nil
            state.liveCustomers.remove(id.rawValue)
            state.append(record)
        }
    }

    public func tickets(_ query: TicketQuery) async throws -> Page<Ticket> {
        self.state.withLock { state in
            let sets = state.ticketIndexes.candidates(for: query)
            let candidates = sets.count == 1 ? sets[0] : IDSet.intersection(sets)
            guard query.search != nil else {
                let items = candidates.members(offset: query.offset, limit: query.limit).compactMap {
                    state.tickets[TicketID($0)]
                }
                return Page(items: items, total: candidates.count, limit: query.limit, offset: query.offset)
            }
            var items: [Ticket] = []
            var total = 0
            candidates.forEach { id in
                guard let ticket = state.tickets[TicketID(id)], query.matches(ticket) else { return }
                if total >= query.offset && items.count < query.limit { items.append(ticket) }
                total += 1
            }
            return Page(items: items, total: total, limit: query.limit, offset: query.offset)
        }
    }

    public func ticket(_ id: TicketID) async throws -> Ticket? {
        self.state.withLock { $0.ticket(id) }
    }

    public func insertTicket(
        for customerID: CustomerID, _ make: @Sendable (TicketID, Customer?) throws -> Recorded<Ticket>
    ) async throws -> Ticket {
        try self.insert(
            { state in try make(TicketID(state.tickets.lastID + 1), state.customer(customerID)) },
            store: { state, ticket in
                state.tickets.append(ticket)
                state.notesByTicket.append([])
                state.ticketIndexes.add(ticket)
            })
    }

    public func updateTicket(
        _ id: TicketID, _ change: @Sendable (Ticket) throws -> Recorded<Ticket>?
    ) async throws -> Ticket {
        try self.update("ticket/\(id)", change, find: { $0.ticket(id) }) { state, old, new in
            state.replace(old, with: new)
        }
    }

    /// The one shape of every insert, in one locked step: `make` builds the row (it may throw, and then nothing
    /// changes), `store` adds it, and its audit record is appended.
    private func insert<Row: Sendable>(
        _ make: (State) throws -> Recorded<Row>, store: (inout State, Row) -> Void
    ) throws -> Row {
        try self.state.withLock { state in
            let recorded = try make(state)
            store(&state, recorded.value)
            state.append(recorded.audit)
            return recorded.value
        }
    }

    /// The one shape of every update, in one locked step: finds the row (`notFound` naming `entity` when it is
    /// not there), lets `change` decide (nil keeps the row as it is), then stores the new row with its audit record.
    private func update<Row: Sendable>(
        _ entity: String, _ change: (Row) throws -> Recorded<Row>?, find: (State) -> Row?,
        store: (inout State, _ old: Row, _ new: Row) -> Void
    ) throws -> Row {
        try self.state.withLock { state in
            guard let current = find(state) else { throw CRMError.notFound(entity: entity) }
            guard let recorded = try change(current) else { return current }
            store(&state, current, recorded.value)
            state.append(recorded.audit)
            return recorded.value
        }
    }

    public func deleteTicket(_ id: TicketID, _ check: @Sendable (Ticket) throws -> AuditRecord) async throws {
        try self.state.withLock { state in
            guard let ticket = state.ticket(id) else { throw CRMError.notFound(entity: "ticket/\(id)") }
            let record = try check(ticket)
            state.ticketIndexes.remove(ticket)
            state.tickets.remove(id)
            state.notesByTicket[id.rawValue - 1] = []
            state.append(record)
        }
    }

    public func insertNote(
        on ticketID: TicketID, _ make: @Sendable (NoteID, Ticket) throws -> Recorded<Note>
    ) async throws -> Note {
        try self.state.withLock { state in
            guard let ticket = state.ticket(ticketID) else { throw CRMError.notFound(entity: "ticket/\(ticketID)") }
            let recorded = try make(NoteID(state.noteCount + 1), ticket)
            state.noteCount += 1
            state.notesByTicket[ticketID.rawValue - 1].append(recorded.value)
            state.append(recorded.audit)
            return recorded.value
        }
    }

    public func notes(on ticketID: TicketID) async throws -> [Note] {
        try self.state.withLock { state in
            guard state.ticket(ticketID) != nil else { throw CRMError.notFound(entity: "ticket/\(ticketID)") }
            return state.notesByTicket[ticketID.rawValue - 1]
        }
    }

    public func auditEvents(_ query: AuditQuery) async throws -> Page<AuditEvent> {
        self.state.withLock { state in
            let positions: [Int]? =
                if let entity = query.entity { state.audit.positions(entity: entity) }
                else if let actor = query.actor { state.audit.positions(actor: actor) }
                else { nil }
            guard let positions else {
                let window = (0..<state.audit.count).dropFirst(query.offset).prefix(query.limit)
                return Page(
                    items: window.map(state.audit.event(at:)), total: state.audit.count, limit: query.limit,
                    offset: query.offset)
            }
            guard query.entity != nil && query.actor != nil else {
                // One filter: its chain is exactly the answer, so only the page is decoded.
                let window = positions.dropFirst(query.offset).prefix(query.limit)
                return Page(
                    items: window.map(state.audit.event(at:)), total: positions.count, limit: query.limit,
                    offset: query.offset)
            }
            let matching = positions.map(state.audit.event(at:)).filter(query.matches)
            let items = Array(matching.dropFirst(query.offset).prefix(query.limit))
            return Page(items: items, total: matching.count, limit: query.limit, offset: query.offset)
        }
    }
}
