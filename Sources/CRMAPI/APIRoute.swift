import Hummingbird

/// One route of the API as data: registration and the OpenAPI document both read it, so nothing is served
/// that is not described.
struct APIRoute: Sendable {
    /// Who may call it, for the document; the domain decides.
    enum Access: Sendable {
        case everyone
        case permission(String)
    }

    let method: HTTPRequest.Method
    /// Hummingbird form, e.g. `/api/tickets/:id`.
    let path: String
    let summary: String
    let access: Access
    let query: [String]
    /// The schema name of the JSON body, if any.
    let body: String?
    let successStatus: Int
    /// The schema of the success response: a schema name, `[Name]` for arrays, or nil for no body.
    let response: String?
    let handler: @Sendable (Request, CRMRequestContext) async throws -> Response

    init(
        _ method: HTTPRequest.Method, _ path: String, _ summary: String, access: Access, query: [String] = [],
        body: String? = nil, status: Int = 200, response: String?,
        handler: @escaping @Sendable (Request, CRMRequestContext) async throws -> Response
    ) {
        self.method = method
        self.path = path
        self.summary = summary
        self.access = access
        self.query = query
        self.body = body
        self.successStatus = status
        self.response = response
        self.handler = handler
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
