/// The fields of a new customer.
public struct NewCustomer: Hashable, Sendable {
    public var name: String
    public var email: String
    public var company: String?

    public init(name: String, email: String, company: String? = nil) {
        self.name = name
        self.email = email
        self.company = company
    }
}

/// The fields of a new ticket, as given; nil takes the default (no description, `normal` priority, unassigned,
/// no tags).
public struct NewTicket: Hashable, Sendable {
    public var customerID: CustomerID
    public var subject: String
    public var description: String?
    public var priority: Priority?
    public var assignee: AssigneeSelector?
    public var tags: [String]?

    public init(
        customerID: CustomerID, subject: String, description: String? = nil, priority: Priority? = nil,
        assignee: AssigneeSelector? = nil, tags: [String]? = nil
    ) {
        self.customerID = customerID
        self.subject = subject
        self.description = description
        self.priority = priority
        self.assignee = assignee
        self.tags = tags
    }
}
