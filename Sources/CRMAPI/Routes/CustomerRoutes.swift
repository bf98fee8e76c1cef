import CRMDomain
import HTTPTypes
import Hummingbird

/// `/api/customers` and `/api/customers/{id}`.
struct CustomerRoutes: Sendable {
    let service: CRMService

    var routes: [APIRoute] {
        [
            APIRoute(
                .get, "/api/customers", "List customers", access: .permission(.customerRead),
                query: [.limit, .offset], response: "[Customer]", handler: self.list),
            APIRoute(
                .post, "/api/customers", "Create a customer", access: .permission(.customerWrite),
                body: "CustomerCreate", status: 201, response: "Customer", handler: self.create),
            APIRoute(
                .get, "/api/customers/:id", "One customer", access: .permission(.customerRead), response: "Customer",
                preconditions: .ifNoneMatch, handler: self.customer.show),
            APIRoute(
                .patch, "/api/customers/:id", "Change a customer; If-Match guards against stale versions",
                access: .permission(.customerWrite), body: "CustomerPatch", response: "Customer",
                preconditions: .ifMatch, handler: self.update),
            APIRoute(
                .delete, "/api/customers/:id", "Delete a customer without tickets; If-Match guards against stale versions",
                access: .permission(.customerDelete), status: 204, response: nil, preconditions: .ifMatch,
                handler: self.delete),
        ]
    }

    @Sendable func list(_ call: APIRoute.Call) async throws -> Response {
        JSONResponse.page(try await self.service.listCustomers(try call.query.page(), by: call.caller))
    }

    @Sendable func create(_ call: APIRoute.Call) async throws -> Response {
        let customer = try await self.service.createCustomer(try await call.body(NewCustomer.self), by: call.caller)
        return JSONResponse.created(
            customer, at: "/api/customers/\(customer.id)", headers: [.eTag: ETag.header(customer.version)])
    }

    private var customer: VersionedEntityRoutes<Customer> {
        VersionedEntityRoutes(name: "customer") { [service] id, caller in try await service.customer(id, by: caller) }
    }

    @Sendable func update(_ call: APIRoute.Call) async throws -> Response {
        try await self.customer.update(call, CustomerPatchBody.self) { id, body, expected in
            try await self.service.updateCustomer(id, body.changes(expectedVersion: expected), by: call.caller)
        }
    }

    @Sendable func delete(_ call: APIRoute.Call) async throws -> Response {
        try await self.customer.delete(call) { id, expected in
            try await self.service.deleteCustomer(id, expectedVersion: expected, by: call.caller)
        }
    }
}
