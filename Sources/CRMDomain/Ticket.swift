/// A support ticket raised for a customer.
public struct Ticket: Hashable, Sendable, Decodable, JSONWritable {
    public var id: TicketID
    public var customerID: CustomerID
    public var subject: String
    public var description: String
    public var status: TicketStatus
    public var priority: Priority
    /// The user name of the agent working the ticket, or nil when unassigned.
    public var assignee: String?
    /// Short lowercase words, kept sorted.
    public var tags: [String]
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    /// Starts at 1 and grows by one on every change; the HTTP ETag.
    public var version: Int

    public init(
        id: TicketID, customerID: CustomerID, subject: String, description: String, status: TicketStatus,
        priority: Priority, assignee: String?, tags: [String], createdAt: Timestamp, updatedAt: Timestamp,
        version: Int
    ) {
        self.id = id
        self.customerID = customerID
        self.subject = subject
        self.description = description
        self.status = status
        self.priority = priority
        self.assignee = assignee
        self.tags = tags
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }

    enum CodingKeys: String, CodingKey {
        case id
        case customerID = "customer_id"
        case subject, description, status, priority, assignee, tags
        case createdAt = "created_at"
        case updatedAt = "updated_at"
        case version
    }

    public func write(to json: inout JSONWriter) {
        self.write(to: &json, notes: nil)
    }

    /// The ticket's JSON object, with a `notes` array in it when `notes` is given (`ticket show`).
    public func write(to json: inout JSONWriter, notes: [Note]?) {
        json.beginObject()
        json.field("assignee", self.assignee)
        json.field("created_at", self.createdAt)
        json.field("customer_id", self.customerID)
        json.field("description", self.description)
        json.field("id", self.id)
        if let notes {
            json.field("notes", notes)
        }
        json.field("priority", self.priority.rawValue)
        json.field("status", self.status.rawValue)
        json.field("subject", self.subject)
        json.field("tags", self.tags)
        json.field("updated_at", self.updatedAt)
        json.field("version", self.version)
        json.endObject()
    }
}
