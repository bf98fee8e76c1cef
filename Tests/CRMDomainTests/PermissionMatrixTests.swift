import CRMDomain
import CRMMemoryStore
import CRMTestSupport
import Testing

/// DESIGN §3.3, copied cell by cell: who holds which permission.
struct MatrixRow: Sendable, CustomTestStringConvertible {
    enum Anonymous: Sendable { case no, whenTicketsArePublic }

    let permission: Permission
    let anonymous: Anonymous
    let agent: Bool
    let admin: Bool

    var testDescription: String { self.permission.rawValue }

    func holds(_ who: Who, publicTickets: Bool) -> Bool {
        switch who {
        case .anonymous: self.anonymous == .whenTicketsArePublic && publicTickets
        case .agent: self.agent
        case .admin: self.admin
        }
    }

    static let design: [MatrixRow] = [
        MatrixRow(permission: .ticketRead, anonymous: .whenTicketsArePublic, agent: true, admin: true),
        MatrixRow(permission: .customerRead, anonymous: .no, agent: true, admin: true),
        MatrixRow(permission: .customerWrite, anonymous: .no, agent: true, admin: true),
        MatrixRow(permission: .ticketCreate, anonymous: .no, agent: true, admin: true),
        MatrixRow(permission: .ticketUpdate, anonymous: .no, agent: true, admin: true),
        MatrixRow(permission: .noteRead, anonymous: .no, agent: true, admin: true),
        MatrixRow(permission: .noteWrite, anonymous: .no, agent: true, admin: true),
        MatrixRow(permission: .ticketHistory, anonymous: .no, agent: true, admin: true),
        MatrixRow(permission: .ticketReopenClosed, anonymous: .no, agent: false, admin: true),
        MatrixRow(permission: .ticketDelete, anonymous: .no, agent: false, admin: true),
        MatrixRow(permission: .customerDelete, anonymous: .no, agent: false, admin: true),
        MatrixRow(permission: .tokenOwn, anonymous: .no, agent: true, admin: true),
        MatrixRow(permission: .auditRead, anonymous: .no, agent: false, admin: true),
        MatrixRow(permission: .userManage, anonymous: .no, agent: false, admin: true),
        MatrixRow(permission: .metricsRead, anonymous: .no, agent: false, admin: true),
    ]

    /// What a principal should hold, per the design table.
    static func expected(_ who: Who, publicTickets: Bool) -> Set<Permission> {
        Set(self.design.filter { $0.holds(who, publicTickets: publicTickets) }.map(\.permission))
    }
}

func principal(_ who: Who) -> Principal {
    switch who {
    case .anonymous: .anonymous
    case .agent: .user(User(name: "agent", role: .agent))
    case .admin: .user(User(name: "admin", role: .admin))
    }
}

@Suite("Permission matrix (DESIGN §3.3)")
struct PermissionMatrixTests {
    @Test("the design table names every permission the domain knows, once")
    func tableIsComplete() {
        #expect(MatrixRow.design.map(\.permission).sorted { $0.rawValue < $1.rawValue }
            == Permission.allCases.sorted { $0.rawValue < $1.rawValue })
    }

    @Test("AccessPolicy grants exactly the design cell", arguments: MatrixRow.design, [true, false])
    func policyCell(row: MatrixRow, publicTickets: Bool) {
        let policy = AccessPolicy(publicTickets: publicTickets)
        for who in Who.allCases {
            let expected = row.holds(who, publicTickets: publicTickets)
            #expect(policy.allows(principal(who), row.permission) == expected, "\(who.rawValue)")
            #expect(policy.permissions(of: principal(who)).contains(row.permission) == expected, "\(who.rawValue)")
        }
    }

    @Test("a logged-in caller's permissions are its role's row set", arguments: [true, false])
    func loggedInPermissions(publicTickets: Bool) async throws {
        let world = try await World.make(publicTickets: publicTickets)
        for who in Who.allCases {
            #expect(world.service.permissions(of: world.caller(who)) == MatrixRow.expected(who, publicTickets: publicTickets))
        }
    }

    @Test("the default policy lists tickets publicly")
    func defaultIsPublic() {
        #expect(AccessPolicy().allows(.anonymous, .ticketRead))
        #expect(AccessPolicy().permissions(of: .anonymous) == [.ticketRead])
    }

    @Test("login yields the seeded users with their roles")
    func loginRoles() async throws {
        let world = try await World.make()
        #expect(world.agent.principal == .user(User(name: "agent", role: .agent)))
        #expect(world.admin.principal == .user(User(name: "admin", role: .admin)))
        #expect(world.anonymous.principal.name == "anonymous")
    }
}

