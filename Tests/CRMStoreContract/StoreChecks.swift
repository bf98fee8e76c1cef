import CRMDomain
import CRMTestSupport
import Testing

/// Builds records and entities for driving a store directly.
enum Make {
    struct Boom: Error, Equatable {}

    static func record(_ action: String, _ entity: String, actor: String = "admin", at time: Timestamp = t0) -> AuditRecord {
        AuditRecord(at: time, actor: actor, action: action, entity: entity, changes: ["x": FieldChange(.null, .int(1))], via: .shell)
    }

    static func customer(_ id: CustomerID, _ name: String) -> Recorded<Customer> {
        Recorded(
            Customer(id: id, name: name, email: "\(name.lowercased())@example.com", company: nil, createdAt: t0, updatedAt: t0),
            audit: record("customer.create", "customer/\(id)"))
    }

    static func ticket(
        _ id: TicketID, customer: CustomerID = CustomerID(1), subject: String = "Subject", status: TicketStatus = .open,
        priority: Priority = .normal, assignee: String? = nil, tags: [String] = [], actor: String = "admin"
    ) -> Recorded<Ticket> {
        Recorded(
            Ticket(
                id: id, customerID: customer, subject: subject, description: "", status: status, priority: priority,
                assignee: assignee, tags: tags, createdAt: t0, updatedAt: t0, version: 1),
            audit: record("ticket.create", "ticket/\(id)", actor: actor))
    }

    static func note(_ id: NoteID, on ticket: TicketID, _ text: String) -> Recorded<Note> {
        Recorded(
            Note(id: id, ticketID: ticket, author: "agent", text: text, createdAt: t0),
            audit: record("note.add", "ticket/\(ticket)", actor: "agent"))
    }
}

/// The store driven directly (DESIGN §4): seed, IDs, atomic writes with their audit event, queries.
struct StoreChecks {
    static func allAudit(_ store: any CRMStore) async throws -> [AuditEvent] {
        try await store.auditEvents(AuditQuery(limit: 1_000_000)).items
    }

    static func seededAccounts(_ kind: StoreUnderTest) async throws {
        let store = try await kind.make()
        let users = try await store.users(limit: 10, offset: 0)
        #expect(users.items.map(\.user) == [User(name: "admin", role: .admin), User(name: "agent", role: .agent)])
        #expect(try await store.credential(.hash(TokenHash(token: "agent123")))?.user.name == "agent")
        #expect(try await store.credential(.hash(TokenHash(token: "admin123")))?.user.name == "admin")
    }

