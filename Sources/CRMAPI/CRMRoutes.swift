import CRMDomain
import HTTPTypes
import Hummingbird

/// The routes of DESIGN §6: each handler authenticates, reads its input, makes one `CRMService` call and
/// encodes the result. No rule lives here.
struct CRMRoutes: Sendable {
    let service: CRMService

    /// The `GET /health` body.
    private static let healthy = Array(#"{"status":"ok"}"#.utf8)

    var all: [APIRoute] {
        let ticketFilters: [QueryParameter] = [
            .customerID, .status, .priority, .assignee, .tag, .search, .limit, .offset,
        ]
        return [
            APIRoute(.get, "/health", "Liveness check", access: .open, response: "Health") { _ in
                JSONResponse.make(bytes: Self.healthy)
            },
            APIRoute(.get, "/api/me", "Who the token belongs to", access: .anyCaller, response: "Me") { call in
                JSONResponse.make(
                    body: Me(user: call.caller.principal.name, role: call.caller.principal.user?.role.rawValue,
                        permissions: self.service.permissions(of: call.caller).map(\.rawValue).sorted()))
            },
            APIRoute(
                .get, "/api/customers", "List customers", access: .permission(.customerRead),
                query: [.limit, .offset], response: "[Customer]"
            ) { call in
                let page = try await self.service.listCustomers(try QueryParameters(call.request).page(), by: call.caller)
                return JSONResponse.make(headers: [.totalCount: String(page.total)], body: page.items)
            },
            APIRoute(
                .post, "/api/customers", "Create a customer", access: .permission(.customerWrite),
                body: "CustomerCreate", status: 201, response: "Customer"
            ) { call in
                let body = try await JSONBody.decode(CustomerCreateBody.self, from: call.request)
                let customer = try await self.service.createCustomer(body.input, by: call.caller)
                return JSONResponse.make(
                    status: .created,
                    headers: [.location: "/api/customers/\(customer.id)", .eTag: ETag.header(customer.version)],
                    body: customer)
            },
            APIRoute(
                .get, "/api/customers/:id", "One customer", access: .permission(.customerRead), response: "Customer",
                preconditions: .ifNoneMatch
            ) { call in
                let id = try PathID<Customer>(call.context, entity: "customer").id
                let customer = try await self.service.customer(id, by: call.caller)
                if let notModified = ConditionalRequest.notModified(call.request, version: customer.version) {
                    return notModified
                }
                return JSONResponse.make(headers: [.eTag: ETag.header(customer.version)], body: customer)
            },
            APIRoute(
                .patch, "/api/customers/:id", "Change a customer; If-Match guards against stale versions",
                access: .permission(.customerWrite), body: "CustomerPatch", response: "Customer", preconditions: .ifMatch
            ) { call in
                let id = try PathID<Customer>(call.context, entity: "customer").id
                let body = try await JSONBody.decode(CustomerPatchBody.self, from: call.request)
                let expected = try await ConditionalRequest.expectedVersion(call.request) {
                    try await self.service.customer(id, by: call.caller).version
                }
                let customer = try await self.service.updateCustomer(
                    id, body.changes(expectedVersion: expected), by: call.caller)
                return JSONResponse.make(headers: [.eTag: ETag.header(customer.version)], body: customer)
            },
            APIRoute(
                .delete, "/api/customers/:id", "Delete a customer without tickets",
                access: .permission(.customerDelete), status: 204, response: nil
            ) { call in
                let id = try PathID<Customer>(call.context, entity: "customer").id
                try await self.service.deleteCustomer(id, by: call.caller)
                return Response(status: .noContent)
            },
            APIRoute(
                .get, "/api/tickets", "List tickets (public unless CRM_PUBLIC_TICKETS=0)",
                access: .permission(.ticketRead), query: ticketFilters, response: "[Ticket]"
            ) { call in
                let query = QueryParameters(call.request)
                let page = try await self.service.listTickets(try query.ticketFilter(), try query.page(), by: call.caller)
                return JSONResponse.make(headers: [.totalCount: String(page.total)], body: page.items)
            },
            APIRoute(
                .post, "/api/tickets", "Open a ticket", access: .permission(.ticketCreate), body: "TicketCreate",
                status: 201, response: "Ticket"
            ) { call in
                let body = try await JSONBody.decode(TicketCreateBody.self, from: call.request)
                let ticket = try await self.service.createTicket(try body.input(), by: call.caller)
                return JSONResponse.make(
                    status: .created,
                    headers: [.location: "/api/tickets/\(ticket.id)", .eTag: ETag.header(ticket.version)], body: ticket)
            },
            APIRoute(
                .get, "/api/tickets/:id", "One ticket", access: .permission(.ticketRead), response: "Ticket",
                preconditions: .ifNoneMatch
            ) { call in
                let id = try PathID<Ticket>(call.context, entity: "ticket").id
                let ticket = try await self.service.ticket(id, by: call.caller)
                if let notModified = ConditionalRequest.notModified(call.request, version: ticket.version) {
                    return notModified
                }
                return JSONResponse.make(headers: [.eTag: ETag.header(ticket.version)], body: ticket)
            },
            APIRoute(
                .patch, "/api/tickets/:id", "Change a ticket; If-Match guards against stale versions",
                access: .permission(.ticketUpdate), body: "TicketPatch", response: "Ticket", preconditions: .ifMatch
            ) { call in
                let id = try PathID<Ticket>(call.context, entity: "ticket").id
                let body = try await JSONBody.decode(TicketPatchBody.self, from: call.request)
                let expected = try await ConditionalRequest.expectedVersion(call.request) {
                    try await self.service.ticket(id, by: call.caller).version
                }
                let ticket = try await self.service.updateTicket(
                    id, try body.changes(expectedVersion: expected), by: call.caller)
                return JSONResponse.make(headers: [.eTag: ETag.header(ticket.version)], body: ticket)
            },
            APIRoute(
                .delete, "/api/tickets/:id", "Delete a ticket and its notes", access: .permission(.ticketDelete),
                status: 204, response: nil
            ) { call in
                let id = try PathID<Ticket>(call.context, entity: "ticket").id
                try await self.service.deleteTicket(id, by: call.caller)
                return Response(status: .noContent)
            },
            APIRoute(
                .get, "/api/tickets/:id/transitions", "The status moves the caller may make on a ticket now",
                access: .permission(.ticketRead), response: "StatusMoves"
            ) { call in
                let id = try PathID<Ticket>(call.context, entity: "ticket").id
                return JSONResponse.make(body: try await self.service.statusMoves(of: id, by: call.caller))
            },
            APIRoute(
                .get, "/api/tickets/:id/notes", "A ticket's notes", access: .permission(.noteRead), response: "[Note]"
            ) { call in
                let id = try PathID<Ticket>(call.context, entity: "ticket").id
                return JSONResponse.make(body: try await self.service.notes(on: id, by: call.caller))
            },
            APIRoute(
                .post, "/api/tickets/:id/notes", "Add a note", access: .permission(.noteWrite), body: "NoteCreate",
                status: 201, response: "Note"
            ) { call in
                JSONResponse.make(status: .created, body: try await self.addNote(call))
            },
            APIRoute(
                .post, "/api/notes/:id", "Add a note (original API: answers {\"data\": Note})",
                access: .permission(.noteWrite), body: "NoteCreate", status: 201, response: "NoteEnvelope"
            ) { call in
                JSONResponse.make(status: .created, body: DataEnvelope(data: try await self.addNote(call)))
            },
            APIRoute(
                .get, "/api/tickets/:id/history", "A ticket's audit trail", access: .permission(.ticketHistory),
                query: [.limit, .offset], response: "[AuditEvent]"
            ) { call in
                let id = try PathID<Ticket>(call.context, entity: "ticket").id
                let page = try await self.service.ticketHistory(
                    id, try QueryParameters(call.request).page(maximumByDefault: true), by: call.caller)
                return JSONResponse.make(headers: [.totalCount: String(page.total)], body: page.items)
            },
            APIRoute(
                .get, "/api/audit", "The whole audit log", access: .permission(.auditRead),
                query: [.actor, .entity, .limit, .offset], response: "[AuditEvent]"
            ) { call in
                let query = QueryParameters(call.request)
                let page = try await self.service.auditLog(
                    actor: query["actor"], entity: query["entity"], try query.page(), by: call.caller)
                return JSONResponse.make(headers: [.totalCount: String(page.total)], body: page.items)
            },
        ]
    }

    private func addNote(_ call: APIRoute.Call) async throws -> Note {
        let id = try PathID<Ticket>(call.context, entity: "ticket").id
        let body = try await JSONBody.decode(NoteBody.self, from: call.request)
        return try await self.service.addNote(to: id, text: body.text, by: call.caller)
    }
}

/// `GET /api/me`: `role` is null for an anonymous caller (the key is always there, as the OpenAPI schema says).
struct Me: JSONWritable {
    let user: String
    let role: String?
    let permissions: [String]

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.key("permissions")
        json.strings(self.permissions)
        json.key("role")
        json.string(self.role)
        json.key("user")
        json.string(self.user)
        json.endObject()
    }
}

