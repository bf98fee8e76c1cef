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

extension TicketChanges {
    /// The one pure rule for changing a ticket: the version check, the status lifecycle and a per-field diff,
    /// with no store and no clock. The changes must already be validated (as `CRMService.updateTicket` does),
    /// with `me` standing for `principal`, who holds `permissions`. Throws `conflict` for a stale expected
    /// version, `forbidden` or `invalid_transition` for a status move the lifecycle refuses; nil when nothing
    /// would change.
    public func apply(
        to ticket: Ticket, by principal: Principal, holding permissions: Set<Permission>
    ) throws(CRMError) -> ChangeSet<Ticket>? {
        try ChangeSet<Ticket>.checkVersion(
            expected: self.expectedVersion, current: ticket.version, entity: "ticket/\(ticket.id)")
        if let status = self.status, status != ticket.status {
            switch TicketLifecycle.rule(from: ticket.status, to: status) {
            case .allowed: break
            case .requires(let permission) where permissions.contains(permission): break
            case .requires(let permission):
                throw .forbidden(permission: permission, principal: principal.name)
            case nil:
                throw .invalidTransition(
                    from: ticket.status, to: status,
                    allowed: TicketLifecycle.allowedTargets(from: ticket.status, permissions: permissions))
            }
        }
        let assignee: String?? = self.assignee.map { selector in
            switch selector {
            case .me: principal.user?.name
            case .nobody: nil
            case .user(let name): name
            }
        }
        let tags = self.addTags.isEmpty && self.removeTags.isEmpty
            ? nil : Set(ticket.tags).union(self.addTags).subtracting(self.removeTags).sorted()
        var change = ChangeSet(ticket)
        change.set("status", \.status, to: self.status) { .string($0.rawValue) }
        change.set("subject", \.subject, to: self.subject) { .string($0) }
        change.set("description", \.description, to: self.description) { .string($0) }
        change.set("priority", \.priority, to: self.priority) { .string($0.rawValue) }
        change.set("assignee", \.assignee, to: assignee) { AuditValue($0) }
        change.set("tags", \.tags, to: tags) { .strings($0) }
        return change.changes.isEmpty ? nil : change
    }
}
