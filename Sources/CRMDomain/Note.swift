/// An append-only note on a ticket.
public struct Note: Hashable, Sendable, Codable, JSONWritable {
    public var id: NoteID
    public var ticketID: TicketID
    /// The user name of whoever wrote the note.
    public var author: String
    public var text: String
    public var createdAt: Timestamp

    public init(id: NoteID, ticketID: TicketID, author: String, text: String, createdAt: Timestamp) {
        self.id = id
        self.ticketID = ticketID
        self.author = author
        self.text = text
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id
        case ticketID = "ticket_id"
        case author, text
        case createdAt = "created_at"
    }
}
