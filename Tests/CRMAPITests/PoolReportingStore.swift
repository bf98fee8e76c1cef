import CRMDomain
import Synchronization

// `Token` alone is the seeded tokens of Support.swift here.

/// A store that reports a connection pool of a given usage and forwards everything else to `base`.
final class PoolReportingStore: CRMStore, ConnectionPoolReporting {
    private let base: any CRMStore
    private let current: Mutex<ConnectionPoolUsage>

    init(_ base: any CRMStore, usage: ConnectionPoolUsage) {
        self.base = base
        self.current = Mutex(usage)
    }

    /// What the pool reports next.
    var usage: ConnectionPoolUsage {
        get { self.current.withLock { $0 } }
        set { self.current.withLock { $0 = newValue } }
    }

    func connectionPoolUsage() -> ConnectionPoolUsage { self.usage }

    func credential(_ lookup: CredentialLookup) async throws -> Credential? { try await self.base.credential(lookup) }
    func recordTokenUse(_ id: TokenID, at time: Timestamp, unlessUsedSince notBefore: Timestamp) async throws {
        try await self.base.recordTokenUse(id, at: time, unlessUsedSince: notBefore)
    }
    func users(limit: Int, offset: Int) async throws -> Page<UserProfile> {
        try await self.base.users(limit: limit, offset: offset)
    }
    func user(named name: String) async throws -> UserProfile? { try await self.base.user(named: name) }
    func insertUser(named name: String, _ make: @Sendable (UserProfile?) throws -> Recorded<UserProfile>) async throws
        -> UserProfile
    { try await self.base.insertUser(named: name, make) }
    func updateUser(named name: String, _ change: @Sendable (UserProfile) throws -> Recorded<UserProfile>?)
        async throws -> UserProfile
    { try await self.base.updateUser(named: name, change) }
    func tokens(_ query: TokenQuery) async throws -> Page<CRMDomain.Token> { try await self.base.tokens(query) }
    func token(_ id: TokenID) async throws -> CRMDomain.Token? { try await self.base.token(id) }
    func insertToken(for userName: String, _ make: @Sendable (TokenID, UserProfile?) throws -> Recorded<StoredToken>)
        async throws -> CRMDomain.Token
    { try await self.base.insertToken(for: userName, make) }
    func updateToken(_ id: TokenID, _ change: @Sendable (CRMDomain.Token) throws -> Recorded<CRMDomain.Token>?) async throws -> CRMDomain.Token {
        try await self.base.updateToken(id, change)
    }
    func customers(limit: Int, offset: Int) async throws -> Page<Customer> {
        try await self.base.customers(limit: limit, offset: offset)
    }
    func customer(_ id: CustomerID) async throws -> Customer? { try await self.base.customer(id) }
    func insertCustomer(_ make: @Sendable (CustomerID) throws -> Recorded<Customer>) async throws -> Customer {
        try await self.base.insertCustomer(make)
    }
    func updateCustomer(_ id: CustomerID, _ change: @Sendable (Customer) throws -> Recorded<Customer>?) async throws
        -> Customer
    { try await self.base.updateCustomer(id, change) }
    func deleteCustomer(_ id: CustomerID, _ check: @Sendable (Customer, Int) throws -> AuditRecord) async throws {
        try await self.base.deleteCustomer(id, check)
    }
    func tickets(_ query: TicketQuery) async throws -> Page<Ticket> { try await self.base.tickets(query) }
    func ticket(_ id: TicketID) async throws -> Ticket? { try await self.base.ticket(id) }
    func insertTicket(for customerID: CustomerID, _ make: @Sendable (TicketID, Customer?) throws -> Recorded<Ticket>)
        async throws -> Ticket
    { try await self.base.insertTicket(for: customerID, make) }
    func updateTicket(_ id: TicketID, _ change: @Sendable (Ticket) throws -> Recorded<Ticket>?) async throws -> Ticket {
        try await self.base.updateTicket(id, change)
    }
    func deleteTicket(_ id: TicketID, _ check: @Sendable (Ticket) throws -> AuditRecord) async throws {
        try await self.base.deleteTicket(id, check)
    }
    func insertNote(on ticketID: TicketID, _ make: @Sendable (NoteID, Ticket) throws -> Recorded<Note>) async throws
        -> Note
    { try await self.base.insertNote(on: ticketID, make) }
    func notes(on ticketID: TicketID) async throws -> [Note] { try await self.base.notes(on: ticketID) }
    func auditEvents(_ query: AuditQuery) async throws -> Page<AuditEvent> { try await self.base.auditEvents(query) }
}
