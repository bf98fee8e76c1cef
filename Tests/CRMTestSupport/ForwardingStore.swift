import CRMDomain

/// A store that passes every call to `base`, telling `willForward` first which call it is (its `#function`
/// name, such as `credential(_:)`). Tests subclass it to count calls or to add a capability, such as a
/// connection pool report; a subclass keeps its own state behind a lock.
open class ForwardingStore: CRMStore, @unchecked Sendable {
    public let base: any CRMStore

    public init(_ base: any CRMStore) {
        self.base = base
    }

    /// Called before each call goes to `base`; does nothing here.
    open func willForward(_ call: String) {}

    public func users(limit: Int, offset: Int) async throws -> Page<UserProfile> {
        self.willForward(#function)
        return try await self.base.users(limit: limit, offset: offset)
    }
    public func user(named name: String) async throws -> UserProfile? {
        self.willForward(#function)
        return try await self.base.user(named: name)
    }
    public func insertUser(
        named name: String, _ make: @Sendable (UserProfile?) throws -> Recorded<UserProfile>
    ) async throws -> UserProfile {
        self.willForward(#function)
        return try await self.base.insertUser(named: name, make)
    }
    public func updateUser(
        named name: String, _ change: @Sendable (UserProfile) throws -> Recorded<UserProfile>?
    ) async throws -> UserProfile {
        self.willForward(#function)
        return try await self.base.updateUser(named: name, change)
    }
    public func tokens(_ query: TokenQuery) async throws -> Page<Token> {
        self.willForward(#function)
        return try await self.base.tokens(query)
    }
    public func token(_ id: TokenID) async throws -> Token? {
        self.willForward(#function)
        return try await self.base.token(id)
    }
    public func insertToken(
        for userName: String, _ make: @Sendable (TokenID, UserProfile?) throws -> Recorded<StoredToken>
    ) async throws -> Token {
        self.willForward(#function)
        return try await self.base.insertToken(for: userName, make)
    }
    public func updateToken(_ id: TokenID, _ change: @Sendable (Token) throws -> Recorded<Token>?) async throws -> Token {
        self.willForward(#function)
        return try await self.base.updateToken(id, change)
    }
    public func credential(_ lookup: CredentialLookup) async throws -> Credential? {
        self.willForward(#function)
        return try await self.base.credential(lookup)
    }
    public func recordTokenUse(_ id: TokenID, at time: Timestamp, unlessUsedSince notBefore: Timestamp) async throws {
        self.willForward(#function)
        try await self.base.recordTokenUse(id, at: time, unlessUsedSince: notBefore)
    }
    public func customers(limit: Int, offset: Int) async throws -> Page<Customer> {
        self.willForward(#function)
        return try await self.base.customers(limit: limit, offset: offset)
    }
    public func customer(_ id: CustomerID) async throws -> Customer? {
        self.willForward(#function)
        return try await self.base.customer(id)
    }
    public func insertCustomer(_ make: @Sendable (CustomerID) throws -> Recorded<Customer>) async throws -> Customer {
        self.willForward(#function)
        return try await self.base.insertCustomer(make)
    }
    public func updateCustomer(
        _ id: CustomerID, _ change: @Sendable (Customer) throws -> Recorded<Customer>?
    ) async throws -> Customer {
        self.willForward(#function)
        return try await self.base.updateCustomer(id, change)
    }
    public func deleteCustomer(_ id: CustomerID, _ check: @Sendable (Customer, Int) throws -> AuditRecord) async throws {
        self.willForward(#function)
        try await self.base.deleteCustomer(id, check)
    }
    public func tickets(_ query: TicketQuery) async throws -> Page<Ticket> {
        self.willForward(#function)
        return try await self.base.tickets(query)
    }
    public func ticket(_ id: TicketID) async throws -> Ticket? {
        self.willForward(#function)
        return try await self.base.ticket(id)
    }
    public func insertTicket(
        for customerID: CustomerID, _ make: @Sendable (TicketID, Customer?) throws -> Recorded<Ticket>
    ) async throws -> Ticket {
        self.willForward(#function)
        return try await self.base.insertTicket(for: customerID, make)
    }
    public func updateTicket(_ id: TicketID, _ change: @Sendable (Ticket) throws -> Recorded<Ticket>?) async throws -> Ticket {
        self.willForward(#function)
        return try await self.base.updateTicket(id, change)
    }
    public func deleteTicket(_ id: TicketID, _ check: @Sendable (Ticket) throws -> AuditRecord) async throws {
        self.willForward(#function)
        try await self.base.deleteTicket(id, check)
    }
    public func insertNote(
        on ticketID: TicketID, _ make: @Sendable (NoteID, Ticket) throws -> Recorded<Note>
    ) async throws -> Note {
        self.willForward(#function)
        return try await self.base.insertNote(on: ticketID, make)
    }
    public func notes(on ticketID: TicketID) async throws -> [Note] {
        self.willForward(#function)
        return try await self.base.notes(on: ticketID)
    }
    public func auditEvents(_ query: AuditQuery) async throws -> Page<AuditEvent> {
        self.willForward(#function)
        return try await self.base.auditEvents(query)
    }
}
