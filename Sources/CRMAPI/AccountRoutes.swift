import CRMDomain
import HTTPTypes
import Hummingbird

/// The routes of users and tokens (DESIGN §6.2): `user.manage` for users, `token.own` for one's own tokens.
/// A token of another user is 404 to a caller who may not manage it, exactly like one that does not exist.
struct AccountRoutes: Sendable {
    let service: CRMService

    var all: [APIRoute] {
        [
            APIRoute(
                .get, "/api/users", "List users by name", access: .permission(.userManage), query: [.limit, .offset],
                response: "[User]"
            ) { call in
                let page = try await self.service.listUsers(try QueryParameters(call.request).page(), by: call.caller)
                return JSONResponse.make(headers: [.totalCount: String(page.total)], body: page.items)
            },
            APIRoute(
                .post, "/api/users", "Add a user", access: .permission(.userManage), body: "UserCreate", status: 201,
                response: "User"
            ) { call in
                let body = try await JSONBody.decode(UserCreateBody.self, from: call.request)
                let user = try await self.service.createUser(try body.input(), by: call.caller)
                return JSONResponse.make(status: .created, headers: [.location: "/api/users/\(user.name)"], body: user)
            },
            APIRoute(.get, "/api/users/:name", "One user", access: .permission(.userManage), response: "User") { call in
                JSONResponse.make(body: try await self.service.user(named: Self.name(call), by: call.caller))
            },
            APIRoute(
                .patch, "/api/users/:name", "Change a user's role or display name, or disable (enable) them",
                access: .permission(.userManage), body: "UserPatch", response: "User"
            ) { call in
                let name = Self.name(call)
                let body = try await JSONBody.decode(UserPatchBody.self, from: call.request)
                return JSONResponse.make(
                    body: try await self.service.updateUser(named: name, try body.changes(), by: call.caller))
            },
            APIRoute(
                .get, "/api/tokens", "List tokens (yours; with user.manage another user's or all); never a secret",
                access: .permission(.tokenOwn), query: [.user, .all, .limit, .offset], response: "[Token]"
            ) { call in
                let query = QueryParameters(call.request)
                let page = try await self.service.listTokens(
                    user: query["user"], all: try query.flag("all"), try query.page(), by: call.caller)
                return JSONResponse.make(headers: [.totalCount: String(page.total)], body: page.items)
            },
            APIRoute(
                .post, "/api/tokens", "Create a token; the answer's `token` is the secret, shown only this once",
                access: .permission(.tokenOwn), body: "TokenCreate", status: 201, response: "NewToken"
            ) { call in
                let body = try await JSONBody.decode(TokenCreateBody.self, from: call.request)
                let issued = try await self.service.createToken(body.input, by: call.caller)
                return JSONResponse.make(
                    status: .created, headers: [.location: "/api/tokens/\(issued.token.id)"], body: issued)
            },
            APIRoute(.get, "/api/tokens/:id", "One token", access: .permission(.tokenOwn), response: "Token") { call in
                let id = try PathID<Token>(call.context, entity: "token").id
                return JSONResponse.make(body: try await self.service.token(id, by: call.caller))
            },
            APIRoute(
                .delete, "/api/tokens/:id", "Revoke a token at once", access: .permission(.tokenOwn), status: 204,
                response: nil
            ) { call in
                let id = try PathID<Token>(call.context, entity: "token").id
                _ = try await self.service.revokeToken(id, by: call.caller)
                return Response(status: .noContent)
            },
        ]
    }

    /// The `{name}` of a user route, as sent (the domain validates it).
    private static func name(_ call: APIRoute.Call) -> String {
        call.context.parameters.get("name") ?? ""
    }
}

/// `POST /api/users`.
struct UserCreateBody: JSONBodyDecodable {
    let name: String
    let role: String
    let displayName: String?

    init(_ fields: JSONFields) throws(CRMError) {
        self.name = try fields.requiredString("name")
        self.role = try fields.requiredString("role")
        self.displayName = try fields.optionalString("display_name")
    }

    func input() throws(CRMError) -> NewUser {
        NewUser(name: self.name, role: try Role(validating: self.role), displayName: self.displayName)
    }
}

/// `PATCH /api/users/{name}`: absent or null fields stay.
struct UserPatchBody: JSONBodyDecodable {
    let role: String?
    let displayName: String?
    let disabled: Bool?

    init(_ fields: JSONFields) throws(CRMError) {
        self.role = try fields.optionalString("role")
        self.displayName = try fields.optionalString("display_name")
        self.disabled = try fields.optionalBool("disabled")
    }

    func changes() throws(CRMError) -> UserChanges {
        UserChanges(
            role: try self.role.map { (text) throws(CRMError) in try Role(validating: text) },
            displayName: self.displayName, disabled: self.disabled)
    }
}

/// `POST /api/tokens`.
struct TokenCreateBody: JSONBodyDecodable {
    let input: NewToken

    init(_ fields: JSONFields) throws(CRMError) {
        self.input = NewToken(
            user: try fields.optionalString("user"), label: try fields.optionalString("label"),
            expires: try fields.optionalString("expires"))
    }
}

extension JSONFields {
    /// A boolean, nil when absent or null.
    func optionalBool(_ key: String) throws(CRMError) -> Bool? {
        switch self.members[key] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        default: throw .validation(field: key, reason: "must be true or false")
        }
    }
}

extension QueryParameters {
    /// A switch: absent, `0` or `false` is off; empty, `1` or `true` is on; anything else is 422.
    func flag(_ name: String) throws -> Bool {
        guard let text = self.parameters.get(name) else { return false }
        switch text.lowercased() {
        case "", "1", "true": return true
        case "0", "false": return false
        default: throw APIError.validation(field: name, "must be true or false, got '\(text)'")
        }
    }
}
