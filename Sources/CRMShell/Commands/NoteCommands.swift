import CRMDomain

/// `note add|list`.
enum NoteCommands {
    static let all: [CommandSpec] = [
        CommandSpec(
            ["note", "add"], [ArgumentSpec("TICKET_ID", .ticketID), ArgumentSpec("TEXT", .text, rest: true)],
            permission: .noteWrite, summary: "Add a note to a ticket; the rest of the line is the text.",
            examples: ["note add 3 Called back, left a voicemail", "note add 3 \"Customer confirmed the fix\""]
        ) { invocation, session in
            let ticketID = try invocation.ticketID("TICKET_ID")
            let text = invocation.rest("TEXT").joined(separator: " ")
            let note = try await session.service.addNote(to: ticketID, text: text, by: session.caller)
            return .changed("added note \(note.id) to ticket \(ticketID)", note)
        },
        CommandSpec(
            ["note", "list"], [ArgumentSpec("TICKET_ID", .ticketID)], permission: .noteRead,
            summary: "List a ticket's notes, oldest first.", examples: ["note list 3"]
        ) { invocation, session in
            let ticketID = try invocation.ticketID("TICKET_ID")
            let notes = try await session.service.notes(on: ticketID, by: session.caller)
            return .list(notes, total: notes.count, noun: "notes")
        },
    ]
}
