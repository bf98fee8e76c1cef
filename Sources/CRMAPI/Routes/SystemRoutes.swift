import CRMDomain
import Hummingbird

/// `GET /health` and `GET /api/me`.
struct SystemRoutes: Sendable {
    let service: CRMService

    /// The `GET /health` body.
    private static let healthy = Array(#"{"status":"ok"}"#.utf8)

    var routes: [APIRoute] {
        [
            APIRoute(.get, "/health", "Liveness check", access: .open, response: "Health", handler: Self.health),
            APIRoute(.get, "/api/me", "Who the token belongs to", access: .anyCaller, response: "Me", handler: self.me),
        ]
    }

    @Sendable static func health(_ call: APIRoute.Call) async throws -> Response {
        JSONResponse.make(bytes: Self.healthy)
    }

    @Sendable func me(_ call: APIRoute.Call) async throws -> Response {
        JSONResponse.make(
            body: Me(
                user: call.caller.principal.name, role: call.caller.principal.user?.role.rawValue,
                permissions: self.service.permissions(of: call.caller).map(\.rawValue).sorted()))
    }
}
