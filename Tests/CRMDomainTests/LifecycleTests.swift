import CRMDomain
import CRMTestSupport
import Testing

/// DESIGN §3.2, copied cell by cell: the "yes" cells, and the one "admin only" cell.
enum DesignLifecycle {
    static let yes: Set<Move> = [
        Move(.open, .inProgress), Move(.open, .pending), Move(.open, .resolved), Move(.open, .closed),
        Move(.inProgress, .open), Move(.inProgress, .pending), Move(.inProgress, .resolved), Move(.inProgress, .closed),
        Move(.pending, .open), Move(.pending, .inProgress), Move(.pending, .resolved), Move(.pending, .closed),
        Move(.resolved, .open), Move(.resolved, .inProgress), Move(.resolved, .closed),
    ]
    static let adminOnly: Set<Move> = [Move(.closed, .open)]

    static func allowed(_ move: Move, role: Role) -> Bool {
        self.yes.contains(move) || (role == .admin && self.adminOnly.contains(move))
    }

    /// The targets a role may move to from `from`, in lifecycle order.
    static func targets(from: TicketStatus, role: Role) -> [TicketStatus] {
        TicketStatus.allCases.filter { self.allowed(Move(from, $0), role: role) }
    }

    struct Move: Hashable, Sendable {
        let from: TicketStatus
        let to: TicketStatus
        init(_ from: TicketStatus, _ to: TicketStatus) {
            self.from = from
            self.to = to
        }
    }
}

@Suite("Ticket status lifecycle (DESIGN §3.2)")
struct LifecycleTests {
    @Test("statuses are the five of the design, open first")
    func statuses() {
        #expect(TicketStatus.allCases.map(\.rawValue) == ["open", "in_progress", "pending", "resolved", "closed"])
    }

    @Test("a new ticket starts open at version 1")
    func initialStatus() async throws {
        let world = try await World.make()
        let ticket = try await world.ticket()
        #expect(ticket.status == .open)
        #expect(ticket.version == 1)
    }

    @Test("TicketLifecycle's table is the design table", arguments: TicketStatus.allCases, TicketStatus.allCases)
    func tableCell(from: TicketStatus, to: TicketStatus) {
        let move = DesignLifecycle.Move(from, to)
        let rule = TicketLifecycle.rule(from: from, to: to)
        if DesignLifecycle.yes.contains(move) {
            #expect(rule == .allowed)
        } else if DesignLifecycle.adminOnly.contains(move) {
            #expect(rule == .requires(.ticketReopenClosed))
        } else {
            #expect(rule == nil)
        }
    }

    @Test("allowedTargets lists the design's targets per role", arguments: TicketStatus.allCases, Role.allCases)
    func allowedTargets(from: TicketStatus, role: Role) {
        let permissions = AccessPolicy().permissions(of: .user(User(name: "u", role: role)))
        #expect(TicketLifecycle.allowedTargets(from: from, permissions: permissions)
            == DesignLifecycle.targets(from: from, role: role))
    }

    @Test("every move through updateTicket", arguments: TicketStatus.allCases, TicketStatus.allCases)
    func move(from: TicketStatus, to: TicketStatus) async throws {
        for role in Role.allCases {
            let world = try await World.make()
            let caller = role == .admin ? world.admin : world.agent
            let ticket = try await world.ticket(in: from)
            #expect(ticket.status == from)
            let before = try await world.snapshot()
            let move = DesignLifecycle.Move(from, to)

            if from == to {
                let result = try await world.service.updateTicket(ticket.id, TicketChanges(status: to), by: caller)
                #expect(result == ticket, "a no-op move keeps the ticket and its version (\(role))")
                #expect(try await world.snapshot() == before, "a no-op move records nothing (\(role))")
            } else if DesignLifecycle.allowed(move, role: role) {
                let result = try await world.service.updateTicket(ticket.id, TicketChanges(status: to), by: caller)
                #expect(result.status == to)
                #expect(result.version == ticket.version + 1)
                #expect(result.updatedAt > ticket.updatedAt)
                #expect(try await world.store.ticket(ticket.id) == result)
                let audit = try await world.auditEvents()
                #expect(audit.count == before.audit.count + 1)
                #expect(audit.last?.action == "ticket.update")
                #expect(audit.last?.actor == role.rawValue)
                #expect(audit.last?.changes == ["status": FieldChange(.string(from.rawValue), .string(to.rawValue))])
            } else if DesignLifecycle.adminOnly.contains(move) {
                await expectError(.forbidden(permission: .ticketReopenClosed, principal: role.rawValue)) {
                    _ = try await world.service.updateTicket(ticket.id, TicketChanges(status: to), by: caller)
                }
                #expect(try await world.snapshot() == before)
            } else {
                await expectError(
                    .invalidTransition(from: from, to: to, allowed: DesignLifecycle.targets(from: from, role: role))
                ) {
                    _ = try await world.service.updateTicket(ticket.id, TicketChanges(status: to), by: caller)
                }
                #expect(try await world.snapshot() == before, "a forbidden move changes nothing (\(role))")
            }
        }
    }

    @Test("closed is a dead end for an agent: every move names no allowed target or needs reopen_closed")
    func closedForAgent() async throws {
        let world = try await World.make()
        let ticket = try await world.ticket(in: .closed)
        await expectError(.invalidTransition(from: .closed, to: .resolved, allowed: [])) {
            _ = try await world.service.resolveTicket(ticket.id, by: world.agent)
        }
        await expectError(.invalidTransition(from: .closed, to: .resolved, allowed: [.open])) {
            _ = try await world.service.resolveTicket(ticket.id, by: world.admin)
        }
        #expect(CRMError.invalidTransition(from: .closed, to: .resolved, allowed: []).description.contains("none"))
        #expect(CRMError.invalidTransition(from: .resolved, to: .pending, allowed: [.open, .inProgress, .closed])
            .description.contains("open, in_progress, closed"))
    }

    @Test("an agent may reopen a resolved ticket")
    func reopenResolved() async throws {
        let world = try await World.make()
        try await world.expectReopen(try await world.ticket(in: .resolved), by: world.agent)
    }

    @Test("a rejected move inside a combined update discards the other changes too")
    func rejectedMoveIsAtomic() async throws {
        let world = try await World.make()
        let ticket = try await world.ticket(in: .resolved)
        let before = try await world.snapshot()
        await expectError(.invalidTransition(from: .resolved, to: .pending, allowed: [.open, .inProgress, .closed])) {
            _ = try await world.service.updateTicket(
                ticket.id, TicketChanges(subject: "New subject", status: .pending, priority: .urgent), by: world.agent)
        }
        #expect(try await world.snapshot() == before)
    }

    @Test("a walk through the lifecycle bumps the version once per move")
    func walk() async throws {
        let world = try await World.make()
        var ticket = try await world.ticket()
        let path: [TicketStatus] = [.inProgress, .pending, .inProgress, .resolved, .open, .closed, .open]
        for (step, status) in path.enumerated() {
            ticket = try await world.service.updateTicket(ticket.id, TicketChanges(status: status), by: world.admin)
            #expect(ticket.status == status)
            #expect(ticket.version == step + 2)
        }
        #expect(try await world.auditEvents().count == 1 + path.count)
    }
}
