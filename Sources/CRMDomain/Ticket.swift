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
        json.key("assignee")
        json.string(self.assignee)
        json.key("created_at")
        json.value(self.createdAt)
        json.key("customer_id")
        json.value(self.customerID)
        json.key("description")
        json.string(self.description)
        json.key("id")
        json.value(self.id)
        if let notes {
            json.key("notes")
            json.value(notes)
        }
        json.key("priority")
        json.string(self.priority.rawValue)
        json.key("status")
        json.string(self.status.rawValue)
        json.key("subject")
        json.string(self.subject)
        json.key("tags")
        json.strings(self.tags)
        json.key("updated_at")
        json.value(self.updatedAt)
        json.key("version")
        json.int(self.version)
        json.endObject()
    }
}
