import CRMDomain
import CRMTestSupport
import Testing

/// 60 tickets with deterministic, varied attributes, and the test's own model of them.
struct TicketCorpus {
    let world: World
    /// The tickets as the test believes they are, by ID.
    var model: [TicketID: Ticket]

    static let count = 60

    static func make(deleting: Bool = false) async throws -> TicketCorpus {
        let world = try await World.make()
        var model: [TicketID: Ticket] = [:]
        for i in 0..<count {
            let subject =
                i % 7 == 0 ? "Printer jam #\(i)" : i % 11 == 0 ? "PRINTER offline \(i)" : "Issue number \(i)"
            let description = i % 5 == 0 ? "The printer in room \(i)" : i % 13 == 0 ? "Wi-Fi drops" : ""
            var tags: [String] = []
            if i % 2 == 0 { tags.append("billing") }
            if i % 3 == 0 { tags.append("vip") }
            if i % 5 == 0 { tags.append("network") }
            let assignee: AssigneeSelector = [.nobody, .user("agent"), .user("admin")][(i / 2) % 3]
            let ticket = try await world.service.createTicket(
                NewTicket(
                    customerID: CustomerID(i % 3 == 0 ? 2 : 1), subject: subject, description: description,
                    priority: Priority.allCases[i % 4], assignee: assignee, tags: tags),
                by: i % 2 == 0 ? world.agent : world.admin)
            #expect(ticket.id == TicketID(i + 1))
            model[ticket.id] = ticket
        }
        // Moves that shift tickets between indexes after creation.
        for i in 0..<count {
            let id = TicketID(i + 1)
            let status = TicketStatus.allCases[(i / 3) % 5]
            if status != .open {
                model[id] = try await world.service.updateTicket(id, TicketChanges(status: status), by: world.admin)
            }
            if i % 6 == 0 {
                model[id] = try await world.service.updateTicket(
                    id, TicketChanges(priority: .urgent, assignee: .nobody, addTags: ["moved"], removeTags: ["billing"]),
                    by: world.agent)
            }
        }
        if deleting {
            for i in stride(from: 1, to: count, by: 4) {
                try await world.service.deleteTicket(TicketID(i + 1), by: world.admin)
                model[TicketID(i + 1)] = nil
            }
        }
        return TicketCorpus(world: world, model: model)
    }

    /// The brute-force answer: every modelled ticket passing every filter, by ascending ID.
    func expected(_ filter: TicketFilter, me: String?) -> [Ticket] {
        self.model.values.sorted { $0.id < $1.id }.filter { ticket in
            if let customerID = filter.customerID, ticket.customerID != customerID { return false }
            if let status = filter.status, ticket.status != status { return false }
            if let priority = filter.priority, ticket.priority != priority { return false }
            switch filter.assignee {
            case nil: break
            case .nobody?: if ticket.assignee != nil { return false }
            case .me?: if ticket.assignee != me { return false }
            case .user(let name)?: if ticket.assignee != name { return false }
            }
            if let tag = filter.tag, !ticket.tags.contains(tag.lowercased()) { return false }
            if let search = filter.search, !search.isEmpty {
                let needle = search.lowercased()
                return ticket.subject.lowercased().contains(needle) || ticket.description.lowercased().contains(needle)
            }
            return true
        }
    }
}

struct FilterCase: Sendable, CustomTestStringConvertible {
    let name: String
    let filter: TicketFilter
    let who: Who

    init(_ name: String, _ filter: TicketFilter, as who: Who = .agent) {
        self.name = name
        self.filter = filter
        self.who = who
    }

    var testDescription: String { "\(self.name) as \(self.who.rawValue)" }

