import CRMDomain
import CRMMemoryStore
import CRMTestSupport
import Testing

@Suite("Validation: each error names its field")
struct ValidationTests {
    @Test("ticket subject must be 1-200 characters", arguments: ["", "   ", "\n\t"])
    func emptySubject(_ subject: String) async throws {
        let world = try await World.make()
        await expectValidation(field: "subject") {
            _ = try await world.service.createTicket(NewTicket(customerID: CustomerID(1), subject: subject), by: world.agent)
        }
        #expect(try await world.snapshot().tickets.isEmpty)
    }

    @Test("a 201-character subject is rejected, a 200-character one accepted")
    func subjectLength() async throws {
        let world = try await World.make()
        await expectValidation(field: "subject") {
            _ = try await world.service.createTicket(
                NewTicket(customerID: CustomerID(1), subject: String(repeating: "x", count: 201)), by: world.agent)
        }
        let ticket = try await world.service.createTicket(
            NewTicket(customerID: CustomerID(1), subject: String(repeating: "é", count: 200)), by: world.agent)
        #expect(ticket.subject.count == 200)
        await expectValidation(field: "subject") {
            _ = try await world.service.updateTicket(
                ticket.id, TicketChanges(subject: String(repeating: "y", count: 201)), by: world.agent)
        }
        await expectValidation(field: "subject") {
            _ = try await world.service.updateTicket(ticket.id, TicketChanges(subject: ""), by: world.agent)
        }
        #expect(try await world.store.ticket(ticket.id) == ticket)
    }

    @Test("malformed emails are rejected on create and update", arguments: ["", "a", "a@", "@b.c", "a@b", "a b@c.d"])
    func malformedEmail(_ email: String) async throws {
        let world = try await World.make()
        let before = try await world.snapshot()
        await expectValidation(field: "email") {
            _ = try await world.service.createCustomer(NewCustomer(name: "Someone", email: email), by: world.agent)
        }
        await expectValidation(field: "email") {
            _ = try await world.service.updateCustomer(CustomerID(1), CustomerChanges(email: email), by: world.agent)
        }
        #expect(try await world.snapshot() == before)
    }

    @Test("a well-formed email is accepted")
    func goodEmail() async throws {
        let world = try await World.make()
        let customer = try await world.service.createCustomer(
            NewCustomer(name: "Ann", email: "ann.lee+crm@mail.example.org", company: "ACME"), by: world.agent)
        #expect(customer.email == "ann.lee+crm@mail.example.org")
        #expect(customer.id == CustomerID(3))
    }

    @Test("customer name is required")
    func customerName() async throws {
        let world = try await World.make()
        await expectValidation(field: "name") {
            _ = try await world.service.createCustomer(NewCustomer(name: " ", email: "x@y.z"), by: world.agent)
        }
        await expectValidation(field: "name") {
            _ = try await world.service.updateCustomer(CustomerID(2), CustomerChanges(name: ""), by: world.agent)
        }
    }

    @Test("unknown status names the status field", arguments: ["", "done", "OPEN", "in-progress", "closed "])
    func unknownStatus(_ text: String) async {
        let error = await expectValidation(field: "status") { _ = try TicketStatus(validating: text) }
        #expect(error?.description.contains("in_progress") == true, "the reason lists the valid values")
    }

    @Test("unknown priority names the priority field", arguments: ["", "critical", "HIGH", "1"])
    func unknownPriority(_ text: String) async {
        await expectValidation(field: "priority") { _ = try Priority(validating: text) }
    }

    @Test("known statuses and priorities parse", arguments: TicketStatus.allCases)
    func knownStatus(_ status: TicketStatus) throws {
        #expect(try TicketStatus(validating: status.rawValue) == status)
        #expect(try Priority(validating: "urgent") == .urgent)
    }

    @Test("an unknown customer on ticket create is not found (HTTP 404, as the original answered)")
    func unknownCustomer() async throws {
        let world = try await World.make()
        await expectError(.notFound(entity: "customer/42")) {
            _ = try await world.service.createTicket(NewTicket(customerID: CustomerID(42), subject: "Hello"), by: world.agent)
        }
        #expect(try await world.snapshot().tickets.isEmpty)
        #expect(try await world.auditEvents().isEmpty)
    }

