import CRMDomain
import HTTPTypes
import Hummingbird

/// `GET /api/tickets/{id}/history` and `GET /api/audit`.
struct AuditRoutes: Sendable {
    let service: CRMService

    var routes: [APIRoute] {
        [
            APIRoute(
                .get, "/api/tickets/:id/history", "A ticket's audit trail", access: .permission(.ticketHistory),
                query: [.limit, .offset], response: "[AuditEvent]", handler: self.ticketHistory),
            APIRoute(
                .get, "/api/audit", "The whole audit log", access: .permission(.auditRead),
                query: [.actor, .entity, .limit, .offset], response: "[AuditEvent]", handler: self.log),
        ]
    }

    @Sendable func ticketHistory(_ call: APIRoute.Call) async throws -> Response {
        let id = try PathID<Ticket>(call.context, entity: "ticket").id
        let page = try await self.service.ticketHistory(id, try call.query.page(), by: call.caller)
        return JSONResponse.page(page)
    }

    @Sendable func log(_ call: APIRoute.Call) async throws -> Response {
        let query = call.query
        let page = try await self.service.auditLog(
            actor: query["actor"], entity: query["entity"], try query.page(), by: call.caller)
        return JSONResponse.page(page)
    }
}