    static let all: [FilterCase] = [
        FilterCase("no filter", TicketFilter()),
        FilterCase("no filter", TicketFilter(), as: .anonymous),
        FilterCase("customer 1", TicketFilter(customerID: CustomerID(1))),
        FilterCase("customer 2", TicketFilter(customerID: CustomerID(2))),
        FilterCase("customer 99", TicketFilter(customerID: CustomerID(99))),
    ] + TicketStatus.allCases.map { FilterCase("status \($0.rawValue)", TicketFilter(status: $0)) }
        + Priority.allCases.map { FilterCase("priority \($0.rawValue)", TicketFilter(priority: $0)) }
        + [
            FilterCase("assignee agent", TicketFilter(assignee: .user("agent"))),
            FilterCase("assignee admin", TicketFilter(assignee: .user("admin"))),
            FilterCase("assignee ghost", TicketFilter(assignee: .user("ghost"))),
            FilterCase("assignee none", TicketFilter(assignee: .nobody)),
            FilterCase("assignee me", TicketFilter(assignee: .me), as: .agent),
            FilterCase("assignee me", TicketFilter(assignee: .me), as: .admin),
            FilterCase("tag billing", TicketFilter(tag: "billing")),
            FilterCase("tag vip", TicketFilter(tag: "vip")),
            FilterCase("tag moved", TicketFilter(tag: "moved")),
            FilterCase("tag Network (case)", TicketFilter(tag: "Network")),
            FilterCase("tag unused", TicketFilter(tag: "unused")),
            FilterCase("search printer", TicketFilter(search: "printer")),
            FilterCase("search PRINTER", TicketFilter(search: "PRINTER")),
            FilterCase("search PrInTeR", TicketFilter(search: "PrInTeR"), as: .anonymous),
            FilterCase("search in description only", TicketFilter(search: "wi-fi")),
            FilterCase("search 'room 1'", TicketFilter(search: "room 1")),
            FilterCase("search 'jam #1'", TicketFilter(search: "jam #1")),
            FilterCase("search no match", TicketFilter(search: "zzz")),
            FilterCase("search empty", TicketFilter(search: "")),
            FilterCase("customer+status", TicketFilter(customerID: CustomerID(1), status: .open)),
            FilterCase("priority+tag", TicketFilter(priority: .urgent, tag: "moved")),
            FilterCase("priority+tag disjoint", TicketFilter(priority: .low, tag: "moved")),
            FilterCase("assignee me+search", TicketFilter(assignee: .me, search: "printer"), as: .admin),
            FilterCase("status+tag+customer", TicketFilter(customerID: CustomerID(2), status: .pending, tag: "vip")),
            FilterCase("tag+tag-ish search", TicketFilter(tag: "billing", search: "issue")),
            FilterCase(
                "everything",
                TicketFilter(
                    customerID: CustomerID(1), status: .inProgress, priority: .high, assignee: .nobody, tag: "billing",
                    search: "issue")),
            FilterCase(
                "everything but search",
                TicketFilter(customerID: CustomerID(2), status: .open, priority: .low, assignee: .user("admin"), tag: "vip")),
        ]
}

@Suite("Ticket listing: filters, totals and paging")
struct TicketListTests {
    @Test("the corpus the store holds is the test's model")
    func corpusMatchesStore() async throws {
        let corpus = try await TicketCorpus.make()
        for (id, ticket) in corpus.model {
            #expect(try await corpus.world.service.ticket(id, by: corpus.world.anonymous) == ticket)
        }
        let page = try await corpus.world.service.listTickets(TicketFilter(), PageRequest(limit: 1000), by: corpus.world.agent)
        #expect(page.total == TicketCorpus.count)
        #expect(page.items == corpus.model.values.sorted { $0.id < $1.id })
        // Every filter value is represented, so the filter tests below are not vacuous.
        #expect(Set(page.items.map(\.status)) == Set(TicketStatus.allCases))
        #expect(Set(page.items.map(\.priority)) == Set(Priority.allCases))
        #expect(Set(page.items.map(\.assignee)) == [nil, "agent", "admin"])
    }

    @Test("every filter, alone and combined, matches brute force on every page", arguments: FilterCase.all, [false, true])
    func filter(_ filterCase: FilterCase, afterDeletes: Bool) async throws {
        let corpus = try await TicketCorpus.make(deleting: afterDeletes)
        let caller = corpus.world.caller(filterCase.who)
        let expected = corpus.expected(filterCase.filter, me: caller.principal.user?.name)

        let whole = try await corpus.world.service.listTickets(filterCase.filter, PageRequest(limit: 1000), by: caller)
        #expect(whole.total == expected.count)
        #expect(whole.items.map(\.id) == expected.map(\.id))
        #expect(whole.items == expected)

        for limit in [1, 4, 7, 25] {
            var collected: [Ticket] = []
            var offset = 0
            repeat {
                let page = try await corpus.world.service.listTickets(
                    filterCase.filter, PageRequest(limit: limit, offset: offset), by: caller)
                #expect(page.total == expected.count)
                #expect(page.limit == limit && page.offset == offset)
                #expect(page.items.count == min(limit, max(0, expected.count - offset)))
                #expect(page.items.map(\.id) == page.items.map(\.id).sorted(), "ascending IDs")
                collected += page.items
                offset += limit
            } while offset < expected.count
            #expect(collected == expected, "limit \(limit)")
        }
        let beyond = try await corpus.world.service.listTickets(
            filterCase.filter, PageRequest(limit: 5, offset: expected.count + 3), by: caller)
        #expect(beyond.items.isEmpty)
        #expect(beyond.total == expected.count)
    }

