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
    /// Every user with their token hashes.
    func accounts() async throws -> [UserAccount]

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
