/// One thing a caller may be allowed to do (DESIGN §3.3).
public enum Permission: String, CaseIterable, Hashable, Sendable, Codable {
    case ticketRead = "ticket.read"
    case customerRead = "customer.read"
    case customerWrite = "customer.write"
    case ticketCreate = "ticket.create"
    case ticketUpdate = "ticket.update"
    case noteRead = "note.read"
    case noteWrite = "note.write"
    case ticketHistory = "ticket.history"
    case ticketReopenClosed = "ticket.reopen_closed"
    case ticketDelete = "ticket.delete"
    case customerDelete = "customer.delete"
    case tokenOwn = "token.own"
    case auditRead = "audit.read"
    case userManage = "user.manage"
    /// Reading `GET /metrics` from another machine (a local caller needs no token).
    case metricsRead = "metrics.read"
}

/// A user's role.
public enum Role: String, CaseIterable, Hashable, Sendable, Codable {
    case agent
    case admin
}

/// The permission policy of DESIGN §3.3 as one table; the only place that decides who may do what.
public struct AccessPolicy: Sendable, Hashable {
    /// Whether anonymous callers may list and show tickets (`CRM_PUBLIC_TICKETS`, on by default).
    public var publicTickets: Bool

    public init(publicTickets: Bool = true) {
        self.publicTickets = publicTickets
    }

    private static let agentPermissions: Set<Permission> = [
        .ticketRead, .customerRead, .customerWrite, .ticketCreate, .ticketUpdate, .noteRead, .noteWrite,
        .ticketHistory, .tokenOwn,
    ]

    /// The permissions a principal holds under this policy.
    public func permissions(of principal: Principal) -> Set<Permission> {
        switch principal {
        case .anonymous: self.publicTickets ? [.ticketRead] : []
        case .user(let user):
            switch user.role {
            case .agent: Self.agentPermissions
            case .admin: Set(Permission.allCases)
            }
        }
    }

    /// Whether a principal holds a permission.
    public func allows(_ principal: Principal, _ permission: Permission) -> Bool {
        self.permissions(of: principal).contains(permission)
    }
}
