import CRMDomain
import HTTPTypes
import Hummingbird

/// `GET|POST /api/tokens` and `GET|DELETE /api/tokens/{id}` (`token.own`; another user's with `user.manage`).
/// Another user's token is 404 to a caller who may not manage it, exactly like one that does not exist.
struct TokenRoutes: Sendable {
    let service: CRMService

    var routes: [APIRoute] {
        [
            APIRoute(
                .get, "/api/tokens", "List tokens (yours; with user.manage another user's or all); never a secret",
                access: .permission(.tokenOwn), query: [.user, .all, .limit, .offset], response: "[Token]",
                handler: self.list),
            APIRoute(
                .post, "/api/tokens", "Create a token; the answer's `token` is the secret, shown only this once",
                access: .permission(.tokenOwn), body: "TokenCreate", status: 201, response: "NewToken",
                handler: self.create),
            APIRoute(.get, "/api/tokens/:id", "One token", access: .permission(.tokenOwn), response: "Token", handler: self.show),
            APIRoute(
                .delete, "/api/tokens/:id", "Revoke a token at once", access: .permission(.tokenOwn), status: 204,
                response: nil, handler: self.revoke),
        ]
    }

    @Sendable func list(_ call: APIRoute.Call) async throws -> Response {
        let query = call.query
        let page = try await self.service.listTokens(
            user: query.value("user"), all: try query.flag("all"), try query.page(), by: call.caller)
        return JSONResponse.page(page)
    }

    @Sendable func create(_ call: APIRoute.Call) async throws -> Response {
        let issued = try await self.service.createToken(try await call.body(NewToken.self), by: call.caller)
        return JSONResponse.created(issued, at: "/api/tokens/\(issued.token.id)")
    }

    @Sendable func show(_ call: APIRoute.Call) async throws -> Response {
        let id = try PathID<Token>(call.context, entity: "token").id
        return JSONResponse.make(body: try await self.service.token(id, by: call.caller))
    }

    @Sendable func revoke(_ call: APIRoute.Call) async throws -> Response {
        let id = try PathID<Token>(call.context, entity: "token").id
        _ = try await self.service.revokeToken(id, by: call.caller)
        return Response(status: .noContent)
    }
}