    @Test("an unknown assignee is a validation error on assignee")
    func unknownAssignee() async throws {
        let world = try await World.make()
        await expectValidation(field: "assignee") {
            _ = try await world.service.createTicket(
                NewTicket(customerID: CustomerID(1), subject: "Hello", assignee: .user("ghost")), by: world.agent)
        }
        let ticket = try await world.ticket()
        await expectValidation(field: "assignee") {
            _ = try await world.service.assignTicket(ticket.id, to: .user("ghost"), by: world.agent)
        }
        let assigned = try await world.service.assignTicket(ticket.id, to: .user("agent"), by: world.admin)
        #expect(assigned.assignee == "agent")
    }

    @Test("bad tags name the tags field on create and update, the tag field on list",
          arguments: ["", "has space", "bang!", "ünïcode", String(repeating: "t", count: 33)])
    func badTag(_ tag: String) async throws {
        let world = try await World.make()
        await expectValidation(field: "tags") {
            _ = try await world.service.createTicket(
                NewTicket(customerID: CustomerID(1), subject: "Hello", tags: [tag]), by: world.agent)
        }
        let ticket = try await world.ticket()
        await expectValidation(field: "tags") {
            _ = try await world.service.updateTicket(ticket.id, TicketChanges(addTags: [tag]), by: world.agent)
        }
        await expectValidation(field: "tags") {
            _ = try await world.service.updateTicket(ticket.id, TicketChanges(removeTags: [tag]), by: world.agent)
        }
        await expectValidation(field: "tag") {
            _ = try await world.service.listTickets(TicketFilter(tag: tag), by: world.agent)
        }
        #expect(try await world.store.ticket(ticket.id) == ticket)
    }

    @Test("tags are normalized to lowercase and deduplicated")
    func tagNormalization() async throws {
        let world = try await World.make()
        let ticket = try await world.ticket(tags: ["Billing", "billing", "vip", "a_b-1", String(repeating: "t", count: 32)])
        #expect(ticket.tags == ["a_b-1", "billing", String(repeating: "t", count: 32), "vip"])
    }

    @Test("limit must be 1...1000 and offset non-negative",
          arguments: [(0, 0, "limit"), (1001, 0, "limit"), (-1, 0, "limit"), (10, -1, "offset")])
    func paging(limit: Int, offset: Int, field: String) async throws {
        let world = try await World.make()
        let page = PageRequest(limit: limit, offset: offset)
        await expectValidation(field: field) { _ = try await world.service.listTickets(TicketFilter(), page, by: world.admin) }
        await expectValidation(field: field) { _ = try await world.service.listCustomers(page, by: world.admin) }
        await expectValidation(field: field) { _ = try await world.service.auditLog(page, by: world.admin) }
        let ticket = try await world.ticket()
        await expectValidation(field: field) { _ = try await world.service.ticketHistory(ticket.id, page, by: world.admin) }
    }

    @Test("limits at the edges are accepted", arguments: [1, 1000])
    func pagingEdges(limit: Int) async throws {
        let world = try await World.make()
        let page = try await world.service.listCustomers(PageRequest(limit: limit, offset: 0), by: world.agent)
        #expect(page.items.count == min(limit, 2))
        #expect(page.total == 2)
    }

    @Test("an empty note is rejected on the text field", arguments: ["", "  ", "\n"])
    func emptyNote(_ text: String) async throws {
        let world = try await World.make()
        let ticket = try await world.ticket()
        await expectValidation(field: "text") {
            _ = try await world.service.addNote(to: ticket.id, text: text, by: world.agent)
        }
        #expect(try await world.service.notes(on: ticket.id, by: world.agent).isEmpty)
    }

    @Test("a malformed audit entity filter names the entity field", arguments: ["ticket", "ticket/x", "user/1", "ticket/1/2"])
    func badEntityFilter(_ entity: String) async throws {
        let world = try await World.make()
        await expectValidation(field: "entity") { _ = try await world.service.auditLog(entity: entity, by: world.admin) }
    }

    @Test("a bad CRM_NOW names CRM_NOW",
          arguments: ["tomorrow", "2025-01-06", "2025-01-06T09:00:00", "2025-13-01T00:00:00Z", "2025-01-06 09:00:00Z"])
    func badNow(_ value: String) async {
        await expectValidation(field: "CRM_NOW") { _ = try CRMSettings(environment: ["CRM_NOW": value]) }
    }