/// Data every use case can act on: ticket 1 open with a note, ticket 2 closed, customer 3 without tickets.
struct Prepared: Sendable {
    let open = TicketID(1)
    let closed = TicketID(2)
    let lonelyCustomer = CustomerID(3)

    static func make(_ world: World) async throws -> Prepared {
        let prepared = Prepared()
        let open = try await world.ticket("Open one")
        _ = try await world.service.addNote(to: open.id, text: "first note", by: world.admin)
        let closed = try await world.ticket("Closed one", customer: 2)
        _ = try await world.service.closeTicket(closed.id, by: world.admin)
        _ = try await world.service.createCustomer(NewCustomer(name: "Lonely", email: "lonely@example.com"), by: world.admin)
        _ = try await world.service.createUser(NewUser(name: "bob", role: .agent), by: world.admin)
        #expect(open.id == prepared.open && closed.id == prepared.closed)
        return prepared
    }
}

/// One service use case and the permissions it needs, checked in order.
struct UseCase: Sendable, CustomTestStringConvertible {
    let name: String
    let requires: [Permission]
    let mutates: Bool
    let run: @Sendable (CRMService, Caller, Prepared) async throws -> Void

    var testDescription: String { self.name }

    static let all: [UseCase] = [
        UseCase(name: "list tickets", requires: [.ticketRead], mutates: false) { s, c, _ in
            _ = try await s.listTickets(by: c)
        },
        UseCase(name: "show ticket", requires: [.ticketRead], mutates: false) { s, c, p in
            _ = try await s.ticket(p.open, by: c)
        },
        UseCase(name: "list customers", requires: [.customerRead], mutates: false) { s, c, _ in
            _ = try await s.listCustomers(by: c)
        },
        UseCase(name: "show customer", requires: [.customerRead], mutates: false) { s, c, _ in
            _ = try await s.customer(CustomerID(1), by: c)
        },
        UseCase(name: "create customer", requires: [.customerWrite], mutates: true) { s, c, _ in
            _ = try await s.createCustomer(NewCustomer(name: "New", email: "new@example.com"), by: c)
        },
        UseCase(name: "update customer", requires: [.customerWrite], mutates: true) { s, c, _ in
            _ = try await s.updateCustomer(CustomerID(1), CustomerChanges(name: "Jane Q. Doe"), by: c)
        },
        UseCase(name: "delete customer", requires: [.customerDelete], mutates: true) { s, c, p in
            try await s.deleteCustomer(p.lonelyCustomer, by: c)
        },
        UseCase(name: "create ticket", requires: [.ticketCreate], mutates: true) { s, c, _ in
            _ = try await s.createTicket(NewTicket(customerID: CustomerID(1), subject: "Another"), by: c)
        },
        UseCase(name: "update ticket", requires: [.ticketUpdate], mutates: true) { s, c, p in
            _ = try await s.updateTicket(p.open, TicketChanges(priority: .urgent, addTags: ["vip"]), by: c)
        },
        UseCase(name: "assign ticket", requires: [.ticketUpdate], mutates: true) { s, c, p in
            _ = try await s.assignTicket(p.open, to: .user("agent"), by: c)
        },
        UseCase(name: "resolve ticket", requires: [.ticketUpdate], mutates: true) { s, c, p in
            _ = try await s.resolveTicket(p.open, by: c)
        },
        UseCase(name: "close ticket", requires: [.ticketUpdate], mutates: true) { s, c, p in
            _ = try await s.closeTicket(p.open, by: c)
        },
        UseCase(name: "reopen closed ticket", requires: [.ticketUpdate, .ticketReopenClosed], mutates: true) { s, c, p in
            _ = try await s.reopenTicket(p.closed, by: c)
        },
        UseCase(name: "delete ticket", requires: [.ticketDelete], mutates: true) { s, c, p in
            try await s.deleteTicket(p.open, by: c)
        },
        UseCase(name: "add note", requires: [.noteWrite], mutates: true) { s, c, p in
            _ = try await s.addNote(to: p.open, text: "hello", by: c)
        },
        UseCase(name: "read notes", requires: [.noteRead], mutates: false) { s, c, p in
            _ = try await s.notes(on: p.open, by: c)
        },
        UseCase(name: "ticket history", requires: [.ticketHistory], mutates: false) { s, c, p in
            _ = try await s.ticketHistory(p.open, by: c)
        },
        UseCase(name: "audit log", requires: [.auditRead], mutates: false) { s, c, _ in
            _ = try await s.auditLog(by: c)
        },
        UseCase(name: "list users", requires: [.userManage], mutates: false) { s, c, _ in
            _ = try await s.listUsers(by: c)
        },
        UseCase(name: "show user", requires: [.userManage], mutates: false) { s, c, _ in
            _ = try await s.user(named: "agent", by: c)
        },
        UseCase(name: "create user", requires: [.userManage], mutates: true) { s, c, _ in
            _ = try await s.createUser(NewUser(name: "alice", role: .agent), by: c)
        },
        UseCase(name: "update user", requires: [.userManage], mutates: true) { s, c, _ in
            _ = try await s.updateUser(named: "agent", UserChanges(displayName: "Agent Smith"), by: c)
        },
        UseCase(name: "disable user", requires: [.userManage], mutates: true) { s, c, _ in
            _ = try await s.updateUser(named: "agent", UserChanges(disabled: true), by: c)
        },
        UseCase(name: "create own token", requires: [.tokenOwn], mutates: true) { s, c, _ in
            _ = try await s.createToken(NewToken(label: "laptop"), by: c)
        },
        UseCase(name: "list own tokens", requires: [.tokenOwn], mutates: false) { s, c, _ in
            _ = try await s.listTokens(by: c)
        },
        UseCase(name: "revoke own token", requires: [.tokenOwn], mutates: true) { s, c, _ in
            _ = try await s.revokeToken(c.tokenID ?? TokenID(1), by: c)
        },
        UseCase(name: "create a token for another user", requires: [.tokenOwn, .userManage], mutates: true) { s, c, _ in
            _ = try await s.createToken(NewToken(user: "bob"), by: c)
        },
        UseCase(name: "list another user's tokens", requires: [.tokenOwn, .userManage], mutates: false) { s, c, _ in
            _ = try await s.listTokens(user: "bob", by: c)
        },
        UseCase(name: "list everyone's tokens", requires: [.tokenOwn, .userManage], mutates: false) { s, c, _ in
            _ = try await s.listTokens(all: true, by: c)
        },
    ]
}

