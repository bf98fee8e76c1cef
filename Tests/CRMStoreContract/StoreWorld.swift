import CRMDomain
import CRMTestSupport

/// A service over one store, with a stepping clock from `t0` and the seeded agent and admin logged in.
public struct StoreWorld: Sendable {
    public let store: any CRMStore
    public let service: CRMService
    public let agent: Caller
    public let admin: Caller

    /// A world over `store`, its callers coming in `via` the given channel.
    public static func make(store: any CRMStore, via channel: Channel = .shell) async throws -> StoreWorld {
        let service = CRMService(store: store, clock: SteppingClock(start: t0))
        return StoreWorld(
            store: store, service: service, agent: try await service.login(token: "agent123", via: channel),
            admin: try await service.login(token: "admin123", via: channel))
    }

    /// Creates a ticket (as admin unless told) for customer 1 (Jane) and returns it.
    @discardableResult
    public func ticket(
        _ subject: String = "Printer on fire", customer: Int = 1, tags: [String] = [], by caller: Caller? = nil
    ) async throws -> Ticket {
        try await self.service.createTicket(
            NewTicket(customerID: CustomerID(customer), subject: subject, tags: tags), by: caller ?? self.admin)
    }

    /// Every audit event, oldest first, read straight from the store.
    public func auditEvents() async throws -> [AuditEvent] {
        try await self.store.auditEvents(AuditQuery(limit: 1_000_000)).items
    }
}
