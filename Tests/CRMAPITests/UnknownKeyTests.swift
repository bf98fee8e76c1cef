import CRMAPI
import CRMDomain
import CRMTestSupport
import Foundation
import Testing

/// Unknown JSON keys are never silently dropped (DESIGN §3.6): the new routes refuse every one; the original's write
/// routes ignore unknown keys as the original did (its own fields included) but refuse the fields crm added that they
/// do not take.
@Suite("Unknown JSON keys")
struct UnknownKeyTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let method: String
        let path: String
        let body: String
        let status: Int
        /// Text the error message must hold, when refused.
        let message: String
        var testDescription: String { "\(self.method) \(self.path) \(self.body)" }
    }

    static let cases: [Case] = [
        // New routes: every unknown key is refused, naming it and the accepted ones.
        Case(method: "POST", path: "/api/tokens", body: #"{"expires_at": "2030-01-01"}"#, status: 422,
             message: "expires_at: unknown field; accepted: user, label, expires"),
        Case(method: "POST", path: "/api/customers", body: #"{"name": "Ann", "email": "a@example.com", "phone": "1"}"#,
             status: 422, message: "phone: unknown field; accepted: name, email, company"),
        Case(method: "PATCH", path: "/api/customers/1", body: #"{"nickname": "J"}"#, status: 422,
             message: "nickname: unknown field"),
        Case(method: "POST", path: "/api/users", body: #"{"name": "zed", "role": "agent", "password": "x"}"#,
             status: 422, message: "password: unknown field; accepted: name, role, display_name"),
        Case(method: "PATCH", path: "/api/users/agent", body: #"{"display_name": "A", "email": "a@b.c"}"#,
             status: 422, message: "email: unknown field"),
        Case(method: "POST", path: "/api/tickets/1/notes", body: #"{"text": "hi", "author": "admin"}"#, status: 422,
             message: "author: unknown field; accepted: text"),
        // The original's routes: truly unknown keys are ignored, crm's own field names refused.
        Case(method: "POST", path: "/api/tickets/", body: #"{"customer_id": 1, "subject": "s", "foo": 1}"#,
             status: 200, message: ""),
        Case(method: "POST", path: "/api/tickets/", body: #"{"customer_id": 1, "subject": "s", "version": 3}"#,
             status: 422, message: "version: unknown field"),
        Case(method: "PATCH", path: "/api/tickets/1", body: #"{"subject": "new", "foo": 1}"#, status: 200, message: ""),
        Case(method: "PATCH", path: "/api/tickets/1", body: #"{"tags": ["a"]}"#, status: 422,
             message: "tags: unknown field; tags are changed with add_tags and remove_tags"),
        // A whole ticket of the original's sent back: its own fields are ignored, as the original did.
        Case(method: "PATCH", path: "/api/tickets/1",
             body: #"{"id": 1, "customer_id": 1, "subject": "new", "created_at": "2025-01-01T00:00:00Z"}"#,
             status: 200, message: ""),
        Case(method: "POST", path: "/api/tickets/", body: #"{"customer_id": 1, "subject": "s", "status": "closed"}"#,
             status: 200, message: ""),
        Case(method: "POST", path: "/api/notes/1", body: #"{"text": "hi", "foo": 1, "id": 9}"#, status: 200, message: ""),
        Case(method: "POST", path: "/api/notes/1", body: #"{"text": "hi", "author": "admin"}"#, status: 422,
             message: "author: unknown field; accepted: text"),
    ]

    @Test(arguments: cases)
    func unknownKey(_ row: Case) async throws {
        let world = try await APIWorld.make()
        _ = try await world.ticket()
        let before = try await world.auditEvents().count
        let reply = try await world.test { api in
            row.method == "PATCH"
                ? try await api.patch(row.path, row.body, token: Token.admin)
                : try await api.post(row.path, row.body, token: Token.admin)
        }
        #expect(reply.status == row.status, "\(reply)")
        if row.status == 422 {
            #expect(reply.errorMessage?.contains(row.message) == true, "\(reply)")
            #expect(try await world.auditEvents().count == before)
        }
    }

    @Test func openAPIClosesTheStrictBodies() async throws {
        let document = try await OpenAPITests.document(try await APIWorld.make())
        let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        for name in ["CustomerCreate", "CustomerPatch", "UserCreate", "UserPatch", "TokenCreate"] {
            #expect((schemas[name] as? [String: Any])?["additionalProperties"] as? Bool == false, "\(name)")
        }
        for name in ["TicketCreate", "TicketPatch"] {
            #expect((schemas[name] as? [String: Any])?["additionalProperties"] == nil, "\(name)")
        }
    }
}
