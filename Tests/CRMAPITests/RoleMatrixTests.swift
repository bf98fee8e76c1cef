import CRMAPI
import CRMDomain
import CRMTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import Testing

/// Who may call what over HTTP, checked against the domain's permission table: the expected status of every
/// (caller, route) pair is computed with `AccessPolicy.allows`, so the HTTP layer cannot drift from the domain.
@Suite("Role matrix")
struct RoleMatrixTests {
    /// A caller: a kind of principal under a policy (`CRM_PUBLIC_TICKETS` on or off).
    struct Caller: Sendable, CustomTestStringConvertible {
        let who: Who
        let publicTickets: Bool

        static let all: [Caller] = [true, false].flatMap { publicTickets in
            Who.allCases.map { Caller(who: $0, publicTickets: publicTickets) }
        }

        var policy: AccessPolicy { AccessPolicy(publicTickets: self.publicTickets) }
        var testDescription: String { "\(self.who.rawValue)\(self.publicTickets ? "" : " (private tickets)")" }
    }

    /// One route call with the permissions it needs and its status on success.
    struct RouteCase: Sendable, CustomTestStringConvertible {
        /// The call, without a token.
        let request: Req
        /// Every one of these is needed; empty for public routes.
        let permissions: [Permission]
        let success: Int

        init(
            _ method: HTTPRequest.Method, _ path: String, _ json: String? = nil, needs permissions: [Permission],
            success: Int = 200
        ) {
            self.request = Req(method, path, json: json)
            self.permissions = permissions
            self.success = success
        }

        /// Whether a success records an audit event.
        var mutates: Bool { self.request.method != .get }

        var testDescription: String { "\(self.request.method) \(self.request.path)" }

