/// A ticket as `ticket show` (and any page showing one ticket) presents it: the ticket and, only when the caller
/// may read notes (`note.read`), its notes. JSON is the ticket object, plus a `notes` array when notes are shown.
public struct TicketDetail: Hashable, Sendable, JSONWritable {
    public let ticket: Ticket
    /// The ticket's notes, oldest first; nil when the caller may not read them.
    public let notes: [Note]?

    /// A ticket and, when the reader may see them, its notes.
    public init(ticket: Ticket, notes: [Note]?) {
        self.ticket = ticket
        self.notes = notes
    }

    public func write(to json: inout JSONWriter) {
        self.ticket.write(to: &json, notes: self.notes)
    }
}
