/// A new or changed entity together with the audit record that must be written with it, atomically.
public struct Recorded<Value: Sendable>: Sendable {
    public var value: Value
    public var audit: AuditRecord

    public init(_ value: Value, audit: AuditRecord) {
        self.value = value
        self.audit = audit
    }
}

/// Where crm keeps its data. Each mutating method is one atomic step: it reads what it needs, calls the
/// domain's closure (which applies the rules and may throw), and writes the result with its audit event,
/// or nothing at all. Closures run inside the store's critical section or transaction and must not block.
public protocol CRMStore: Sendable {
    /// A page of users by name, with the total count.
    func users(limit: Int, offset: Int) async throws -> Page<UserProfile>
    /// One user, or nil.
    func user(named name: String) async throws -> UserProfile?
    /// Inserts the user `make` builds; `make` sees the user already of that name, if any (and should throw).
    func insertUser(
        named name: String, _ make: @Sendable (_ existing: UserProfile?) throws -> Recorded<UserProfile>
    ) async throws -> UserProfile
    /// Replaces a user with what `change` returns; nil from `change` means no change. Throws `notFound`.
    func updateUser(
        named name: String, _ change: @Sendable (UserProfile) throws -> Recorded<UserProfile>?
    ) async throws -> UserProfile

    /// A page of tokens (one user's, or all), by ascending ID, with the total count; never a digest.
    func tokens(_ query: TokenQuery) async throws -> Page<Token>
    /// One token, or nil.
    func token(_ id: TokenID) async throws -> Token?
    /// Inserts the token `make` builds for the next ID; `make` sees its user, or nil when there is none.
    func insertToken(
        for userName: String, _ make: @Sendable (TokenID, UserProfile?) throws -> Recorded<StoredToken>
    ) async throws -> Token
    /// Replaces a token with what `change` returns (revocation); nil means no change. Throws `notFound`.
    func updateToken(_ id: TokenID, _ change: @Sendable (Token) throws -> Recorded<Token>?) async throws -> Token
    /// The one token row a login compares against, with its digest and user: a single indexed read, whatever
    /// the number of users and tokens.
    func credential(_ lookup: CredentialLookup) async throws -> Credential?
    /// Sets a token's `last_used_at` to `time` unless it was set at or after `notBefore` (by any process);
    /// records no audit event.
    func recordTokenUse(_ id: TokenID, at time: Timestamp, unlessUsedSince notBefore: Timestamp) async throws

    /// A page of customers by ascending ID.
    func customers(limit: Int, offset: Int) async throws -> Page<Customer>
    /// One customer, or nil.
    func customer(_ id: CustomerID) async throws -> Customer?
    /// Inserts the customer `make` builds for the next ID.
    func insertCustomer(_ make: @Sendable (CustomerID) throws -> Recorded<Customer>) async throws -> Customer
    /// Replaces a customer with what `change` returns; nil from `change` means no change. Throws `notFound`.
    func updateCustomer(
        _ id: CustomerID, _ change: @Sendable (Customer) throws -> Recorded<Customer>?
    ) async throws -> Customer
    /// Deletes a customer; `check` sees it and how many tickets it has, and returns the audit record or throws.
    func deleteCustomer(
        _ id: CustomerID, _ check: @Sendable (Customer, _ ticketCount: Int) throws -> AuditRecord
    ) async throws

    /// A page of the tickets matching a query, by ascending ID, with the total count.
    func tickets(_ query: TicketQuery) async throws -> Page<Ticket>
    /// One ticket, or nil.
    func ticket(_ id: TicketID) async throws -> Ticket?
    /// Inserts the ticket `make` builds for the next ID; `make` sees the customer, or nil when there is none.
    func insertTicket(
        for customerID: CustomerID, _ make: @Sendable (TicketID, Customer?) throws -> Recorded<Ticket>
    ) async throws -> Ticket
    /// Replaces a ticket with what `change` returns; nil from `change` means no change. Throws `notFound`.
    func updateTicket(_ id: TicketID, _ change: @Sendable (Ticket) throws -> Recorded<Ticket>?) async throws -> Ticket
    /// Deletes a ticket and its notes; `check` returns the audit record. Throws `notFound`.
    func deleteTicket(_ id: TicketID, _ check: @Sendable (Ticket) throws -> AuditRecord) async throws

    /// Appends the note `make` builds for the next ID to an existing ticket. Throws `notFound`.
    func insertNote(
        on ticketID: TicketID, _ make: @Sendable (NoteID, Ticket) throws -> Recorded<Note>
    ) async throws -> Note
    /// A ticket's notes, oldest first. Throws `notFound` for an unknown ticket.
    func notes(on ticketID: TicketID) async throws -> [Note]

    /// A page of audit events, oldest first, with the total count.
    func auditEvents(_ query: AuditQuery) async throws -> Page<AuditEvent>
}
