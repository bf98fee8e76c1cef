import CRMDomain
import Hummingbird

/// An entity whose `version` the API sends as its `ETag` and checks against `If-Match`.
protocol VersionedEntity: JSONWritable, Sendable {
    var version: Int { get }
}

extension Customer: VersionedEntity {}
extension Ticket: VersionedEntity {}

/// What `GET`, `PATCH` and `DELETE` on `/api/customers/{id}` and `/api/tickets/{id}` share: the ID from the path,
/// a conditional read answered from `If-None-Match`, and an update or delete guarded by `If-Match`.
struct VersionedEntityRoutes<Entity: VersionedEntity>: Sendable {
    /// The entity's name in a `notFound` error, e.g. `ticket`.
    let name: String
    /// Reads one entity as the caller may see it.
    let read: @Sendable (Identifier<Entity>, Caller) async throws -> Entity

    /// `GET …/{id}`: the entity with its `ETag`, or `304 Not Modified` when `If-None-Match` names its version.
    @Sendable func show(_ call: APIRoute.Call) async throws -> Response {
        let id = try PathID<Entity>(call.context, entity: self.name).id
        let entity = try await self.read(id, call.caller)
        return ConditionalRequest.answer(call.request, with: entity, version: entity.version)
    }

    /// `PATCH …/{id}`: decodes `Body`, takes the version `If-Match` expects (reading the current one only when
    /// the header lists several), lets `apply` make the one service call, and answers the result with its `ETag`.
    func update<Body: JSONBodyDecodable>(
        _ call: APIRoute.Call, _ body: Body.Type,
        apply: (Identifier<Entity>, Body, _ expectedVersion: Int?) async throws -> Entity
    ) async throws -> Response {
        let id = try PathID<Entity>(call.context, entity: self.name).id
        let body = try await call.body(Body.self)
        let expected = try await ConditionalRequest.expectedVersion(call.request) {
            try await self.read(id, call.caller).version
        }
        let entity = try await apply(id, body, expected)
        return JSONResponse.make(headers: [.eTag: ETag.header(entity.version)], body: entity)
    }

    /// `DELETE …/{id}`: takes the version `If-Match` expects, lets `apply` make the one service call (which refuses a
    /// stale version and deletes nothing), and answers 204.
    func delete(
        _ call: APIRoute.Call, apply: (Identifier<Entity>, _ expectedVersion: Int?) async throws -> Void
    ) async throws -> Response {
        let id = try PathID<Entity>(call.context, entity: self.name).id
        let expected = try await ConditionalRequest.expectedVersion(call.request) {
            try await self.read(id, call.caller).version
        }
        try await apply(id, expected)
        return Response(status: .noContent)
    }
}