    @Test("a bad CRM_PUBLIC_TICKETS names CRM_PUBLIC_TICKETS", arguments: ["maybe", "2", "nope", "-1"])
    func badPublicTickets(_ value: String) async {
        await expectValidation(field: "CRM_PUBLIC_TICKETS") {
            _ = try CRMSettings(environment: ["CRM_PUBLIC_TICKETS": value])
        }
    }

    @Test("CRM_PUBLIC_TICKETS spellings", arguments: [
        ("1", true), ("true", true), ("YES", true), ("on", true), ("0", false), ("false", false), ("No", false),
        ("off", false), ("", true),
    ])
    func publicTicketsSpellings(value: String, expected: Bool) throws {
        #expect(try CRMSettings(environment: ["CRM_PUBLIC_TICKETS": value]).policy.publicTickets == expected)
    }

    @Test("default settings: public tickets, wall clock, no fixed time")
    func defaultSettings() throws {
        let settings = try CRMSettings(environment: [:])
        #expect(settings.policy == AccessPolicy(publicTickets: true))
        #expect(settings.fixedNow == nil)
        #expect(settings.makeClock() is SystemClock)
    }

    @Test("CRM_NOW gives a stepping clock starting there")
    func fixedNow() throws {
        let settings = try CRMSettings(environment: ["CRM_NOW": "2025-01-06T09:00:00Z"])
        #expect(settings.fixedNow == t0)
        #expect(settings.seedTime == t0)
        let clock = settings.makeClock()
        #expect(clock.now() == t0)
        #expect(clock.now() == at(1))
        #expect(clock.now() == at(2))
    }
}

@Suite("Login")
struct LoginTests {
    @Test("a bad or empty token is unauthenticated", arguments: ["", "agent", "agent1234", "AGENT123", " agent123", "wrong"])
    func badToken(_ token: String) async throws {
        let world = try await World.make()
        await expectError(.unauthenticated) { _ = try await world.service.login(token: token, via: .shell) }
        await expectError(.unauthenticated) { _ = try await world.service.login(token: token, via: .http) }
    }

    @Test("the unauthenticated message never contains the token")
    func messageHidesToken() async throws {
        let world = try await World.make()
        do {
            _ = try await world.service.login(token: "hunter2-secret", via: .shell)
            Issue.record("logged in with a bad token")
        } catch {
            #expect(!"\(error)".contains("hunter2"))
        }
    }

    @Test("login keeps the channel")
    func channel() async throws {
        let world = try await World.make()
        let caller = try await world.service.login(token: "agent123", via: .http)
        #expect(caller.channel == .http)
        #expect(caller.principal.name == "agent")
    }

    @Test("CRM_AGENT_TOKEN overrides the agent token; the default then fails")
    func agentTokenOverride() async throws {
        let settings = try CRMSettings(environment: ["CRM_AGENT_TOKEN": "s3cret-agent"])
        let service = CRMService(
            store: InMemoryCRMStore(seed: settings.seed, seededAt: t0), policy: settings.policy,
            clock: SteppingClock(start: t0))
        let agent = try await service.login(token: "s3cret-agent", via: .shell)
        #expect(agent.principal == .user(User(name: "agent", role: .agent)))
        await expectError(.unauthenticated) { _ = try await service.login(token: "agent123", via: .shell) }
        let admin = try await service.login(token: "admin123", via: .shell)
        #expect(admin.principal.user?.role == .admin)
    }

    @Test("CRM_ADMIN_TOKEN overrides the admin token (an empty one is refused: SeedTokenTests)")
    func adminTokenOverride() async throws {
        let settings = try CRMSettings(environment: ["CRM_ADMIN_TOKEN": "root!"])
        let service = CRMService(store: InMemoryCRMStore(seed: settings.seed, seededAt: t0))
        #expect(try await service.login(token: "root!", via: .shell).principal.name == "admin")
        await expectError(.unauthenticated) { _ = try await service.login(token: "admin123", via: .shell) }
        #expect(try await service.login(token: "agent123", via: .shell).principal.name == "agent")
    }

    @Test("tokens are stored hashed, never in clear")
    func hashedTokens() async throws {
        let world = try await World.make()
        let agent = try #require(try await world.store.credential(.id(TokenID(1))))
        #expect(agent.user.name == "agent")
        #expect(agent.hash == TokenHash(token: "agent123"))
        #expect(agent.hash.bytes.count == 32 && agent.hash.bytes != Array("agent123".utf8))
    }
}