    @Test("limit/offset windows", arguments: [(1, 0), (1, 59), (10, 0), (10, 55), (60, 0), (100, 0), (7, 13), (3, 60), (1000, 30)])
    func windows(limit: Int, offset: Int) async throws {
        let corpus = try await TicketCorpus.make()
        let all = corpus.expected(TicketFilter(), me: nil)
        let page = try await corpus.world.service.listTickets(
            TicketFilter(), PageRequest(limit: limit, offset: offset), by: corpus.world.agent)
        #expect(page.total == 60)
        #expect(page.items == Array(all.dropFirst(offset).prefix(limit)))
        let searched = corpus.expected(TicketFilter(search: "printer"), me: nil)
        let searchPage = try await corpus.world.service.listTickets(
            TicketFilter(search: "printer"), PageRequest(limit: limit, offset: offset), by: corpus.world.agent)
        #expect(searchPage.total == searched.count)
        #expect(searchPage.items == Array(searched.dropFirst(offset).prefix(limit)))
    }

    @Test("the default page is 100 tickets")
    func defaultPage() async throws {
        let world = try await World.make()
        for i in 0..<105 { try await world.ticket("T\(i)") }
        let page = try await world.service.listTickets(by: world.agent)
        #expect(page.items.count == 100)
        #expect(page.total == 105)
        #expect(page.items.first?.id == TicketID(1) && page.items.last?.id == TicketID(100))
    }

    @Test("'me' needs a logged-in caller")
    func meNeedsLogin() async throws {
        let world = try await World.make()
        await expectValidation(field: "assignee") {
            _ = try await world.service.listTickets(TicketFilter(assignee: .me), by: world.anonymous)
        }
    }

    @Test("deleted tickets disappear from lists, indexes and lookups; their IDs are not reused")
    func deletedTickets() async throws {
        let corpus = try await TicketCorpus.make(deleting: true)
        let world = corpus.world
        let deleted = TicketID(2)  // i = 1: customer 1, priority normal, assignee nobody, status open
        #expect(corpus.model[deleted] == nil)
        await expectError(.notFound(entity: "ticket/2")) { _ = try await world.service.ticket(deleted, by: world.agent) }
        await expectError(.notFound(entity: "ticket/2")) { _ = try await world.service.notes(on: deleted, by: world.agent) }
        await expectError(.notFound(entity: "ticket/2")) {
            _ = try await world.service.updateTicket(deleted, TicketChanges(priority: .high), by: world.agent)
        }
        await expectError(.notFound(entity: "ticket/2")) { try await world.service.deleteTicket(deleted, by: world.admin) }

        let all = try await world.service.listTickets(TicketFilter(), PageRequest(limit: 1000), by: world.agent)
        #expect(all.total == corpus.model.count)
        #expect(all.total == 45)
        #expect(!all.items.contains { $0.id == deleted })
        for filter in [
            TicketFilter(customerID: CustomerID(1)), TicketFilter(status: .open), TicketFilter(priority: .normal),
            TicketFilter(assignee: .nobody), TicketFilter(search: "issue"),
        ] {
            let page = try await world.service.listTickets(filter, PageRequest(limit: 1000), by: world.agent)
            #expect(!page.items.contains { $0.id == deleted }, "\(filter)")
            #expect(page.total == corpus.expected(filter, me: nil).count, "\(filter)")
        }

        let next = try await world.ticket("After deletes")
        #expect(next.id == TicketID(TicketCorpus.count + 1))
    }

    @Test("a deleted customer's last ticket frees it for deletion; the customer leaves the list")
    func deleteCustomerAfterTickets() async throws {
        let world = try await World.make()
        let ticket = try await world.ticket(customer: 2)
        await expectError(.conflict(entity: "customer/2", reason: .hasDependants(count: 1, noun: "ticket"))) {
            try await world.service.deleteCustomer(CustomerID(2), by: world.admin)
        }
        try await world.service.deleteTicket(ticket.id, by: world.admin)
        try await world.service.deleteCustomer(CustomerID(2), by: world.admin)
        let customers = try await world.service.listCustomers(by: world.agent)
        #expect(customers.items.map(\.id) == [CustomerID(1)])
        #expect(customers.total == 1)
        await expectError(.notFound(entity: "customer/2")) { _ = try await world.service.customer(CustomerID(2), by: world.agent) }
        await expectError(.notFound(entity: "customer/2")) {
            _ = try await world.service.createTicket(NewTicket(customerID: CustomerID(2), subject: "x"), by: world.agent)
        }
        let next = try await world.service.createCustomer(NewCustomer(name: "New", email: "new@example.com"), by: world.agent)
        #expect(next.id == CustomerID(3))
    }
}
