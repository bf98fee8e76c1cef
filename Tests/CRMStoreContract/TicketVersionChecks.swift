import CRMDomain
import CRMTestSupport
import Testing

/// A ticket's version is checked against the caller's expected version (an HTTP `If-Match`) in the same atomic
/// step that writes the change, on every store.
struct TicketVersionChecks {
    /// A stale expected version is a conflict naming both versions; the ticket, its notes and the audit are untouched.
    static func staleVersion(_ kind: StoreUnderTest) async throws {
        let world = try await kind.world()
        let ticket = try await world.ticket("Printer on fire", tags: ["hw"])
        let moved = try await world.service.updateTicket(
            ticket.id, TicketChanges(status: .inProgress, expectedVersion: 1), by: world.agent)
        #expect(moved.version == 2)
        _ = try await world.service.addNote(to: ticket.id, text: "on it", by: world.agent)
        let auditBefore = try await world.auditEvents()
        let notesBefore = try await world.store.notes(on: ticket.id)

        for expected in [1, 3, 0, -1, Int.max, Int.min] {
            let stale = TicketChanges(
                subject: "Stale", status: .resolved, priority: .urgent, addTags: ["late"], expectedVersion: expected)
            await expectError(.conflict(entity: "ticket/\(ticket.id)", reason: .staleVersion(expected: expected, current: 2))) {
                _ = try await world.service.updateTicket(ticket.id, stale, by: world.agent)
            }
        }
        #expect(try await world.store.ticket(ticket.id) == moved, "nothing changed")
        #expect(try await world.store.notes(on: ticket.id) == notesBefore)
        #expect(try await world.auditEvents() == auditBefore, "no audit event for a refused change")
        #expect(try await world.store.tickets(TicketQuery(tag: "late")).total == 0)

        let current = try await world.service.updateTicket(
            ticket.id, TicketChanges(subject: "Fresh", expectedVersion: 2), by: world.agent)
        #expect(current.subject == "Fresh" && current.version == 3, "the current version is accepted")
    }

    /// Many tasks updating one ticket at once, without an expected version: every update is counted in the version
    /// exactly once and each has its own audit event, in version order.
    static func concurrentUpdatesOfOneTicket(_ kind: StoreUnderTest) async throws {
        let world = try await kind.world()
        let ticket = try await world.ticket()
        let updates = 100
        let versions = try await withThrowingTaskGroup(of: Int.self, returning: [Int].self) { group in
            for i in 0..<updates {
                group.addTask {
                    try await world.service.updateTicket(
                        ticket.id, TicketChanges(subject: "Update \(i)"), by: i % 2 == 0 ? world.agent : world.admin
                    ).version
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(versions.sorted() == Array(2...(updates + 1)), "each update saw its own version")
        let final = try #require(try await world.store.ticket(ticket.id))
        #expect(final.version == updates + 1)
        let history = try await world.store.auditEvents(AuditQuery(entity: "ticket/\(ticket.id)", limit: 1_000)).items
        #expect(history.map(\.action) == ["ticket.create"] + Array(repeating: "ticket.update", count: updates))
        // Each event's old subject is the previous event's new one: no update was lost or applied twice.
        var subject = AuditValue.string(ticket.subject)
        for event in history.dropFirst() {
            #expect(event.changes["subject"]?.old == subject)
            subject = event.changes["subject"]?.new ?? .null
        }
        #expect(subject == .string(final.subject))
    }
}

extension TicketVersionChecks {
    static let checks: [StoreContractCheck] = [
        StoreContractCheck("a stale ticket version is a conflict and changes nothing", staleVersion),
        StoreContractCheck(
            "concurrent updates of one ticket: every update counted in its version, every one audited",
            concurrentUpdatesOfOneTicket),
    ]
}
