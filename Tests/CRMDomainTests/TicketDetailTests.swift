import CRMDomain
import CRMTestSupport
import Testing

/// `CRMService.ticketDetail`: the one use case behind `ticket show`, which decides whether notes are shown.
@Suite struct TicketDetailTests {
    @Test(arguments: [Who.agent, .admin])
    func aCallerWhoMayReadNotesSeesThem(_ who: Who) async throws {
        let world = try await World.make()
        let ticket = try await world.ticket()
        let note = try await world.service.addNote(to: ticket.id, text: "Called the customer", by: world.agent)

        let detail = try await world.service.ticketDetail(ticket.id, by: world.caller(who))

        #expect(detail.ticket == ticket)
        #expect(detail.notes == [note])
    }

    @Test func aCallerWhoMayReadNotesSeesAnEmptyListWhenThereAreNone() async throws {
        let world = try await World.make()
        let ticket = try await world.ticket()

        #expect(try await world.service.ticketDetail(ticket.id, by: world.agent).notes == [])
    }

    @Test func anonymousSeesTheTicketWithoutNotes() async throws {
        let world = try await World.make()
        let ticket = try await world.ticket()
        _ = try await world.service.addNote(to: ticket.id, text: "Internal remark", by: world.agent)

        let detail = try await world.service.ticketDetail(ticket.id, by: world.anonymous)

        #expect(detail.ticket == ticket)
        #expect(detail.notes == nil)
    }

    @Test func anonymousIsRefusedWhenTicketsAreNotPublic() async throws {
        let world = try await World.make(publicTickets: false)
        let ticket = try await world.ticket()

        await expectError(.forbidden(permission: .ticketRead, principal: "anonymous")) {
            _ = try await world.service.ticketDetail(ticket.id, by: world.anonymous)
        }
    }

    @Test func aMissingTicketIsNotFound() async throws {
        let world = try await World.make()

        await expectError(.notFound(entity: "ticket/99")) {
            _ = try await world.service.ticketDetail(TicketID(99), by: world.agent)
        }
    }
}
