import CRMDomain
import HTTPTypes
import Hummingbird

/// `GET|POST /api/users` and `GET|PATCH /api/users/{name}` (`user.manage`).
struct UserRoutes: Sendable {
    let service: CRMService

    var routes: [APIRoute] {
        [
            APIRoute(
                .get, "/api/users", "List users by name", access: .permission(.userManage), query: [.limit, .offset],
                response: "[User]", handler: self.list),
            APIRoute(
                .post, "/api/users", "Add a user", access: .permission(.userManage), body: "UserCreate", status: 201,
                response: "User", handler: self.create),
            APIRoute(.get, "/api/users/:name", "One user", access: .permission(.userManage), response: "User", handler: self.show),
            APIRoute(
                .patch, "/api/users/:name", "Change a user's role or display name, or disable (enable) them",
                access: .permission(.userManage), body: "UserPatch", response: "User", handler: self.update),
        ]
    }

    @Sendable func list(_ call: APIRoute.Call) async throws -> Response {
        JSONResponse.page(try await self.service.listUsers(try call.query.page(), by: call.caller))
    }

    @Sendable func create(_ call: APIRoute.Call) async throws -> Response {
        let user = try await self.service.createUser(try await call.body(NewUser.self), by: call.caller)
        return JSONResponse.created(user, at: "/api/users/\(user.name)")
    }

    @Sendable func show(_ call: APIRoute.Call) async throws -> Response {
        JSONResponse.make(body: try await self.service.user(named: Self.name(call), by: call.caller))
    }

    @Sendable func update(_ call: APIRoute.Call) async throws -> Response {
        let name = Self.name(call)
        let changes = try await call.body(UserChanges.self)
        return JSONResponse.make(body: try await self.service.updateUser(named: name, changes, by: call.caller))
    }

    /// The `{name}` of the path, as sent (the domain validates it).
    private static func name(_ call: APIRoute.Call) -> String {
        call.context.parameters.get("name") ?? ""
    }
}
