import CRMDomain
import Hummingbird

/// One route of the API as data: registration, the 405 `Allow` answers and the OpenAPI document all read it,
/// so nothing is served that is not described.
struct APIRoute: Sendable {
    /// Who may call it. The caller is resolved, and the permission checked by the domain's policy, before the
    /// handler reads the path, query, headers or body: an anonymous caller gets 403 whatever else is wrong.
    enum Access: Sendable {
        /// No caller at all (`/health`): the `Authorization` header is not read.
        case open
        /// Any caller, anonymous included, but a bad token is refused.
        case anyCaller
        /// Callers holding the permission.
        case permission(Permission)
    }

    /// What a handler is given.
    struct Call: Sendable {
        let request: Request
        let context: CRMRequestContext
        let caller: Caller
    }

    let method: HTTPRequest.Method
    /// Hummingbird form, e.g. `/api/tickets/:id`.
    let path: String
    let summary: String
    let access: Access
    let query: [QueryParameter]
    /// The schema name of the JSON body, if any.
    let body: String?
    let successStatus: Int
    /// The schema of the success response: a schema name, `[Name]` for arrays, or nil for no body.
    let response: String?
    /// Conditional request headers the route honours.
    let preconditions: Preconditions
    let handler: @Sendable (Call) async throws -> Response

    /// Which of `If-Match` / `If-None-Match` a route reads.
    struct Preconditions: OptionSet, Sendable {
        let rawValue: Int
        static let ifMatch = Preconditions(rawValue: 1)
        static let ifNoneMatch = Preconditions(rawValue: 2)
    }

    init(
        _ method: HTTPRequest.Method, _ path: String, _ summary: String, access: Access, query: [QueryParameter] = [],
        body: String? = nil, status: Int = 200, response: String?, preconditions: Preconditions = [],
        handler: @escaping @Sendable (Call) async throws -> Response
    ) {
        self.method = method
        self.path = path
        self.summary = summary
        self.access = access
        self.query = query
        self.body = body
        self.successStatus = status
        self.response = response
        self.preconditions = preconditions
        self.handler = handler
    }

    /// Resolves the caller, checks the permission, then runs the handler. Domain errors leave as `APIError`s
    /// that know the caller's role and this route, for the original service's `detail` texts.
    func respond(to request: Request, context: CRMRequestContext, service: CRMService) async throws -> Response {
        var role: Role? = nil
        do {
            let caller: Caller
            switch self.access {
            case .open:
                caller = .anonymous(via: .http)
            case .anyCaller:
                caller = try await Self.caller(of: request, service: service)
            case .permission(let permission):
                caller = try await Self.caller(
                    of: request, service: service, ignoringBadHeader: service.policy.allows(.anonymous, permission))
            }
            role = caller.principal.user?.role
            context.attribution.userName = caller.principal.user?.name
            if case .permission(let permission) = self.access { try service.authorize(caller, permission) }
            return try await self.handler(Call(request: request, context: context, caller: caller))
        } catch let error as CRMError {
            throw APIError(error, callerRole: role, route: self)
        }
    }

    /// The caller a request acts as: anonymous without `Authorization`, else exactly `Bearer TOKEN`.
    /// Anything else, or a token that matches no user, is `unauthenticated` (403); on a route anonymous callers
    /// may use (`ignoringBadHeader`), it is ignored and the caller is anonymous, as the original service did.
    static func caller(of request: Request, service: CRMService, ignoringBadHeader: Bool = false) async throws
        -> Caller
    {
        do {
            guard let header = request.headers[.authorization] else { return .anonymous(via: .http) }
            let prefix = "Bearer "
            guard header.hasPrefix(prefix) else { throw CRMError.unauthenticated }
            let token = header.dropFirst(prefix.count)
            guard !token.isEmpty, !token.utf8.contains(UInt8(ascii: " ")) else { throw CRMError.unauthenticated }
            return try await service.login(token: String(token), via: .http)
        } catch CRMError.unauthenticated where ignoringBadHeader {
            return .anonymous(via: .http)
        }
    }

    /// The OpenAPI form of the path, e.g. `/api/tickets/{id}`.
    var openAPIPath: String {
        self.path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }
            .reduce("") { $0 + "/" + $1 }
    }

    /// The names of the path's parameters.
    var pathParameters: [String] {
        self.path.split(separator: "/").filter { $0.hasPrefix(":") }.map { String($0.dropFirst()) }
    }
}

/// A query parameter a route reads, as the OpenAPI document declares it.
enum QueryParameter: String, Sendable {
    case customerID = "customer_id"
    case status, priority, assignee, tag, search, limit, offset, actor, entity, user, all
}

/// The methods served on each path, for `405 Method Not Allowed` and its `Allow` header.
struct RouteTable: Sendable {
    private let entries: [(method: HTTPRequest.Method, segments: [Substring])]

    init(_ routes: [(HTTPRequest.Method, String)]) {
        self.entries = routes.map { ($0.0, $0.1.split(separator: "/")) }
    }

    /// The methods some route serves on `path` (`HEAD` wherever `GET`), in a stable order; empty when no
    /// route has this path.
    func allowedMethods(on path: String) -> [HTTPRequest.Method] {
        let segments = path.split(separator: "/")
        let methods = Set(
            self.entries.filter { entry in
                entry.segments.count == segments.count
                    && zip(entry.segments, segments).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
            }.map(\.method))
        let order: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete, .options]
        return order.filter { $0 == .head ? methods.contains(.get) : methods.contains($0) }
    }
}