    static func seededCustomers(_ kind: StoreUnderTest) async throws {
        let store = try await kind.make()
        let page = try await store.customers(limit: 100, offset: 0)
        #expect(page.total == 2)
        #expect(page.items == [
            Customer(id: CustomerID(1), name: "Jane Doe", email: "jane@example.com", company: nil, createdAt: t0, updatedAt: t0),
            Customer(id: CustomerID(2), name: "John Smith", email: "john@example.com", company: nil, createdAt: t0, updatedAt: t0),
        ])
        #expect(try await store.customer(CustomerID(2))?.name == "John Smith")
        #expect(try await store.customer(CustomerID(3)) == nil)
        #expect(try await store.customer(CustomerID(0)) == nil)
        #expect(try await store.tickets(TicketQuery()).total == 0)
        #expect(try await store.ticket(TicketID(1)) == nil)
        #expect(try await store.auditEvents(AuditQuery()).total == 0)
        let second = try await store.customers(limit: 1, offset: 1)
        #expect(second.items.map(\.id) == [CustomerID(2)] && second.total == 2)
    }

    static func customerLifecycle(_ kind: StoreUnderTest) async throws {
        let store = try await kind.make()
        let carol = try await store.insertCustomer { id in Make.customer(id, "Carol") }
        #expect(carol.id == CustomerID(3))
        #expect(try await store.customer(carol.id) == carol)
        #expect(try await allAudit(store).map(\.entity) == ["customer/3"])

        let renamed = try await store.updateCustomer(carol.id) { current in
            var changed = current
            changed.name = "Caroline"
            return Recorded(changed, audit: Make.record("customer.update", "customer/\(current.id)"))
        }
        #expect(renamed.name == "Caroline")
        #expect(try await store.customer(carol.id) == renamed)

        let unchanged = try await store.updateCustomer(carol.id) { _ in nil }
        #expect(unchanged == renamed)
        #expect(try await allAudit(store).count == 2, "nil from change writes nothing")

        await #expect(throws: Make.Boom()) {
            _ = try await store.updateCustomer(carol.id) { _ in throw Make.Boom() }
        }
        #expect(try await store.customer(carol.id) == renamed)

        try await store.deleteCustomer(carol.id) { customer, ticketCount in
            #expect(customer == renamed)
            #expect(ticketCount == 0)
            return Make.record("customer.delete", "customer/\(customer.id)")
        }
        #expect(try await store.customer(carol.id) == nil)
        #expect(try await store.customers(limit: 100, offset: 0).items.map(\.id) == [CustomerID(1), CustomerID(2)])
        #expect(try await allAudit(store).map(\.action) == ["customer.create", "customer.update", "customer.delete"])

        let dave = try await store.insertCustomer { id in Make.customer(id, "Dave") }
        #expect(dave.id == CustomerID(4), "a deleted customer's ID is not reused")
        let page = try await store.customers(limit: 100, offset: 0)
        #expect(page.items.map(\.id) == [CustomerID(1), CustomerID(2), CustomerID(4)])
        #expect(page.total == 3)

        await #expect(throws: CRMError.notFound(entity: "customer/3")) {
            _ = try await store.updateCustomer(carol.id) { _ in nil }
        }
        await #expect(throws: CRMError.notFound(entity: "customer/3")) {
            try await store.deleteCustomer(carol.id) { c, _ in Make.record("customer.delete", "customer/\(c.id)") }
        }
    }

    static func throwingClosures(_ kind: StoreUnderTest) async throws {
        let store = try await kind.make()
        let ticket = try await store.insertTicket(for: CustomerID(1)) { id, _ in Make.ticket(id) }
        let before = try await allAudit(store)

        await #expect(throws: Make.Boom()) { _ = try await store.insertCustomer { _ in throw Make.Boom() } }
        await #expect(throws: Make.Boom()) { _ = try await store.insertTicket(for: CustomerID(1)) { _, _ in throw Make.Boom() } }
        await #expect(throws: Make.Boom()) { _ = try await store.updateTicket(ticket.id) { _ in throw Make.Boom() } }
        await #expect(throws: Make.Boom()) { try await store.deleteTicket(ticket.id) { _ in throw Make.Boom() } }
        await #expect(throws: Make.Boom()) { try await store.deleteCustomer(CustomerID(2)) { _, _ in throw Make.Boom() } }
        await #expect(throws: Make.Boom()) { _ = try await store.insertNote(on: ticket.id) { _, _ in throw Make.Boom() } }

        #expect(try await allAudit(store) == before, "no audit event")
        #expect(try await store.customers(limit: 100, offset: 0).total == 2)
        #expect(try await store.customer(CustomerID(2)) != nil)
        #expect(try await store.tickets(TicketQuery()).items == [ticket])
        #expect(try await store.ticket(ticket.id) == ticket)
        #expect(try await store.notes(on: ticket.id).isEmpty)

        // IDs handed to a failed closure may or may not be consumed, but the next insert is still a fresh, larger ID.
        let next = try await store.insertTicket(for: CustomerID(1)) { id, _ in Make.ticket(id) }
        #expect(next.id > ticket.id)
        #expect(try await store.tickets(TicketQuery()).total == 2)
    }

    static func ticketLifecycle(_ kind: StoreUnderTest) async throws {
        let store = try await kind.make()
        let first = try await store.insertTicket(for: CustomerID(2)) { id, customer in
            #expect(customer?.name == "John Smith")
            return Make.ticket(id, customer: CustomerID(2))
        }
        #expect(first.id == TicketID(1))
        await #expect(throws: Make.Boom()) {
            _ = try await store.insertTicket(for: CustomerID(77)) { _, customer in
                guard customer != nil else { throw Make.Boom() }
                return Make.ticket(TicketID(99))
            }
        }
        let second = try await store.insertTicket(for: CustomerID(1)) { id, _ in Make.ticket(id) }
        #expect(second.id == TicketID(2))

        let updated = try await store.updateTicket(first.id) { ticket in
            var changed = ticket
            changed.status = .pending
            changed.tags = ["waiting"]
            changed.version += 1
            return Recorded(changed, audit: Make.record("ticket.update", "ticket/\(ticket.id)"))
        }
        #expect(updated.status == .pending && updated.version == 2)
        #expect(try await store.ticket(first.id) == updated)
        #expect(try await store.tickets(TicketQuery(status: .pending)).items == [updated])
        #expect(try await store.tickets(TicketQuery(status: .open)).items == [second])
        #expect(try await store.tickets(TicketQuery(tag: "waiting")).items == [updated])

        let auditBefore = try await allAudit(store)
        let same = try await store.updateTicket(first.id) { _ in nil }
        #expect(same == updated)
        #expect(try await allAudit(store) == auditBefore, "nil from change writes nothing")

        try await store.deleteTicket(first.id) { ticket in
            #expect(ticket == updated)
            return Make.record("ticket.delete", "ticket/\(ticket.id)")
        }
        #expect(try await store.ticket(first.id) == nil)
        #expect(try await store.tickets(TicketQuery()).items == [second])
        #expect(try await store.tickets(TicketQuery(status: .pending)).total == 0)
        #expect(try await store.tickets(TicketQuery(tag: "waiting")).total == 0)
        #expect(try await store.tickets(TicketQuery(customerID: CustomerID(2))).total == 0)

        let third = try await store.insertTicket(for: CustomerID(1)) { id, _ in Make.ticket(id) }
        #expect(third.id == TicketID(3), "a deleted ticket's ID is not reused")

        await #expect(throws: CRMError.notFound(entity: "ticket/1")) { _ = try await store.updateTicket(first.id) { _ in nil } }
        await #expect(throws: CRMError.notFound(entity: "ticket/1")) {
            try await store.deleteTicket(first.id) { t in Make.record("ticket.delete", "ticket/\(t.id)") }
        }
        #expect(try await allAudit(store).map(\.action)
            == ["ticket.create", "ticket.create", "ticket.update", "ticket.delete", "ticket.create"])
    }

    static func ticketCountForDelete(_ kind: StoreUnderTest) async throws {
        let store = try await kind.make()
        for _ in 0..<3 { _ = try await store.insertTicket(for: CustomerID(1)) { id, _ in Make.ticket(id) } }
        try await store.deleteTicket(TicketID(2)) { t in Make.record("ticket.delete", "ticket/\(t.id)") }
        await #expect(throws: Make.Boom()) {
            try await store.deleteCustomer(CustomerID(1)) { _, count in
                #expect(count == 2)
                throw Make.Boom()
            }
        }
        try await store.deleteCustomer(CustomerID(2)) { c, count in
            #expect(count == 0)
            return Make.record("customer.delete", "customer/\(c.id)")
        }
    }

    static func notes(_ kind: StoreUnderTest) async throws {
        let store = try await kind.make()
        let a = try await store.insertTicket(for: CustomerID(1)) { id, _ in Make.ticket(id) }
        let b = try await store.insertTicket(for: CustomerID(1)) { id, _ in Make.ticket(id) }
        let n1 = try await store.insertNote(on: a.id) { id, ticket in
            #expect(ticket == a)
            return Make.note(id, on: ticket.id, "one")
        }
        let n2 = try await store.insertNote(on: b.id) { id, t in Make.note(id, on: t.id, "two") }
        let n3 = try await store.insertNote(on: a.id) { id, t in Make.note(id, on: t.id, "three") }
        #expect([n1.id, n2.id, n3.id] == [NoteID(1), NoteID(2), NoteID(3)])
        #expect(try await store.notes(on: a.id) == [n1, n3])
        #expect(try await store.notes(on: b.id) == [n2])

        await #expect(throws: CRMError.notFound(entity: "ticket/9")) {
            _ = try await store.insertNote(on: TicketID(9)) { id, t in Make.note(id, on: t.id, "lost") }
        }
        await #expect(throws: CRMError.notFound(entity: "ticket/9")) { _ = try await store.notes(on: TicketID(9)) }

        try await store.deleteTicket(a.id) { t in Make.record("ticket.delete", "ticket/\(t.id)") }
        await #expect(throws: CRMError.notFound(entity: "ticket/1")) { _ = try await store.notes(on: a.id) }
        await #expect(throws: CRMError.notFound(entity: "ticket/1")) {
            _ = try await store.insertNote(on: a.id) { id, t in Make.note(id, on: t.id, "late") }
        }
        let n4 = try await store.insertNote(on: b.id) { id, t in Make.note(id, on: t.id, "four") }
        #expect(n4.id == NoteID(4), "note IDs are never reused")
        #expect(try await store.notes(on: b.id) == [n2, n4])
    }

    static func ticketQueries(_ kind: StoreUnderTest) async throws {
        let store = try await kind.make()
        var tickets: [Ticket] = []
        for i in 0..<150 {
            tickets.append(
                try await store.insertTicket(for: CustomerID(i % 2 + 1)) { id, _ in
                    Make.ticket(
                        id, customer: CustomerID(i % 2 + 1), subject: i % 10 == 0 ? "Alpha \(i)" : "Beta \(i)",
                        status: TicketStatus.allCases[i % 5], priority: Priority.allCases[i % 4],
                        assignee: i % 3 == 0 ? nil : "agent", tags: i % 4 == 0 ? ["even4"] : [])
                })
        }
        func check(_ query: TicketQuery, sourceLocation: SourceLocation = #_sourceLocation) async throws {
            let matching = tickets.filter(query.matches)
            for (limit, offset) in [(1000, 0), (10, 0), (10, 5), (64, 64), (3, matching.count - 1), (5, matching.count), (1000, Int.max)] {
                var windowed = query
                windowed.limit = limit
                windowed.offset = max(0, offset)
                let page = try await store.tickets(windowed)
                #expect(page.total == matching.count, sourceLocation: sourceLocation)
                #expect(page.items == Array(matching.dropFirst(windowed.offset).prefix(limit)), sourceLocation: sourceLocation)
                #expect(page.limit == limit && page.offset == windowed.offset, sourceLocation: sourceLocation)
            }
        }
        try await check(TicketQuery())
        try await check(TicketQuery(customerID: CustomerID(2)))
        try await check(TicketQuery(status: .resolved))
        try await check(TicketQuery(priority: .urgent))
        try await check(TicketQuery(assignee: .some(nil)))
        try await check(TicketQuery(assignee: .some("agent")))
        try await check(TicketQuery(tag: "even4"))
        try await check(TicketQuery(search: "alpha"))
        try await check(TicketQuery(customerID: CustomerID(1), status: .open, priority: .normal))
        try await check(TicketQuery(customerID: CustomerID(1), assignee: .some(nil), tag: "even4", search: "beta"))
        try await check(TicketQuery(customerID: CustomerID(3)))
        #expect(tickets.filter(TicketQuery(search: "alpha").matches).count == 15)
    }

    static func auditQueries(_ kind: StoreUnderTest) async throws {
        let store = try await kind.make()
        for i in 0..<30 {
            _ = try await store.insertTicket(for: CustomerID(1)) { id, _ in Make.ticket(id, actor: i % 3 == 0 ? "agent" : "admin") }
        }
        for i in 0..<30 {
            _ = try await store.insertNote(on: TicketID(i % 5 + 1)) { id, t in
                Recorded(
                    Note(id: id, ticketID: t.id, author: "agent", text: "n\(i)", createdAt: t0),
                    audit: Make.record("note.add", "ticket/\(t.id)", actor: i % 2 == 0 ? "agent" : "admin", at: at(Int64(i))))
            }
        }
        let everything = try await allAudit(store)
        #expect(everything.count == 60)
        #expect(everything.map(\.id) == (1...60).map(AuditEventID.init))
        #expect(everything.last?.at == at(29), "the record's fields are kept")
        #expect(everything.last?.changes == ["x": FieldChange(.null, .int(1))])

        for query in [
            AuditQuery(), AuditQuery(actor: "agent"), AuditQuery(actor: "admin"), AuditQuery(entity: "ticket/1"),
            AuditQuery(entity: "ticket/3", actor: "agent"), AuditQuery(actor: "agent", entity: "ticket/2"),
            AuditQuery(actor: "ghost"), AuditQuery(entity: "customer/1"),
        ] {
            let matching = everything.filter(query.matches)
            for (limit, offset) in [(100, 0), (7, 0), (7, 7), (1, matching.count - 1), (10, matching.count + 5), (1000, Int.max)] {
                var windowed = query
                windowed.limit = limit
                windowed.offset = max(0, offset)
                let page = try await store.auditEvents(windowed)
                #expect(page.total == matching.count, "\(query)")
                #expect(page.items == Array(matching.dropFirst(windowed.offset).prefix(limit)), "\(query)")
            }
        }
        #expect(everything.filter(AuditQuery(entity: "ticket/1").matches).count == 7)
    }
}

extension AuditQuery {
    fileprivate init(entity: String, actor: String) {
        self.init(actor: actor, entity: entity)
    }
}

extension StoreChecks {
    static let checks: [StoreContractCheck] = [
        StoreContractCheck(
            "seeded accounts: agent and admin with hashed tokens",
            seededAccounts),
        StoreContractCheck(
            "seeded customers Jane and John, stamped at the seed time, and no tickets or events",
            seededCustomers),
        StoreContractCheck(
            "customer insert, update and delete; IDs sequential and never reused",
            customerLifecycle),
        StoreContractCheck(
            "a throwing closure leaves nothing written",
            throwingClosures),
        StoreContractCheck(
            "tickets: insert sees the customer or nil; update, nil change, delete; IDs never reused",
            ticketLifecycle),
        StoreContractCheck(
            "deleteCustomer's check sees the live ticket count",
            ticketCountForDelete),
        StoreContractCheck(
            "notes: sequential IDs across tickets, oldest first, unknown ticket is notFound, deleted with their ticket",
            notes),
        StoreContractCheck(
            "tickets(query): filters, paging and totals",
            ticketQueries),
        StoreContractCheck(
            "auditEvents: oldest first, filters by actor and entity, paging and totals",
            auditQueries),
    ]
}
