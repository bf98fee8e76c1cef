import CRMDomain
import HTTPTypes
import Hummingbird

/// `/api/tickets` and `/api/tickets/{id}`.
struct TicketRoutes: Sendable {
    let service: CRMService

    var routes: [APIRoute] {
        [
            APIRoute(
                .get, "/api/tickets", "List tickets (public unless CRM_PUBLIC_TICKETS=0)",
                access: .permission(.ticketRead),
                query: [.customerID, .status, .priority, .assignee, .tag, .search, .limit, .offset],
                response: "[Ticket]", handler: self.list),
            APIRoute(
                .post, "/api/tickets", "Open a ticket (original API: answers 200)", access: .permission(.ticketCreate),
                body: "TicketCreate", response: "Ticket", handler: self.create),
            APIRoute(
                .get, "/api/tickets/:id", "One ticket", access: .permission(.ticketRead), response: "Ticket",
                preconditions: .ifNoneMatch, handler: self.ticket.show),
            APIRoute(
                .patch, "/api/tickets/:id", "Change a ticket; If-Match guards against stale versions",
                access: .permission(.ticketUpdate), body: "TicketPatch", response: "Ticket", preconditions: .ifMatch,
                handler: self.update),
            APIRoute(
                .delete, "/api/tickets/:id", "Delete a ticket and its notes; If-Match guards against stale versions",
                access: .permission(.ticketDelete), status: 204, response: nil, preconditions: .ifMatch,
                handler: self.delete),
            APIRoute(
                .get, "/api/tickets/:id/transitions", "The status moves the caller may make on a ticket now",
                access: .permission(.ticketRead), response: "StatusMoves", handler: self.transitions),
        ]
    }

    /// Every matching ticket, streamed, as the original answered; a page with `X-Total-Count` when `limit` or
    /// `offset` is given.
    @Sendable func list(_ call: APIRoute.Call) async throws -> Response {
        let query = call.query
        guard query.asksForPage else {
            return JSONResponse.stream(try self.service.allTickets(try query.ticketFilter(), by: call.caller))
        }
        let page = try await self.service.listTickets(try query.ticketFilter(), try query.page(), by: call.caller)
        return JSONResponse.page(page)
    }

    /// 200, as the original's `POST /api/tickets/` answered, with `Location` and `ETag` besides.
    @Sendable func create(_ call: APIRoute.Call) async throws -> Response {
        let body = try await call.body(TicketCreateBody.self)
        let ticket = try await self.service.createTicket(try body.input(), by: call.caller)
        return JSONResponse.make(
            headers: [.location: "/api/tickets/\(ticket.id)", .eTag: ETag.header(ticket.version)], body: ticket)
    }

    private var ticket: VersionedEntityRoutes<Ticket> {
        VersionedEntityRoutes(name: "ticket") { [service] id, caller in try await service.ticket(id, by: caller) }
    }

    @Sendable func update(_ call: APIRoute.Call) async throws -> Response {
        try await self.ticket.update(call, TicketPatchBody.self) { id, body, expected in
            try await self.service.updateTicket(id, try body.changes(expectedVersion: expected), by: call.caller)
        }
    }

    @Sendable func transitions(_ call: APIRoute.Call) async throws -> Response {
        let id = try PathID<Ticket>(call.context, entity: "ticket").id
        return JSONResponse.make(body: try await self.service.statusMoves(of: id, by: call.caller))
    }

    @Sendable func delete(_ call: APIRoute.Call) async throws -> Response {
        try await self.ticket.delete(call) { id, expected in
            try await self.service.deleteTicket(id, expectedVersion: expected, by: call.caller)
        }
    }
}
