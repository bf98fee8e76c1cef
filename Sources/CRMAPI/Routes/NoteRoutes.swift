import CRMDomain
import HTTPTypes
import Hummingbird

/// `/api/tickets/{id}/notes`, and the original API's `POST /api/notes/{id}`.
struct NoteRoutes: Sendable {
    let service: CRMService

    var routes: [APIRoute] {
        [
            APIRoute(
                .get, "/api/tickets/:id/notes", "A ticket's notes", access: .permission(.noteRead), response: "[Note]",
                handler: self.list),
            APIRoute(
                .post, "/api/tickets/:id/notes", "Add a note", access: .permission(.noteWrite), body: "NoteCreate",
                status: 201, response: "Note", handler: self.add),
            APIRoute(
                .post, "/api/notes/:id", "Add a note (original API: answers 200 {\"data\": Note})",
                access: .permission(.noteWrite), body: "NoteCreate", response: "NoteEnvelope",
                handler: self.addInEnvelope),
        ]
    }

    @Sendable func list(_ call: APIRoute.Call) async throws -> Response {
        let id = try PathID<Ticket>(call.context, entity: "ticket").id
        return JSONResponse.make(body: try await self.service.notes(on: id, by: call.caller))
    }

    /// 201 with `Location`: notes have no URL of their own, so it names the ticket's notes, where the new one is listed.
    @Sendable func add(_ call: APIRoute.Call) async throws -> Response {
        let note = try await self.addNote(call)
        return JSONResponse.created(note, at: "/api/tickets/\(note.ticketID)/notes")
    }

    @Sendable func addInEnvelope(_ call: APIRoute.Call) async throws -> Response {
        JSONResponse.make(body: DataEnvelope(data: try await self.addNote(call, unknownKeys: .ignoredUnlessCRMField)))
    }

    private func addNote(_ call: APIRoute.Call, unknownKeys: UnknownKeys = .refused) async throws -> Note {
        let id = try PathID<Ticket>(call.context, entity: "ticket").id
        let body = try await call.body(NoteBody.self, unknownKeys: unknownKeys)
        return try await self.service.addNote(to: id, text: body.text, by: call.caller)
    }
}
