/// One page of a longer list, with the number of items across all pages.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    /// How many items match, across all pages.
    public var total: Int
    public var limit: Int
    public var offset: Int

    public init(items: [Item], total: Int, limit: Int, offset: Int) {
        self.items = items
        self.total = total
        self.limit = limit
        self.offset = offset
    }
}

extension Page: Equatable where Item: Equatable {}

/// Which tickets are assigned to whom, as a list filter or an assignment target.
public enum AssigneeSelector: Hashable, Sendable {
    /// The calling user.
    case me
    /// Nobody: unassigned tickets, or unassigning.
    case nobody
    /// A named user.
    case user(String)

    /// Reads `me`, `none` or a user name as typed in the shell or a query string; an empty text is a user name the
    /// service refuses, never a silent `none`.
    public init(parsing text: String) {
        switch text {
        case "me": self = .me
        case "none": self = .nobody
        default: self = .user(text)
        }
    }
}

/// Paging requested by a caller, as given: nil leaves the limit or offset to the use case (most list
/// `defaultLimit` items from offset 0; a ticket's history lists up to `maximumLimit`). The service validates
/// it (limit 1...`maximumLimit`, offset ≥ 0).
public struct PageRequest: Hashable, Sendable {
    /// The default page size (DESIGN §6.2).
    public static let defaultLimit = 100
    /// The largest page a caller may ask for.
    public static let maximumLimit = 1_000

    public var limit: Int?
    public var offset: Int?

    public init(limit: Int? = nil, offset: Int? = nil) {
        self.limit = limit
        self.offset = offset
    }
}

/// Filters for `ticket list`; every filter present must match.
public struct TicketFilter: Hashable, Sendable {
    public var customerID: CustomerID?
    public var status: TicketStatus?
    public var priority: Priority?
    public var assignee: AssigneeSelector?
    public var tag: String?
    /// Case-insensitive substring of the subject or description.
    public var search: String?

    public init(
        customerID: CustomerID? = nil, status: TicketStatus? = nil, priority: Priority? = nil,
        assignee: AssigneeSelector? = nil, tag: String? = nil, search: String? = nil
    ) {
        self.customerID = customerID
        self.status = status
        self.priority = priority
        self.assignee = assignee
        self.tag = tag
        self.search = search
    }
}

/// A ticket query as the store sees it: filters resolved (no `me`) and paging validated.
public struct TicketQuery: Hashable, Sendable {
    public var customerID: CustomerID?
    public var status: TicketStatus?
    public var priority: Priority?
    /// `.some(nil)` selects unassigned tickets.
    public var assignee: String??
    public var tag: String?
    /// Lowercased search text.
    public var search: String?
    public var limit: Int
    public var offset: Int

    public init(
        customerID: CustomerID? = nil, status: TicketStatus? = nil, priority: Priority? = nil,
        assignee: String?? = nil, tag: String? = nil, search: String? = nil, limit: Int = PageRequest.defaultLimit,
        offset: Int = 0
    ) {
        self.customerID = customerID
        self.status = status
        self.priority = priority
        self.assignee = assignee
        self.tag = tag
        self.search = search
        self.limit = limit
        self.offset = offset
    }

    /// Whether a ticket passes every filter (paging aside).
    public func matches(_ ticket: Ticket) -> Bool {
        if let customerID, ticket.customerID != customerID { return false }
        if let status, ticket.status != status { return false }
        if let priority, ticket.priority != priority { return false }
        if let assignee, ticket.assignee != assignee { return false }
        if let tag, !ticket.tags.contains(tag) { return false }
        if let search {
            return Self.text(ticket.subject, contains: search) || Self.text(ticket.description, contains: search)
        }
        return true
    }

    /// Whether `text` holds the lowercased `search` text, ignoring case: the one definition of a search match,
    /// which every store uses (SQLite through a registered function) so that all stores find the same tickets.
    public static func text(_ text: String, contains search: String) -> Bool {
        text.lowercased().contains(search)
    }
}

/// Filters for the audit log, oldest event first.
public struct AuditQuery: Hashable, Sendable {
    public var actor: String?
    /// e.g. `ticket/3`.
    public var entity: String?
    public var limit: Int
    public var offset: Int

    public init(actor: String? = nil, entity: String? = nil, limit: Int = PageRequest.defaultLimit, offset: Int = 0) {
        self.actor = actor
        self.entity = entity
        self.limit = limit
        self.offset = offset
    }

    /// Whether an event passes the filters.
    public func matches(_ event: AuditEvent) -> Bool {
        (self.actor == nil || event.actor == self.actor) && (self.entity == nil || event.entity == self.entity)
    }
}

/// Which tokens to list: one user's, or everyone's (`user` nil), by ascending ID.
public struct TokenQuery: Hashable, Sendable {
    public var user: String?
    public var limit: Int
    public var offset: Int

    public init(user: String?, limit: Int = PageRequest.defaultLimit, offset: Int = 0) {
        self.user = user
        self.limit = limit
        self.offset = offset
    }
}