@Suite("Permissions enforced through CRMService")
struct PermissionEnforcementTests {
    @Test(
        "each use case is allowed exactly for the roles holding its permissions",
        arguments: UseCase.all, Who.allCases)
    func useCase(_ useCase: UseCase, who: Who) async throws {
        for publicTickets in [true, false] {
            let world = try await World.make(publicTickets: publicTickets)
            let prepared = try await Prepared.make(world)
            let caller = world.caller(who)
            let held = MatrixRow.expected(who, publicTickets: publicTickets)
            let before = try await world.snapshot()
            if let missing = useCase.requires.first(where: { !held.contains($0) }) {
                await expectError(.forbidden(permission: missing, principal: who.rawValue)) {
                    try await useCase.run(world.service, caller, prepared)
                }
                #expect(try await world.snapshot() == before, "a denied request changes nothing")
            } else {
                try await useCase.run(world.service, caller, prepared)
                let audit = try await world.auditEvents()
                #expect(audit.count == before.audit.count + (useCase.mutates ? 1 : 0))
                if useCase.mutates {
                    #expect(audit.last?.actor == who.rawValue)
                }
            }
        }
    }

    @Test("anonymous may list and show tickets while listing is public")
    func anonymousPublicListing() async throws {
        let world = try await World.make(publicTickets: true)
        let ticket = try await world.ticket()
        let page = try await world.service.listTickets(by: world.anonymous)
        #expect(page.items == [ticket])
        #expect(try await world.service.ticket(ticket.id, by: world.anonymous) == ticket)
        await expectError(.forbidden(permission: .noteRead, principal: "anonymous")) {
            _ = try await world.service.notes(on: ticket.id, by: world.anonymous)
        }
    }

    @Test("CRM_PUBLIC_TICKETS=0 makes ticket listing require login")
    func anonymousPrivateListing() async throws {
        let settings = try CRMSettings(environment: ["CRM_PUBLIC_TICKETS": "0"])
        #expect(settings.policy.publicTickets == false)
        let store = InMemoryCRMStore(seed: settings.seed, seededAt: t0)
        let service = CRMService(store: store, policy: settings.policy, clock: SteppingClock(start: t0))
        let agent = try await service.login(token: "agent123", via: .shell)
        let ticket = try await service.createTicket(NewTicket(customerID: CustomerID(1), subject: "Private"), by: agent)
        await expectError(.forbidden(permission: .ticketRead, principal: "anonymous")) {
            _ = try await service.listTickets(by: .anonymous(via: .http))
        }
        await expectError(.forbidden(permission: .ticketRead, principal: "anonymous")) {
            _ = try await service.ticket(ticket.id, by: .anonymous(via: .http))
        }
        #expect(try await service.listTickets(by: agent).items == [ticket])
    }

