import CRMDomain
import CRMTestSupport
import Foundation
import Testing

@Suite("Audit trail (DESIGN §3.1, §3.6)")
struct AuditTests {
    /// Runs `body` and returns the single audit event it added; fails unless it added exactly one.
    func onlyEvent(_ world: World, _ body: () async throws -> Void) async throws -> AuditEvent {
        let before = try await world.auditEvents()
        try await body()
        let after = try await world.auditEvents()
        #expect(after.count == before.count + 1, "exactly one event per mutation")
        #expect(Array(after.prefix(before.count)) == before, "the log is append-only")
        return try #require(after.last)
    }

    @Test("customer create, update and delete each record one event")
    func customerEvents() async throws {
        let world = try await World.make()
        let created = try await onlyEvent(world) {
            _ = try await world.service.createCustomer(
                NewCustomer(name: "Ann Lee", email: "ann@example.com", company: "ACME"), by: world.agent)
        }
        #expect(created.action == "customer.create")
        #expect(created.entity == "customer/3")
        #expect(created.actor == "agent")
        #expect(created.via == .shell)
        #expect(created.at == t0)
        #expect(created.id == AuditEventID(1))
        #expect(created.changes["name"] == FieldChange(.null, .string("Ann Lee")))
        #expect(created.changes["email"] == FieldChange(.null, .string("ann@example.com")))
        #expect(created.changes["company"] == FieldChange(.null, .string("ACME")))

        let updated = try await onlyEvent(world) {
            _ = try await world.service.updateCustomer(
                CustomerID(3), CustomerChanges(name: "Ann Lee", email: "ann@acme.com", company: .some(nil)),
                by: world.admin)
        }
        #expect(updated.action == "customer.update")
        #expect(updated.entity == "customer/3")
        #expect(updated.actor == "admin")
        #expect(updated.at == at(1))
        #expect(updated.changes == [
            "email": FieldChange(.string("ann@example.com"), .string("ann@acme.com")),
            "company": FieldChange(.string("ACME"), .null),
        ])
        let customer = try #require(try await world.store.customer(CustomerID(3)))
        #expect(customer.createdAt == t0)
        #expect(customer.updatedAt == at(1))
        #expect(customer.company == nil)

        let deleted = try await onlyEvent(world) { try await world.service.deleteCustomer(CustomerID(3), by: world.admin) }
        #expect(deleted.action == "customer.delete")
        #expect(deleted.entity == "customer/3")
        #expect(deleted.at == at(2))
        #expect(deleted.changes["name"]?.old == .string("Ann Lee"))
    }

    @Test("ticket create records its initial fields")
    func ticketCreate() async throws {
        let world = try await World.make(via: .http)
        let event = try await onlyEvent(world) {
            _ = try await world.service.createTicket(
                NewTicket(
                    customerID: CustomerID(2), subject: "VPN down", description: "since 9am", priority: .high,
                    assignee: .me, tags: ["vpn", "network"]),
                by: world.agent)
        }
        #expect(event.action == "ticket.create")
        #expect(event.entity == "ticket/1")
        #expect(event.actor == "agent")
        #expect(event.via == .http)
        #expect(event.changes == [
            "customer_id": FieldChange(.null, .int(2)),
            "subject": FieldChange(.null, .string("VPN down")),
            "description": FieldChange(.null, .string("since 9am")),
            "status": FieldChange(.null, .string("open")),
            "priority": FieldChange(.null, .string("high")),
            "assignee": FieldChange(.null, .string("agent")),
            "tags": FieldChange(.null, .strings(["network", "vpn"])),
        ])
    }

    @Test("a ticket update of status and priority records both fields, old and new")
    func ticketUpdate() async throws {
        let world = try await World.make()
        let ticket = try await world.ticket()
        let event = try await onlyEvent(world) {
            _ = try await world.service.updateTicket(
                ticket.id, TicketChanges(status: .inProgress, priority: .urgent), by: world.agent)
        }
        #expect(event.action == "ticket.update")
        #expect(event.entity == "ticket/\(ticket.id)")
        #expect(event.actor == "agent")
        #expect(event.via == .shell)
        #expect(event.changes == [
            "status": FieldChange(.string("open"), .string("in_progress")),
            "priority": FieldChange(.string("normal"), .string("urgent")),
        ])
    }

    @Test("only the fields that changed are recorded")
    func onlyChangedFields() async throws {
        let world = try await World.make()
        let ticket = try await world.ticket("Same", tags: ["a"])
        let event = try await onlyEvent(world) {
            _ = try await world.service.updateTicket(
                ticket.id,
                TicketChanges(subject: "Same", description: "new text", priority: .normal, addTags: ["a", "b"]),
                by: world.agent)
        }
        #expect(event.changes == [
            "description": FieldChange(.string(""), .string("new text")),
            "tags": FieldChange(.strings(["a"]), .strings(["a", "b"])),
        ])
    }

    @Test("assign and unassign record the assignee")
    func assign() async throws {
        let world = try await World.make()
        let ticket = try await world.ticket()
        let assigned = try await onlyEvent(world) { _ = try await world.service.assignTicket(ticket.id, to: .me, by: world.agent) }
        #expect(assigned.changes == ["assignee": FieldChange(.null, .string("agent"))])
        let moved = try await onlyEvent(world) {
            _ = try await world.service.assignTicket(ticket.id, to: .user("admin"), by: world.agent)
        }
        #expect(moved.changes == ["assignee": FieldChange(.string("agent"), .string("admin"))])
        let unassigned = try await onlyEvent(world) {
            _ = try await world.service.assignTicket(ticket.id, to: .nobody, by: world.agent)
        }
        #expect(unassigned.changes == ["assignee": FieldChange(.string("admin"), .null)])
        #expect(try await world.store.ticket(ticket.id)?.assignee == nil)
    }

    @Test("ticket delete and note add record one event on the ticket")
    func deleteAndNote() async throws {
        let world = try await World.make()
        let ticket = try await world.ticket("To go")
        let note = try await onlyEvent(world) {
            _ = try await world.service.addNote(to: ticket.id, text: "  called the customer ", by: world.agent)
        }
        #expect(note.action == "note.add")
        #expect(note.entity == "ticket/\(ticket.id)")
        #expect(note.actor == "agent")
        #expect(note.changes["text"] == FieldChange(.null, .string("called the customer")))
        #expect(note.changes["note_id"] == FieldChange(.null, .int(1)))

        let deleted = try await onlyEvent(world) { try await world.service.deleteTicket(ticket.id, by: world.admin) }
        #expect(deleted.action == "ticket.delete")
        #expect(deleted.entity == "ticket/\(ticket.id)")
        #expect(deleted.actor == "admin")
        #expect(deleted.changes["subject"] == FieldChange(.string("To go"), .null))
    }

    /// Requests that must change nothing and record nothing; each gets ticket 1 (open, version 2, priority high)
    /// and ticket 2 (closed) after four mutations.
    struct Rejected: Sendable, CustomTestStringConvertible {
        enum Outcome: Sendable {
            case error(CRMError)
            case validation
            case noOp
        }

        let name: String
        let expected: Outcome
        let run: @Sendable (World) async throws -> Void
        var testDescription: String { self.name }

        static let all: [Rejected] = [
            Rejected(name: "denied delete", expected: .error(.forbidden(permission: .ticketDelete, principal: "agent"))) { w in
                try await w.service.deleteTicket(TicketID(1), by: w.agent)
            },
            Rejected(name: "denied note", expected: .error(.forbidden(permission: .noteWrite, principal: "anonymous"))) { w in
                _ = try await w.service.addNote(to: TicketID(1), text: "hi", by: w.anonymous)
            },
            Rejected(name: "denied reopen", expected: .error(.forbidden(permission: .ticketReopenClosed, principal: "agent"))) { w in
                _ = try await w.service.reopenTicket(TicketID(2), by: w.agent)
            },
            Rejected(name: "validation: empty subject", expected: .validation) { w in
                _ = try await w.service.updateTicket(TicketID(1), TicketChanges(subject: " "), by: w.agent)
            },
            Rejected(name: "validation: bad email", expected: .validation) { w in
                _ = try await w.service.createCustomer(NewCustomer(name: "X", email: "x@"), by: w.agent)
            },
            Rejected(name: "not found: unknown customer", expected: .error(.notFound(entity: "customer/9"))) { w in
                _ = try await w.service.createTicket(NewTicket(customerID: CustomerID(9), subject: "s"), by: w.agent)
            },
            Rejected(
                name: "conflict: customer with tickets",
                expected: .error(.conflict(entity: "customer/1", reason: .hasDependants(count: 1, noun: "ticket")))
            ) { w in
                try await w.service.deleteCustomer(CustomerID(1), by: w.admin)
            },
            Rejected(
                name: "conflict: stale customer version",
                expected: .error(.conflict(entity: "customer/1", reason: .staleVersion(expected: 2, current: 1)))
            ) { w in
                _ = try await w.service.updateCustomer(CustomerID(1), CustomerChanges(name: "X", expectedVersion: 2), by: w.agent)
            },
            Rejected(
                name: "invalid transition",
                expected: .error(.invalidTransition(from: .closed, to: .pending, allowed: [.open]))
            ) { w in
                _ = try await w.service.updateTicket(TicketID(2), TicketChanges(status: .pending), by: w.admin)
            },
            Rejected(
                name: "conflict",
                expected: .error(.conflict(entity: "ticket/1", reason: .staleVersion(expected: 1, current: 2)))
            ) { w in
                _ = try await w.service.updateTicket(
                    TicketID(1), TicketChanges(priority: .low, expectedVersion: 1), by: w.agent)
            },
            Rejected(name: "not found", expected: .error(.notFound(entity: "ticket/99"))) { w in
                _ = try await w.service.updateTicket(TicketID(99), TicketChanges(priority: .low), by: w.agent)
            },
            Rejected(name: "no-op ticket update", expected: .noOp) { w in
                let same = try await w.service.updateTicket(
                    TicketID(1),
                    TicketChanges(
                        subject: "Printer on fire", status: .open, priority: .high, assignee: .nobody,
                        removeTags: ["absent"], expectedVersion: 2),
                    by: w.agent)
                #expect(same.version == 2)
            },
            Rejected(name: "no-op customer update", expected: .noOp) { w in
                _ = try await w.service.updateCustomer(
                    CustomerID(1), CustomerChanges(name: "Jane Doe", email: "jane@example.com", company: .some(nil)),
                    by: w.agent)
            },
        ]
    }

    @Test("no event, no change and no clock tick for a rejected or no-op request", arguments: Rejected.all)
    func rejected(_ request: Rejected) async throws {
        let world = try await World.make()
        _ = try await world.ticket()
        _ = try await world.ticket("Closed", customer: 2)
        _ = try await world.service.closeTicket(TicketID(2), by: world.admin)
        _ = try await world.service.updateTicket(TicketID(1), TicketChanges(priority: .high), by: world.admin)
        let before = try await world.snapshot()
        #expect(before.audit.count == 4)

        switch request.expected {
        case .noOp:
            try await request.run(world)
        case .error(let expected):
            await expectError(expected) { try await request.run(world) }
        case .validation:
            do {
                try await request.run(world)
                Issue.record("\(request.name) succeeded")
            } catch let error as CRMError {
                #expect(error.code == "validation", "\(error)")
            }
        }
        #expect(try await world.snapshot() == before)

        // The clock did not move: the next mutation is stamped as the fifth.
        let next = try await world.service.addNote(to: TicketID(1), text: "after", by: world.agent)
        #expect(next.createdAt == at(4))
        #expect(try await world.auditEvents().last?.at == at(4))
    }

    @Test("the stepping clock advances one second per mutation, not per read")
    func clockSteps() async throws {
        let world = try await World.make()
        let customers = try await world.service.listCustomers(by: world.agent).items
        #expect(customers.allSatisfy { $0.createdAt == t0 && $0.updatedAt == t0 })
        let first = try await world.ticket()
        #expect(first.createdAt == t0 && first.updatedAt == t0)
        _ = try await world.service.listTickets(by: world.anonymous)
        _ = try await world.service.ticket(first.id, by: world.agent)
        _ = try await world.service.login(token: "admin123", via: .http)
        _ = try await world.service.ticketHistory(first.id, by: world.agent)
        let updated = try await world.service.resolveTicket(first.id, by: world.agent)
        #expect(updated.createdAt == t0)
        #expect(updated.updatedAt == at(1))
        let note = try await world.service.addNote(to: first.id, text: "done", by: world.agent)
        #expect(note.createdAt == at(2))
        let second = try await world.ticket("Second")
        #expect(second.createdAt == at(3))
        #expect(try await world.auditEvents().map(\.at) == [t0, at(1), at(2), at(3)])
        #expect(try await world.auditEvents().map(\.id) == (1...4).map(AuditEventID.init))
    }

    @Test("ticketHistory is the ticket's own trail, notes included, oldest first")
    func history() async throws {
        let world = try await World.make()
        let ticket = try await world.ticket()
        let other = try await world.ticket("Other")
        _ = try await world.service.updateTicket(ticket.id, TicketChanges(status: .pending), by: world.agent)
        _ = try await world.service.addNote(to: other.id, text: "elsewhere", by: world.agent)
        _ = try await world.service.addNote(to: ticket.id, text: "waiting for reply", by: world.agent)
        _ = try await world.service.updateCustomer(CustomerID(1), CustomerChanges(name: "Jane D."), by: world.agent)

        let history = try await world.service.ticketHistory(ticket.id, by: world.agent)
        #expect(history.total == 3)
        #expect(history.items.map(\.action) == ["ticket.create", "ticket.update", "note.add"])
        #expect(history.items.allSatisfy { $0.entity == "ticket/\(ticket.id)" })
        #expect(history.items.map(\.at) == history.items.map(\.at).sorted())
        #expect(history.items.last?.changes["text"] == FieldChange(.null, .string("waiting for reply")))

        let page = try await world.service.ticketHistory(ticket.id, PageRequest(limit: 1, offset: 1), by: world.agent)
        #expect(page.total == 3)
        #expect(page.items.map(\.action) == ["ticket.update"])

        await expectError(.notFound(entity: "ticket/42")) {
            _ = try await world.service.ticketHistory(TicketID(42), by: world.agent)
        }
    }

    @Test("the audit log filters by actor and entity, with totals and paging")
    func auditLogFilters() async throws {
        let world = try await World.make()
        let first = try await world.ticket(by: world.agent)  // agent ticket/1
        let second = try await world.ticket(by: world.admin)  // admin ticket/2
        _ = try await world.service.addNote(to: first.id, text: "a", by: world.admin)  // admin ticket/1
        _ = try await world.service.updateTicket(second.id, TicketChanges(priority: .low), by: world.agent)  // agent ticket/2
        _ = try await world.service.updateTicket(first.id, TicketChanges(priority: .low), by: world.agent)  // agent ticket/1
        _ = try await world.service.updateCustomer(CustomerID(2), CustomerChanges(name: "J."), by: world.agent)  // agent customer/2

        let all = try await world.service.auditLog(by: world.admin)
        #expect(all.total == 6)
        #expect(all.items.map(\.id) == (1...6).map(AuditEventID.init))

        let byAgent = try await world.service.auditLog(actor: "agent", by: world.admin)
        #expect(byAgent.total == 4)
        #expect(byAgent.items.map(\.id.rawValue) == [1, 4, 5, 6])

        let onFirst = try await world.service.auditLog(entity: "ticket/1", by: world.admin)
        #expect(onFirst.total == 3)
        #expect(onFirst.items.map(\.id.rawValue) == [1, 3, 5])

        let agentOnFirst = try await world.service.auditLog(actor: "agent", entity: "ticket/1", by: world.admin)
        #expect(agentOnFirst.total == 2)
        #expect(agentOnFirst.items.map(\.id.rawValue) == [1, 5])

        let customer = try await world.service.auditLog(entity: "customer/2", by: world.admin)
        #expect(customer.items.map(\.action) == ["customer.update"])

        let window = try await world.service.auditLog(actor: "agent", PageRequest(limit: 2, offset: 1), by: world.admin)
        #expect(window.total == 4)
        #expect(window.items.map(\.id.rawValue) == [4, 5])

        let unfilteredWindow = try await world.service.auditLog(PageRequest(limit: 4, offset: 4), by: world.admin)
        #expect(unfilteredWindow.total == 6)
        #expect(unfilteredWindow.items.map(\.id.rawValue) == [5, 6])

        let beyond = try await world.service.auditLog(PageRequest(limit: 10, offset: 10), by: world.admin)
        #expect(beyond.total == 6 && beyond.items.isEmpty)

        #expect(try await world.service.auditLog(actor: "nobody", by: world.admin).total == 0)
        #expect(try await world.service.auditLog(entity: "ticket/77", by: world.admin).total == 0)
    }

    @Test("a stale expectedVersion is a conflict and changes nothing; the current one succeeds")
    func conflict() async throws {
        let world = try await World.make()
        let ticket = try await world.ticket()
        let v2 = try await world.service.updateTicket(ticket.id, TicketChanges(priority: .high, expectedVersion: 1), by: world.agent)
        #expect(v2.version == 2)
        let before = try await world.snapshot()
        await expectError(.conflict(entity: "ticket/1", reason: .staleVersion(expected: 1, current: 2))) {
            _ = try await world.service.updateTicket(
                ticket.id, TicketChanges(status: .closed, priority: .low, expectedVersion: 1), by: world.agent)
        }
        await expectError(.conflict(entity: "ticket/1", reason: .staleVersion(expected: 3, current: 2))) {
            _ = try await world.service.updateTicket(ticket.id, TicketChanges(status: .closed, expectedVersion: 3), by: world.agent)
        }
        #expect(try await world.snapshot() == before)
        let v3 = try await world.service.updateTicket(ticket.id, TicketChanges(status: .closed, expectedVersion: 2), by: world.agent)
        #expect(v3.version == 3 && v3.status == .closed)
    }

    @Test("audit changes encode as {field: [old, new]}")
    func changesWireForm() throws {
        let change = FieldChange(.string("open"), .string("in_progress"))
        #expect(JSONWriter.text(of: change) == #"["open","in_progress"]"#)
        #expect(JSONWriter.text(of: FieldChange(.null, .int(3))) == "[null,3]")
        let strings = FieldChange(.strings([]), .strings(["a", "b"]))
        #expect(try JSONDecoder().decode(FieldChange.self, from: Data(JSONWriter.text(of: strings).utf8)) == strings)
    }
}
