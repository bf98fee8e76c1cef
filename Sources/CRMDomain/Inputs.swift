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

/// The fields of a customer to change; nil leaves a field as it is.
public struct CustomerChanges: Hashable, Sendable {
    public var name: String?
    public var email: String?
    /// `.some(nil)` clears the company.
    public var company: String??
    /// When set, the update fails with `conflict` unless the customer is still at this version.
    public var expectedVersion: Int?

    public init(name: String? = nil, email: String? = nil, company: String?? = nil, expectedVersion: Int? = nil) {
        self.name = name
        self.email = email
        self.company = company
        self.expectedVersion = expectedVersion
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

/// The fields of a ticket to change; nil leaves a field as it is.
public struct TicketChanges: Hashable, Sendable {
    public var subject: String?
    public var description: String?
    public var status: TicketStatus?
    public var priority: Priority?
    public var assignee: AssigneeSelector?
    public var addTags: [String]
    public var removeTags: [String]
    /// When set, the update fails with `conflict` unless the ticket is still at this version.
    public var expectedVersion: Int?

    public init(
        subject: String? = nil, description: String? = nil, status: TicketStatus? = nil, priority: Priority? = nil,
        assignee: AssigneeSelector? = nil, addTags: [String] = [], removeTags: [String] = [],
        expectedVersion: Int? = nil
    ) {
        self.subject = subject
        self.description = description
        self.status = status
        self.priority = priority
        self.assignee = assignee
        self.addTags = addTags
        self.removeTags = removeTags
        self.expectedVersion = expectedVersion
    }
}