    @Test("anonymous can change nothing")
    func anonymousCannotWrite() async throws {
        let world = try await World.make()
        let ticket = try await world.ticket()
        let before = try await world.snapshot()
        await expectError(.forbidden(permission: .ticketCreate, principal: "anonymous")) {
            _ = try await world.service.createTicket(NewTicket(customerID: CustomerID(1), subject: "x"), by: world.anonymous)
        }
        await expectError(.forbidden(permission: .ticketUpdate, principal: "anonymous")) {
            _ = try await world.service.updateTicket(ticket.id, TicketChanges(status: .closed), by: world.anonymous)
        }
        await expectError(.forbidden(permission: .noteWrite, principal: "anonymous")) {
            _ = try await world.service.addNote(to: ticket.id, text: "hi", by: world.anonymous)
        }
        await expectError(.forbidden(permission: .customerWrite, principal: "anonymous")) {
            _ = try await world.service.createCustomer(NewCustomer(name: "A", email: "a@b.c"), by: world.anonymous)
        }
        #expect(try await world.snapshot() == before)
    }

    @Test("agent cannot delete a ticket or a customer; admin can")
    func deletesAreAdminOnly() async throws {
        let world = try await World.make()
        let ticket = try await world.ticket()
        let customer = try await world.service.createCustomer(NewCustomer(name: "Gone", email: "gone@example.com"), by: world.agent)
        let before = try await world.snapshot()
        await expectError(.forbidden(permission: .ticketDelete, principal: "agent")) {
            try await world.service.deleteTicket(ticket.id, by: world.agent)
        }
        await expectError(.forbidden(permission: .customerDelete, principal: "agent")) {
            try await world.service.deleteCustomer(customer.id, by: world.agent)
        }
        #expect(try await world.snapshot() == before)

        try await world.service.deleteTicket(ticket.id, by: world.admin)
        try await world.service.deleteCustomer(customer.id, by: world.admin)
        #expect(try await world.store.ticket(ticket.id) == nil)
        #expect(try await world.store.customer(customer.id) == nil)
    }

    @Test("agent cannot read the audit log; admin can")
    func auditLogIsAdminOnly() async throws {
        let world = try await World.make()
        try await world.ticket()
        await expectError(.forbidden(permission: .auditRead, principal: "agent")) {
            _ = try await world.service.auditLog(by: world.agent)
        }
        #expect(try await world.service.auditLog(by: world.admin).total == 1)
    }

    @Test("agent cannot reopen a closed ticket (ticket.reopen_closed); admin can")
    func reopenClosedIsAdminOnly() async throws {
        let world = try await World.make()
        let closed = try await world.service.closeTicket(try await world.ticket().id, by: world.agent)
        let before = try await world.snapshot()
        await expectError(.forbidden(permission: .ticketReopenClosed, principal: "agent")) {
            _ = try await world.service.reopenTicket(closed.id, by: world.agent)
        }
        await expectError(.forbidden(permission: .ticketReopenClosed, principal: "agent")) {
            _ = try await world.service.updateTicket(closed.id, TicketChanges(status: .open), by: world.agent)
        }
        #expect(try await world.snapshot() == before)

        try await world.expectReopen(closed, by: world.admin)
    }

    @Test("forbidden is decided before validation: a denied invalid request is forbidden, not invalid")
    func forbiddenBeforeValidation() async throws {
        let world = try await World.make()
        await expectError(.forbidden(permission: .ticketCreate, principal: "anonymous")) {
            _ = try await world.service.createTicket(NewTicket(customerID: CustomerID(99), subject: ""), by: world.anonymous)
        }
        await expectError(.forbidden(permission: .auditRead, principal: "agent")) {
            _ = try await world.service.auditLog(entity: "nonsense", PageRequest(limit: 0), by: world.agent)
        }
        #expect(try await world.auditEvents().isEmpty)
    }

    @Test("the forbidden message names the permission")
    func forbiddenMessage() {
        #expect(CRMError.forbidden(permission: .auditRead, principal: "agent").description.contains("audit.read"))
        #expect(CRMError.forbidden(permission: .ticketRead, principal: "anonymous").description.contains("ticket.read"))
        #expect(CRMError.forbidden(permission: .auditRead, principal: "agent").code == "forbidden")
    }
}
