import Hummingbird

/// What a handler reads from its call besides the path: the query string and the JSON body.
extension APIRoute.Call {
    /// The query string's parameters.
    var query: QueryParameters { QueryParameters(self.request) }

    /// The JSON body read as `Body`, with `JSONBody`'s 400 and 422 errors.
    func body<Body: JSONBodyDecodable>(
        _ type: Body.Type, unknownKeys: UnknownKeys = Body.unknownKeys
    ) async throws -> Body {
        try await JSONBody.decode(type, from: self.request, unknownKeys: unknownKeys)
    }
}
