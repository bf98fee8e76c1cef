import CRMDomain
import CRMTestSupport
import Testing

/// Customers carry a version like tickets: 1 at creation, +1 per change, checked atomically against an expected
/// version; and a delete blocked by tickets is a conflict of its own kind. On every store.
struct CustomerVersionChecks {
    static func service(_ kind: StoreUnderTest) async throws -> (CRMService, Caller, Caller) {
        let service = CRMService(store: try await kind.make(), clock: SteppingClock(start: t0))
        return (
            service, try await service.login(token: "agent123", via: .shell),
            try await service.login(token: "admin123", via: .shell)
        )
    }

    static func versions(_ kind: StoreUnderTest) async throws {
        let (service, agent, _) = try await self.service(kind)
        #expect(try await service.customer(CustomerID(1), by: agent).version == 1, "seeded customers start at 1")
        let created = try await service.createCustomer(NewCustomer(name: "Ada", email: "ada@example.com"), by: agent)
        #expect(created.version == 1)
        let renamed = try await service.updateCustomer(created.id, CustomerChanges(name: "Ada L."), by: agent)
        #expect(renamed.version == 2)
        let same = try await service.updateCustomer(created.id, CustomerChanges(name: "Ada L."), by: agent)
        #expect(same.version == 2)
        let moved = try await service.updateCustomer(
            created.id, CustomerChanges(company: .some("Analytical"), expectedVersion: 2), by: agent)
        #expect(moved.version == 3)
        #expect(try await service.customer(created.id, by: agent) == moved, "the store keeps the version")
    }

    static func staleVersion(_ kind: StoreUnderTest) async throws {
        let (service, agent, _) = try await self.service(kind)
        _ = try await service.updateCustomer(CustomerID(2), CustomerChanges(name: "J. Smith"), by: agent)
        let before = try await service.auditLog(by: try await service.login(token: "admin123", via: .shell)).total
        for expected in [1, 3, 0, -1, Int.max, Int.min] {
            await expectError(.conflict(entity: "customer/2", reason: .staleVersion(expected: expected, current: 2))) {
                _ = try await service.updateCustomer(
                    CustomerID(2), CustomerChanges(name: "Stale", expectedVersion: expected), by: agent)
            }
        }
        let customer = try await service.customer(CustomerID(2), by: agent)
        #expect(customer.name == "J. Smith" && customer.version == 2)
        #expect(try await service.auditLog(by: try await service.login(token: "admin123", via: .shell)).total == before)
    }

    static func deleteBlockedByTickets(_ kind: StoreUnderTest) async throws {
        let (service, agent, admin) = try await self.service(kind)
        _ = try await service.createTicket(NewTicket(customerID: CustomerID(1), subject: "One"), by: agent)
        _ = try await service.createTicket(NewTicket(customerID: CustomerID(1), subject: "Two"), by: agent)
        await expectError(.conflict(entity: "customer/1", reason: .hasDependants(count: 2, noun: "ticket"))) {
            try await service.deleteCustomer(CustomerID(1), by: admin)
        }
        let error = CRMError.conflict(entity: "customer/1", reason: .hasDependants(count: 2, noun: "ticket"))
        #expect(error.code == "conflict")
        #expect(error.description == "customer/1 still has 2 tickets; delete them first")
        #expect(try await service.customer(CustomerID(1), by: agent).name == "Jane Doe")
    }
}

extension CustomerVersionChecks {
    static let checks: [StoreContractCheck] = [
        StoreContractCheck(
            "version 1 at creation, +1 per change, kept by a change that changes nothing",
            versions),
        StoreContractCheck(
            "a stale expected version is a conflict and changes nothing",
            staleVersion),
        StoreContractCheck(
            "deleting a customer who has tickets is a dependants conflict, not a validation error",
            deleteBlockedByTickets),
    ]
}
