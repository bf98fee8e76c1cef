import CRMDomain
import CRMMemoryStore
import CRMStoreContract
import CRMTestSupport
import Testing

/// The in-memory store keeps tickets in chunks of 4,096 and audit events in a byte arena of fixed-size chunks;
/// these tests write enough of both to cross several chunk edges and read everything back.
@Suite("In-memory store across its chunk boundaries")
struct ChunkBoundaryTests {
    static let ticketCount = 11_000
    static let deleted = [4_095, 4_096, 4_097, 8_192, 8_193]
    static let updated = [4_094, 4_098, 10_999]

    /// Creates `ticketCount` tickets (even numbers by the agent, odd by the admin), deletes and updates some at
    /// the chunk edges, and returns the tickets that should remain, by ID.
    static func populate(_ world: StoreWorld) async throws -> [Int: Ticket] {
        var expected: [Int: Ticket] = [:]
        for number in 1...Self.ticketCount {
            let ticket = try await world.ticket(
                "Ticket \(number) ünïcödé", customer: number % 2 + 1, tags: number % 3 == 0 ? ["t\(number % 7)", "x"] : [],
                by: number % 2 == 0 ? world.agent : world.admin)
            expected[ticket.id.rawValue] = ticket
        }
        for id in Self.deleted {
            try await world.service.deleteTicket(TicketID(id), by: world.admin)
            expected[id] = nil
        }
        for id in Self.updated {
            expected[id] = try await world.service.updateTicket(
                TicketID(id), TicketChanges(priority: .urgent, addTags: ["edge"]), by: world.agent)
        }
        return expected
    }

    @Test("every ticket reads back as written; deleted ones are gone and their IDs are not given out again")
    func tickets() async throws {
        let world = try await StoreWorld.make(store: InMemoryCRMStore(seed: .demo(), seededAt: t0))
        let expected = try await Self.populate(world)
        var listed: [Ticket] = []
        for offset in stride(from: 0, to: Self.ticketCount, by: 1_000) {
            listed += try await world.service.listTickets(TicketFilter(), PageRequest(limit: 1_000, offset: offset), by: world.agent).items
        }
        #expect(listed == expected.keys.sorted().map { expected[$0]! })
        for id in Self.deleted {
            await #expect(throws: CRMError.notFound(entity: "ticket/\(id)")) {
                try await world.service.ticket(TicketID(id), by: world.agent)
            }
        }
        let next = try await world.ticket("After the deletes")
        #expect(next.id == TicketID(Self.ticketCount + 1))
        let edge = try await world.service.listTickets(TicketFilter(tag: "edge"), by: world.agent)
        #expect(edge.items.map(\.id.rawValue) == Self.updated)
    }

    @Test("every event stays in order, in its entity's history and in its actor's")
    func audit() async throws {
        let world = try await StoreWorld.make(store: InMemoryCRMStore(seed: .demo(), seededAt: t0))
        _ = try await Self.populate(world)
        let eventCount = Self.ticketCount + Self.deleted.count + Self.updated.count
        var events: [AuditEvent] = []
        for offset in stride(from: 0, to: eventCount, by: 1_000) {
            events += try await world.service.auditLog(PageRequest(limit: 1_000, offset: offset), by: world.admin).items
        }
        #expect(events.map(\.id.rawValue) == Array(1...eventCount))
        #expect(events[4_999].entity == "ticket/5000" && events[4_999].actor == "agent")
        #expect(events[4_999].changes["subject"] == FieldChange(.null, .string("Ticket 5000 ünïcödé")))

        for id in Self.deleted {
            let history = try await world.service.auditLog(entity: "ticket/\(id)", by: world.admin)
            #expect(history.items.map(\.action) == ["ticket.create", "ticket.delete"], "ticket/\(id)")
        }
        for id in Self.updated {
            let history = try await world.service.auditLog(entity: "ticket/\(id)", by: world.admin)
            #expect(history.items.map(\.action) == ["ticket.create", "ticket.update"], "ticket/\(id)")
        }

        let agentEvents = events.filter { $0.actor == "agent" }
        let lastAgentPage = try await world.service.auditLog(
            actor: "agent", PageRequest(limit: 10, offset: agentEvents.count - 5), by: world.admin)
        #expect(lastAgentPage.total == agentEvents.count)
        #expect(lastAgentPage.items == Array(agentEvents.suffix(5)))
        let agentOnEdge = try await world.service.auditLog(actor: "agent", entity: "ticket/4098", by: world.admin)
        #expect(agentOnEdge.items.map(\.action) == ["ticket.create", "ticket.update"])
    }
}
