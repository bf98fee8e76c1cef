import CRMDomain
import CRMMemoryStore
import CRMTestSupport
import Testing

/// A fresh seeded in-memory world: the service over it and the three callers of DESIGN §3.3.
struct World: Sendable {
    let store: InMemoryCRMStore
    let service: CRMService
    let anonymous: Caller
    let agent: Caller
    let admin: Caller

    /// Builds the world; `publicTickets` is the `CRM_PUBLIC_TICKETS` switch, `channel` the callers' adapter.
    static func make(publicTickets: Bool = true, via channel: Channel = .shell) async throws -> World {
        let store = InMemoryCRMStore(seed: .demo(), seededAt: t0)
        let service = CRMService(
            store: store, policy: AccessPolicy(publicTickets: publicTickets), clock: SteppingClock(start: t0))
        return World(
            store: store, service: service, anonymous: .anonymous(via: channel),
            agent: try await service.login(token: "agent123", via: channel),
            admin: try await service.login(token: "admin123", via: channel))
    }

    func caller(_ who: Who) -> Caller {
        switch who {
        case .anonymous: self.anonymous
        case .agent: self.agent
        case .admin: self.admin
        }
    }

    /// Creates a ticket as admin for customer 1 (Jane) and returns it.
    @discardableResult
    func ticket(
        _ subject: String = "Printer on fire", customer: Int = 1, priority: Priority = .normal,
        tags: [String] = [], by caller: Caller? = nil
    ) async throws -> Ticket {
        try await self.service.createTicket(
            NewTicket(customerID: CustomerID(customer), subject: subject, priority: priority, tags: tags),
            by: caller ?? self.admin)
    }

    /// Creates a ticket and moves it (as admin) into `status` by one allowed move from `open`.
    func ticket(in status: TicketStatus) async throws -> Ticket {
        let ticket = try await self.ticket("Lifecycle probe")
        guard status != .open else { return ticket }
        return try await self.service.updateTicket(ticket.id, TicketChanges(status: status), by: self.admin)
    }

    /// Reopens `ticket` as `caller`, expecting it open again one version on.
    func expectReopen(_ ticket: Ticket, by caller: Caller, sourceLocation: SourceLocation = #_sourceLocation)
        async throws
    {
        let reopened = try await self.service.reopenTicket(ticket.id, by: caller)
        #expect(reopened.status == .open, sourceLocation: sourceLocation)
        #expect(reopened.version == ticket.version + 1, sourceLocation: sourceLocation)
    }

    /// Every audit event, oldest first, read straight from the store.
    func auditEvents() async throws -> [AuditEvent] {
        try await self.store.auditEvents(AuditQuery(limit: 1_000_000)).items
    }

    /// Everything the store holds, for "nothing changed" comparisons.
    func snapshot() async throws -> Snapshot {
        let tickets = try await self.store.tickets(TicketQuery(limit: 1_000_000)).items
        var notes: [TicketID: [Note]] = [:]
        for ticket in tickets { notes[ticket.id] = try await self.store.notes(on: ticket.id) }
        return Snapshot(
            customers: try await self.store.customers(limit: 1_000_000, offset: 0).items, tickets: tickets,
            notes: notes, audit: try await self.auditEvents(),
            users: try await self.store.users(limit: 1_000_000, offset: 0).items,
            tokens: try await self.store.tokens(TokenQuery(user: nil, limit: 1_000_000)).items)
    }
}

/// The three kinds of principal.
enum Who: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case anonymous, agent, admin
    var testDescription: String { self.rawValue }
}

/// The whole content of a store.
struct Snapshot: Equatable {
    var customers: [Customer]
    var tickets: [Ticket]
    var notes: [TicketID: [Note]]
    var audit: [AuditEvent]
    var users: [UserProfile]
    var tokens: [Token]
}
