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
        let ticketFilters = ["customer_id", "status", "priority", "assignee", "tag", "search", "limit", "offset"]
        return [
            APIRoute(.get, "/health", "Liveness check", access: .everyone, response: "Health") { _, _ in
                JSONResponse.make(bytes: Self.healthy)
            },
            APIRoute(.get, "/api/me", "Who the token belongs to", access: .everyone, response: "Me") { request, _ in
                let caller = try await self.caller(request)
                return JSONResponse.make(
                    body: Me(user: caller.principal.name, role: caller.principal.user?.role.rawValue,
                        permissions: self.service.permissions(of: caller).map(\.rawValue).sorted()))
            },
            APIRoute(
                .get, "/api/customers", "List customers", access: .permission("customer.read"),
                query: ["limit", "offset"], response: "[Customer]"
            ) { request, _ in
                let page = try await self.service.listCustomers(
                    try QueryParameters(request).page(), by: try await self.caller(request))
                return JSONResponse.make(headers: [.totalCount: String(page.total)], body: page.items)
            },
            APIRoute(
                .post, "/api/customers", "Create a customer", access: .permission("customer.write"),
                body: "CustomerCreate", status: 201, response: "Customer"
            ) { request, _ in
                let body = try await JSONBody.decode(CustomerCreateBody.self, from: request)
                let customer = try await self.service.createCustomer(body.input, by: try await self.caller(request))
                return JSONResponse.make(
                    status: .created, headers: [.location: "/api/customers/\(customer.id)"], body: customer)
            },
            APIRoute(
                .get, "/api/customers/:id", "One customer", access: .permission("customer.read"), response: "Customer"
            ) { request, context in
                let id = try PathID<Customer>(context, entity: "customer").id
                return JSONResponse.make(body: try await self.service.customer(id, by: try await self.caller(request)))
            },
            APIRoute(
                .patch, "/api/customers/:id", "Change a customer", access: .permission("customer.write"),
                body: "CustomerPatch", response: "Customer"
            ) { request, context in
                let id = try PathID<Customer>(context, entity: "customer").id
                let body = try await JSONBody.decode(CustomerPatchBody.self, from: request)
                return JSONResponse.make(
                    body: try await self.service.updateCustomer(id, body.changes, by: try await self.caller(request)))
            },
            APIRoute(
                .delete, "/api/customers/:id", "Delete a customer without tickets",
                access: .permission("customer.delete"), status: 204, response: nil
            ) { request, context in
                let id = try PathID<Customer>(context, entity: "customer").id
                try await self.service.deleteCustomer(id, by: try await self.caller(request))
                return Response(status: .noContent)
            },
            APIRoute(
                .get, "/api/tickets", "List tickets (public unless CRM_PUBLIC_TICKETS=0)",
                access: .permission("ticket.read"), query: ticketFilters, response: "[Ticket]"
            ) { request, _ in
                let query = QueryParameters(request)
                let page = try await self.service.listTickets(
                    try query.ticketFilter(), try query.page(), by: try await self.caller(request))
                return JSONResponse.make(headers: [.totalCount: String(page.total)], body: page.items)
            },
            APIRoute(
                .post, "/api/tickets", "Open a ticket", access: .permission("ticket.create"), body: "TicketCreate",
                status: 201, response: "Ticket"
            ) { request, _ in
                let body = try await JSONBody.decode(TicketCreateBody.self, from: request)
                let ticket = try await self.service.createTicket(try body.input(), by: try await self.caller(request))
                return JSONResponse.make(
                    status: .created, headers: [.location: "/api/tickets/\(ticket.id)", .eTag: "\"\(ticket.version)\""],
                    body: ticket)
            },
            APIRoute(.get, "/api/tickets/:id", "One ticket", access: .permission("ticket.read"), response: "Ticket") {
                request, context in
                let id = try PathID<Ticket>(context, entity: "ticket").id
                let ticket = try await self.service.ticket(id, by: try await self.caller(request))
                return JSONResponse.make(headers: [.eTag: "\"\(ticket.version)\""], body: ticket)
            },
            APIRoute(
                .patch, "/api/tickets/:id", "Change a ticket; If-Match guards against stale versions",
                access: .permission("ticket.update"), body: "TicketPatch", response: "Ticket"
            ) { request, context in
                let id = try PathID<Ticket>(context, entity: "ticket").id
                let body = try await JSONBody.decode(TicketPatchBody.self, from: request)
                let changes = try body.changes(expectedVersion: try Self.expectedVersion(request))
                let ticket = try await self.service.updateTicket(id, changes, by: try await self.caller(request))
                return JSONResponse.make(headers: [.eTag: "\"\(ticket.version)\""], body: ticket)
            },
            APIRoute(
                .delete, "/api/tickets/:id", "Delete a ticket and its notes", access: .permission("ticket.delete"),
                status: 204, response: nil
            ) { request, context in
                let id = try PathID<Ticket>(context, entity: "ticket").id
                try await self.service.deleteTicket(id, by: try await self.caller(request))
                return Response(status: .noContent)
            },
            APIRoute(
                .get, "/api/tickets/:id/notes", "A ticket's notes", access: .permission("note.read"), response: "[Note]"
            ) { request, context in
                let id = try PathID<Ticket>(context, entity: "ticket").id
                return JSONResponse.make(body: try await self.service.notes(on: id, by: try await self.caller(request)))
            },
            APIRoute(
                .post, "/api/tickets/:id/notes", "Add a note", access: .permission("note.write"), body: "NoteCreate",
                status: 201, response: "Note"
            ) { request, context in
                let note = try await self.addNote(request, context)
                return JSONResponse.make(status: .created, body: note)
            },
            APIRoute(
                .post, "/api/notes/:id", "Add a note (original API: answers {\"data\": Note})",
                access: .permission("note.write"), body: "NoteCreate", status: 201, response: "NoteEnvelope"
            ) { request, context in
                let note = try await self.addNote(request, context)
                return JSONResponse.make(status: .created, body: DataEnvelope(data: note))
            },
            APIRoute(
                .get, "/api/tickets/:id/history", "A ticket's audit trail", access: .permission("ticket.history"),
                query: ["limit", "offset"], response: "[AuditEvent]"
            ) { request, context in
                let id = try PathID<Ticket>(context, entity: "ticket").id
                let page = try await self.service.ticketHistory(
                    id, try QueryParameters(request).page(maximumByDefault: true), by: try await self.caller(request))
                return JSONResponse.make(headers: [.totalCount: String(page.total)], body: page.items)
            },
            APIRoute(
                .get, "/api/audit", "The whole audit log", access: .permission("audit.read"),
                query: ["actor", "entity", "limit", "offset"], response: "[AuditEvent]"
            ) { request, _ in
                let query = QueryParameters(request)
                let page = try await self.service.auditLog(
                    actor: query["actor"], entity: query["entity"], try query.page(), by: try await self.caller(request))
                return JSONResponse.make(headers: [.totalCount: String(page.total)], body: page.items)
            },
        ]
    }

    private func addNote(_ request: Request, _ context: CRMRequestContext) async throws -> Note {
        let id = try PathID<Ticket>(context, entity: "ticket").id
        let body = try await JSONBody.decode(NoteBody.self, from: request)
        return try await self.service.addNote(to: id, text: body.text, by: try await self.caller(request))
    }

    /// The caller a request acts as: anonymous without `Authorization`, else exactly `Bearer TOKEN`.
    /// Anything else, or a token that matches no user, is `unauthenticated` (403).
    private func caller(_ request: Request) async throws -> Caller {
        guard let header = request.headers[.authorization] else { return .anonymous(via: .http) }
        let prefix = "Bearer "
        guard header.hasPrefix(prefix) else { throw CRMError.unauthenticated }
        let token = header.dropFirst(prefix.count)
        guard !token.isEmpty, !token.utf8.contains(UInt8(ascii: " ")) else { throw CRMError.unauthenticated }
        return try await self.service.login(token: String(token), via: .http)
    }

    /// The version `If-Match` requires (`"3"`, `W/"3"` or `3`), nil for none or `*`; anything else is 412.
    private static func expectedVersion(_ request: Request) throws -> Int? {
        guard let header = request.headers[.ifMatch], header != "*" else { return nil }
        let trimmed = header.hasPrefix("W/") ? header.dropFirst(2) : header[...]
        let digits = trimmed.hasPrefix("\"") && trimmed.hasSuffix("\"") && trimmed.count >= 2
            ? trimmed.dropFirst().dropLast() : trimmed
        guard let version = Int(digits) else {
            throw APIError(status: .preconditionFailed, code: "conflict", message: "If-Match '\(header)' matches no version")
        }
        return version
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

/// A positive integer ID from the path; anything else is 404 for that entity.
struct PathID<Entity> {
    let id: Identifier<Entity>

    init(_ context: CRMRequestContext, entity: String) throws {
        let text = context.parameters.get("id") ?? ""
        guard let value = Int(text), value > 0 else { throw CRMError.notFound(entity: "\(entity)/\(text)") }
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
