/// An append-only note on a ticket.
public struct Note: Hashable, Sendable, Decodable, JSONWritable {
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

    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("author", self.author)
        json.field("created_at", self.createdAt)
        json.field("id", self.id)
        json.field("text", self.text)
        json.field("ticket_id", self.ticketID)
        json.endObject()
    }
}
