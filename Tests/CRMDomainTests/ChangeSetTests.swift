import CRMDomain
import CRMTestSupport
import Testing

/// `TicketChanges.apply` and `CustomerChanges.apply`: the pure change-set builders behind `updateTicket` and `updateCustomer`,
/// tested without a store or a clock.
@Suite struct ChangeSetTests {
    static let agent = Principal.user(User(name: "agent", role: .agent))
    static let agentPermissions = AccessPolicy().permissions(of: agent)

    static func ticket(
        status: TicketStatus = .open, assignee: String? = nil, tags: [String] = ["login"], version: Int = 3
    ) -> Ticket {
        Ticket(
            id: TicketID(7), customerID: CustomerID(1), subject: "Cannot log in", description: "Since Monday",
            status: status, priority: .normal, assignee: assignee, tags: tags, createdAt: t0, updatedAt: t0,
            version: version)
    }

    static let customer = Customer(
        id: CustomerID(2), name: "John Smith", email: "john@example.com", company: "Acme", createdAt: t0,
        updatedAt: t0, version: 2)

    @Test func aTicketChangeSetsEachChangedFieldAndRecordsOldAndNew() throws {
        let change = TicketChanges(
            subject: "Cannot log in at all", status: .inProgress, priority: .urgent, assignee: .user("agent"),
            addTags: ["vip"], removeTags: ["login"])

        let applied = try #require(try change.apply(to: Self.ticket(), by: Self.agent, holding: Self.agentPermissions))

        var expected = Self.ticket()
        expected.subject = "Cannot log in at all"
        expected.status = .inProgress
        expected.priority = .urgent
        expected.assignee = "agent"
        expected.tags = ["vip"]
        #expect(applied.updated == expected)
        #expect(
            applied.changes == [
                "subject": FieldChange(.string("Cannot log in"), .string("Cannot log in at all")),
                "status": FieldChange(.string("open"), .string("in_progress")),
                "priority": FieldChange(.string("normal"), .string("urgent")),
                "assignee": FieldChange(.null, .string("agent")),
                "tags": FieldChange(.strings(["login"]), .strings(["vip"])),
            ])
    }

    @Test func fieldsAlreadyAtTheirValueAreNotChanges() throws {
        let change = TicketChanges(
            subject: "Cannot log in", description: "Since Monday", status: .open, priority: .normal,
            assignee: .nobody, addTags: ["login"], expectedVersion: 3)

        #expect(try change.apply(to: Self.ticket(), by: Self.agent, holding: Self.agentPermissions) == nil)
        #expect(try TicketChanges().apply(to: Self.ticket(), by: Self.agent, holding: []) == nil)
    }

    @Test func unassigningRecordsNull() throws {
        let applied = try #require(
            try TicketChanges(assignee: .nobody).apply(
                to: Self.ticket(assignee: "admin"), by: Self.agent, holding: Self.agentPermissions))

        #expect(applied.updated.assignee == nil)
        #expect(applied.changes == ["assignee": FieldChange(.string("admin"), .null)])
    }

    @Test func meIsTheActingUser() throws {
        let applied = try #require(
            try TicketChanges(assignee: .me).apply(to: Self.ticket(), by: Self.agent, holding: Self.agentPermissions))

        #expect(applied.updated.assignee == "agent")
    }

    @Test func aStaleVersionIsAConflict() {
        #expect(throws: CRMError.conflict(entity: "ticket/7", reason: .staleVersion(expected: 2, current: 3))) {
            try TicketChanges(subject: "New", expectedVersion: 2)
                .apply(to: Self.ticket(), by: Self.agent, holding: Self.agentPermissions)
        }
        #expect(throws: CRMError.conflict(entity: "customer/2", reason: .staleVersion(expected: 1, current: 2))) {
            try CustomerChanges(name: "New", expectedVersion: 1).apply(to: Self.customer)
        }
    }

    @Test func aStatusMoveFollowsTheLifecycle() throws {
        #expect(throws: CRMError.forbidden(permission: .ticketReopenClosed, principal: "agent")) {
            try TicketChanges(status: .open).apply(
                to: Self.ticket(status: .closed), by: Self.agent, holding: Self.agentPermissions)
        }
        #expect(
            throws: CRMError.invalidTransition(
                from: .resolved, to: .pending, allowed: TicketLifecycle.allowedTargets(
                    from: .resolved, permissions: Self.agentPermissions))
        ) {
            try TicketChanges(status: .pending).apply(
                to: Self.ticket(status: .resolved), by: Self.agent, holding: Self.agentPermissions)
        }
        let reopened = try TicketChanges(status: .open).apply(
            to: Self.ticket(status: .closed), by: Self.agent, holding: [.ticketReopenClosed])
        #expect(reopened?.updated.status == .open)
    }

    @Test func aCustomerChangeDiffsNameEmailAndCompany() throws {
        let applied = try #require(
            try CustomerChanges(name: "John Smith", email: "js@example.com", company: .some(nil), expectedVersion: 2)
                .apply(to: Self.customer))

        var expected = Self.customer
        expected.email = "js@example.com"
        expected.company = nil
        #expect(applied.updated == expected)
        #expect(
            applied.changes == [
                "email": FieldChange(.string("john@example.com"), .string("js@example.com")),
                "company": FieldChange(.string("Acme"), .null),
            ])
        #expect(try CustomerChanges(name: "John Smith", company: .some("Acme")).apply(to: Self.customer) == nil)
    }
}