/// A positive integer ID from the path (decimal digits that fit in 64 bits); anything else is 404 for that
/// entity, naming what was asked for without echoing control characters.
struct PathID<Entity> {
    let id: Identifier<Entity>

    init(_ context: CRMRequestContext, entity: String) throws {
        let text = context.parameters.get("id") ?? ""
        guard text.utf8.allSatisfy({ (48...57).contains($0) }), let value = Int(text), value > 0 else {
            let shown = text.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 0x20 && $0.value < 0x7F }
                ? text : text.debugDescription
            throw CRMError.notFound(entity: "\(entity)/\(shown.prefix(40))")
        }
        self.id = Identifier(value)
    }
}

/// Query-string parameters, read with 422 errors that name the parameter.
struct QueryParameters {
    let parameters: Hummingbird.Parameters

    init(_ request: Request) {
        self.parameters = request.uri.queryParameters
    }

    subscript(name: String) -> String? {
        self.parameters.get(name).flatMap { $0.isEmpty ? nil : $0 }
    }

    func integer(_ name: String) throws -> Int? {
        guard let text = self[name] else { return nil }
        guard let value = Int(text) else { throw APIError.validation(field: name, "must be an integer, got '\(text)'") }
        return value
    }

    func page(maximumByDefault: Bool = false) throws -> PageRequest {
        PageRequest(
            limit: try self.integer("limit") ?? (maximumByDefault ? PageRequest.maximumLimit : PageRequest.defaultLimit),
            offset: try self.integer("offset") ?? 0)
    }

    func ticketFilter() throws -> TicketFilter {
        TicketFilter(
            customerID: try self.integer("customer_id").map(CustomerID.init),
            status: try self["status"].map { try TicketStatus(validating: $0) },
            priority: try self["priority"].map { try Priority(validating: $0) },
            assignee: self["assignee"].map(AssigneeSelector.init(parsing:)), tag: self["tag"],
            search: self["search"] ?? self["q"])
    }
}
