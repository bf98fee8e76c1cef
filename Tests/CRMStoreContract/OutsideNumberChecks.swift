import CRMDomain
import CRMTestSupport
import Testing

/// DESIGN §3.6: "IDs are positive 64-bit integers; anything else is not_found or a validation error, never
/// arithmetic on a client's number." Every use case, on every store, with the numbers a client may send.
struct OutsideNumberChecks {
    static let numbers = [0, -1, Int.min, Int.max, Int.min + 1, Int.max - 1, 1 << 40]

    struct UseCase: Sendable, CustomTestStringConvertible {
        let name: String
        /// What the call must fail with for ID `n`, or nil when it must succeed.
        let expected: @Sendable (Int) -> CRMError?
        let call: @Sendable (CRMService, Caller, Int) async throws -> Void

        var testDescription: String { self.name }
    }

    static func missingTicket(_ id: Int) -> CRMError { .notFound(entity: "ticket/\(id)") }
    static func missingCustomer(_ id: Int) -> CRMError { .notFound(entity: "customer/\(id)") }

    static let useCases: [UseCase] = [
        UseCase(name: "customer", expected: missingCustomer) { s, c, n in _ = try await s.customer(CustomerID(n), by: c) },
        UseCase(name: "updateCustomer", expected: missingCustomer) { s, c, n in
            _ = try await s.updateCustomer(CustomerID(n), CustomerChanges(name: "X"), by: c)
        },
        UseCase(name: "deleteCustomer", expected: missingCustomer) { s, c, n in try await s.deleteCustomer(CustomerID(n), by: c) },
        UseCase(
            name: "createTicket",
            expected: { .notFound(entity: "customer/\($0)") }
        ) { s, c, n in
            _ = try await s.createTicket(NewTicket(customerID: CustomerID(n), subject: "x"), by: c)
        },
        UseCase(name: "listTickets by customer", expected: { _ in nil }) { s, c, n in
            let page = try await s.listTickets(TicketFilter(customerID: CustomerID(n)), by: c)
            #expect(page.items.isEmpty && page.total == 0)
        },
        UseCase(name: "ticket", expected: missingTicket) { s, c, n in _ = try await s.ticket(TicketID(n), by: c) },
        UseCase(name: "updateTicket", expected: missingTicket) { s, c, n in
            _ = try await s.updateTicket(TicketID(n), TicketChanges(subject: "x"), by: c)
        },
        UseCase(name: "assignTicket", expected: missingTicket) { s, c, n in
            _ = try await s.assignTicket(TicketID(n), to: .me, by: c)
        },
        UseCase(name: "resolveTicket", expected: missingTicket) { s, c, n in _ = try await s.resolveTicket(TicketID(n), by: c) },
        UseCase(name: "closeTicket", expected: missingTicket) { s, c, n in _ = try await s.closeTicket(TicketID(n), by: c) },
        UseCase(name: "reopenTicket", expected: missingTicket) { s, c, n in _ = try await s.reopenTicket(TicketID(n), by: c) },
        UseCase(name: "deleteTicket", expected: missingTicket) { s, c, n in try await s.deleteTicket(TicketID(n), by: c) },
        UseCase(name: "addNote", expected: missingTicket) { s, c, n in
            _ = try await s.addNote(to: TicketID(n), text: "x", by: c)
        },
        UseCase(name: "notes", expected: missingTicket) { s, c, n in _ = try await s.notes(on: TicketID(n), by: c) },
        UseCase(name: "ticketHistory", expected: missingTicket) { s, c, n in _ = try await s.ticketHistory(TicketID(n), by: c) },
        UseCase(name: "auditLog by entity", expected: { _ in nil }) { s, c, n in
            let total = try await s.auditLog(entity: "ticket/\(n)", by: c).total
            #expect(total == 0)
        },
        UseCase(name: "stale ticket version", expected: { .conflict(entity: "ticket/1", reason: .staleVersion(expected: $0, current: 1)) }) {
            s, c, n in _ = try await s.updateTicket(TicketID(1), TicketChanges(subject: "x", expectedVersion: n), by: c)
        },
        UseCase(
            name: "stale customer version",
            expected: { .conflict(entity: "customer/1", reason: .staleVersion(expected: $0, current: 1)) }
        ) { s, c, n in
            _ = try await s.updateCustomer(CustomerID(1), CustomerChanges(name: "x", expectedVersion: n), by: c)
        },
    ]

    /// Each use case answers not_found, a validation error or an empty page, and changes nothing.
    static func ids(_ kind: StoreUnderTest, _ useCase: UseCase) async throws {
        let store = try await kind.make()
        let service = CRMService(store: store, clock: SteppingClock(start: t0))
        let admin = try await service.login(token: "admin123", via: .http)
        _ = try await service.createTicket(NewTicket(customerID: CustomerID(2), subject: "Existing"), by: admin)
        let before = try await store.auditEvents(AuditQuery(limit: 1000)).total
        for number in Self.numbers {
            do {
                try await useCase.call(service, admin, number)
                #expect(useCase.expected(number) == nil, "\(number) succeeded")
            } catch let error as CRMError {
                #expect(error == useCase.expected(number), "\(number)")
            }
        }
        #expect(try await store.auditEvents(AuditQuery(limit: 1000)).total == before)
        #expect(try await store.ticket(TicketID(1))?.subject == "Existing")
    }

    static func paging(_ kind: StoreUnderTest) async throws {
        let service = CRMService(store: try await kind.make(), clock: SteppingClock(start: t0))
        let admin = try await service.login(token: "admin123", via: .http)
        for limit in [0, -1, Int.min, Int.max, 1001] {
            await expectValidation(field: "limit") { _ = try await service.listTickets(TicketFilter(), PageRequest(limit: limit), by: admin) }
            await expectValidation(field: "limit") { _ = try await service.listCustomers(PageRequest(limit: limit), by: admin) }
            await expectValidation(field: "limit") { _ = try await service.auditLog(PageRequest(limit: limit), by: admin) }
            await expectValidation(field: "limit") {
                _ = try await service.ticketHistory(TicketID(1), PageRequest(limit: limit), by: admin)
            }
        }
        for offset in [-1, Int.min] {
            await expectValidation(field: "offset") {
                _ = try await service.listTickets(TicketFilter(search: "x"), PageRequest(offset: offset), by: admin)
            }
            await expectValidation(field: "offset") { _ = try await service.listCustomers(PageRequest(offset: offset), by: admin) }
            await expectValidation(field: "offset") { _ = try await service.auditLog(PageRequest(offset: offset), by: admin) }
        }
        for offset in [Int.max, Int.max - 1, 1 << 62] {
            #expect(try await service.listTickets(TicketFilter(), PageRequest(offset: offset), by: admin).items.isEmpty)
            #expect(try await service.listTickets(TicketFilter(search: "e"), PageRequest(offset: offset), by: admin).items.isEmpty)
            let customers = try await service.listCustomers(PageRequest(offset: offset), by: admin)
            #expect(customers.items.isEmpty && customers.total == 2)
            #expect(try await service.auditLog(actor: "admin", PageRequest(offset: offset), by: admin).items.isEmpty)
            #expect(try await service.auditLog(PageRequest(offset: offset), by: admin).items.isEmpty)
        }
    }
}

extension OutsideNumberChecks {
    static let checks: [StoreContractCheck] =
        useCases.map { useCase in
            StoreContractCheck("numbers from outside: \(useCase.name)") { try await ids($0, useCase) }
        } + [
        StoreContractCheck(
            "paging: limit and offset out of range are validation errors; a huge offset is an empty page",
            paging),
    ]
}