        /// Set up by `world(for:)`: ticket 1 open with a note, ticket 2 closed, customer 3 without tickets.
        static let all: [RouteCase] = [
            RouteCase(.get, "/health", needs: []),
            RouteCase(.get, "/openapi.json", needs: []),
            RouteCase(.get, "/api/me", needs: []),
            RouteCase(.get, "/api/customers", needs: [.customerRead]),
            RouteCase(
                .post, "/api/customers", #"{"name": "Ada", "email": "ada@example.com"}"#, needs: [.customerWrite],
                success: 201),
            RouteCase(.get, "/api/customers/1", needs: [.customerRead]),
            RouteCase(.get, "/api/customers/1/", needs: [.customerRead]),
            RouteCase(.patch, "/api/customers/1", #"{"company": "Acme"}"#, needs: [.customerWrite]),
            RouteCase(.delete, "/api/customers/3", needs: [.customerDelete], success: 204),
            RouteCase(.get, "/api/tickets", needs: [.ticketRead]),
            RouteCase(.get, "/api/tickets/?customer_id=1", needs: [.ticketRead]),
            RouteCase(.get, "/api/tickets/1", needs: [.ticketRead]),
            RouteCase(
                .post, "/api/tickets/", #"{"customer_id": 1, "subject": "s", "description": "d"}"#,
                needs: [.ticketCreate]),
            RouteCase(.patch, "/api/tickets/1", #"{"status": "in_progress"}"#, needs: [.ticketUpdate]),
            RouteCase(.patch, "/api/tickets/2", #"{"status": "open"}"#, needs: [.ticketUpdate, .ticketReopenClosed]),
            RouteCase(.delete, "/api/tickets/1", needs: [.ticketDelete], success: 204),
            RouteCase(.get, "/api/tickets/1/notes", needs: [.noteRead]),
            RouteCase(.post, "/api/tickets/1/notes", #"{"text": "hi"}"#, needs: [.noteWrite], success: 201),
            RouteCase(.post, "/api/notes/1", #"{"text": "hi"}"#, needs: [.noteWrite]),
            RouteCase(.get, "/api/tickets/1/history", needs: [.ticketHistory]),
            RouteCase(.get, "/api/audit", needs: [.auditRead]),
            RouteCase(.get, "/api/users", needs: [.userManage]),
            RouteCase(.post, "/api/users", #"{"name": "carol", "role": "agent"}"#, needs: [.userManage], success: 201),
            RouteCase(.get, "/api/users/bob", needs: [.userManage]),
            RouteCase(.patch, "/api/users/bob", #"{"display_name": "Robert"}"#, needs: [.userManage]),
            RouteCase(.get, "/api/tokens", needs: [.tokenOwn]),
            RouteCase(.get, "/api/tokens?user=bob", needs: [.tokenOwn, .userManage]),
            RouteCase(.get, "/api/tokens?all=1", needs: [.tokenOwn, .userManage]),
            RouteCase(.post, "/api/tokens", #"{"label": "laptop"}"#, needs: [.tokenOwn], success: 201),
            RouteCase(.post, "/api/tokens", #"{"user": "bob"}"#, needs: [.tokenOwn, .userManage], success: 201),
            RouteCase(.get, "/api/tokens/1", needs: [.tokenOwn]),
            RouteCase(.delete, "/api/tokens/1", needs: [.tokenOwn], success: 204),
        ]
    }

    static func world(publicTickets: Bool) async throws -> APIWorld {
        let world = try await APIWorld.make(publicTickets: publicTickets)
        let one = try await world.ticket("Open one")
        _ = try await world.service.addNote(to: one.id, text: "first", by: world.admin)
        let two = try await world.ticket("Closed one")
        _ = try await world.service.updateTicket(two.id, TicketChanges(status: .closed), by: world.admin)
        _ = try await world.service.createCustomer(
            NewCustomer(name: "No Tickets", email: "none@example.com"), by: world.admin)
        _ = try await world.service.createUser(NewUser(name: "bob", role: .agent), by: world.admin)
        _ = try await world.service.createToken(NewToken(user: "bob"), by: world.admin)
        return world
    }

    /// The route's request (with its JSON body) sent with `token`.
    static func send(_ route: RouteCase, token: String?, to world: APIWorld) async throws -> Reply {
        try await world.test { api in
            try await api.send(route.request.withToken(token))
        }
    }

    /// What a token that does not work gets: on a public route it is ignored and the caller is anonymous, as in
    /// the original; on any other, 403 `unauthenticated`.
    static func expectIgnoredOrUnauthenticated(_ reply: Reply, _ route: RouteCase) {
        if route.isPublic {
            #expect(reply.status == route.success, "\(reply)")
        } else {
            #expect(reply.status == 403, "\(reply)")
            #expect(reply.errorCode == "unauthenticated", "\(reply)")
        }
    }

    @Test("status follows the domain permission table", arguments: Caller.all, RouteCase.all)
    func matrix(caller: Caller, route: RouteCase) async throws {
        let world = try await Self.world(publicTickets: caller.publicTickets)
        let allowed = route.permissions.allSatisfy { caller.policy.allows(caller.who.principal, $0) }
        let auditBefore = try await world.auditEvents()
        let ticketsBefore = try await world.tickets()
        let reply = try await Self.send(route, token: caller.who.token, to: world)
        #expect(reply.header("X-Process-Time-ms") != nil)
        if allowed {
            #expect(reply.status == route.success, "\(reply)")
            if route.mutates {
                #expect(try await world.auditEvents().count == auditBefore.count + 1)
                #expect(try await world.auditEvents().last?.via == .http)
                #expect(try await world.auditEvents().last?.actor == caller.who.principal.name)
            }
        } else {
            #expect(reply.status == 403, "\(reply)")
            #expect(reply.errorCode == "forbidden", "\(reply)")
            #expect(reply.hasErrorShape, "\(reply)")
            let role = caller.who.principal.user?.role.rawValue ?? "None"
            #expect(reply.detail == "Forbidden: role '\(role)' unauthorized", "\(reply)")
            let missing = try #require(route.permissions.first { !caller.policy.allows(caller.who.principal, $0) })
            #expect(reply.errorMessage?.contains(missing.rawValue) == true, "\(reply)")
            // Denied: nothing changed, nothing recorded.
            #expect(try await world.auditEvents() == auditBefore)
            #expect(try await world.tickets() == ticketsBefore)
        }
    }

    @Test("a token that matches no user is 403 on every route that needs a permission", arguments: RouteCase.all)
    func badToken(route: RouteCase) async throws {
        let world = try await Self.world(publicTickets: true)
        let reply = try await Self.send(route, token: "not-a-token", to: world)
        Self.expectIgnoredOrUnauthenticated(reply, route)
        if !route.isPublic {
            #expect(reply.detail == "Forbidden: role 'None' unauthorized", "\(reply)")
            #expect(reply.errorMessage?.contains("not-a-token") == false)
        }
    }

    @Test("a disabled user's token is 403 on every protected route; a public one serves it as anonymous",
          arguments: RouteCase.all)
    func disabledUser(route: RouteCase) async throws {
        let world = try await Self.world(publicTickets: true)
        _ = try await world.service.updateUser(named: "agent", UserChanges(disabled: true), by: world.admin)
        let auditBefore = try await world.auditEvents()
        // A token that no longer works is a bad token.
        let reply = try await Self.send(route, token: "agent123", to: world)
        Self.expectIgnoredOrUnauthenticated(reply, route)
        #expect(try await world.auditEvents() == auditBefore)
    }

    @Test("GET /api/me lists exactly the policy's permissions", arguments: Caller.all)
    func mePermissions(caller: Caller) async throws {
        let world = try await APIWorld.make(publicTickets: caller.publicTickets)
        let reply = try await world.test { api in try await api.get("/api/me", token: caller.who.token) }
        let expected = caller.policy.permissions(of: caller.who.principal).map(\.rawValue).sorted()
        #expect((reply.object?["permissions"] as? [String]) == expected)
    }
}

extension RoleMatrixTests.RouteCase {
    /// Whether an anonymous caller may use the route (with public tickets), so a bad token on it is ignored.
    var isPublic: Bool {
        self.request.path != "/api/me"
            && self.permissions.allSatisfy { AccessPolicy(publicTickets: true).allows(.anonymous, $0) }
    }
}
