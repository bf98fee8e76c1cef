import CRMDomain
import CRMTestSupport
import Testing

/// `CRMService.checkDeletable`: the check a delete command makes before it asks for confirmation.
@Suite struct DeletionCheckTests {
    @Test func anAdminMayDeleteAnExistingTicketOrCustomer() async throws {
        let world = try await World.make()
        let ticket = try await world.ticket()
        let before = try await world.snapshot()

        try await world.service.checkDeletable(ticket.id, by: world.admin)
        try await world.service.checkDeletable(CustomerID(2), by: world.admin)

        #expect(try await world.snapshot() == before)
    }

    @Test(arguments: [Who.anonymous, .agent])
    func aCallerWithoutThePermissionIsRefusedFirst(_ who: Who) async throws {
        let world = try await World.make()
        let ticket = try await world.ticket()
        let principal = world.caller(who).principal.name

        await expectError(.forbidden(permission: .ticketDelete, principal: principal)) {
            try await world.service.checkDeletable(ticket.id, by: world.caller(who))
        }
        await expectError(.forbidden(permission: .ticketDelete, principal: principal)) {
            try await world.service.checkDeletable(TicketID(99), by: world.caller(who))
        }
        await expectError(.forbidden(permission: .customerDelete, principal: principal)) {
            try await world.service.checkDeletable(CustomerID(99), by: world.caller(who))
        }
    }

    @Test func aMissingTicketOrCustomerIsNotFound() async throws {
        let world = try await World.make()

        await expectError(.notFound(entity: "ticket/99")) {
            try await world.service.checkDeletable(TicketID(99), by: world.admin)
        }
        await expectError(.notFound(entity: "customer/99")) {
            try await world.service.checkDeletable(CustomerID(99), by: world.admin)
        }
    }
}
