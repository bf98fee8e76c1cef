/// Where a ticket is in its lifecycle (DESIGN §3.2).
public enum TicketStatus: String, CaseIterable, Hashable, Sendable, Codable {
    case open
    case inProgress = "in_progress"
    case pending
    case resolved
    case closed
}

/// Whether a move between two statuses is allowed, and for whom.
public enum TransitionRule: Sendable, Hashable {
    /// Any caller with `ticket.update` may make the move.
    case allowed
    /// Only a caller holding this extra permission may make the move.
    case requires(Permission)
}

/// The status lifecycle of DESIGN §3.2 as one table: the single source for validating a move and listing moves.
public enum TicketLifecycle {
    /// Every permitted move; a pair missing from this table is forbidden.
    public static let table: [TicketStatus: [TicketStatus: TransitionRule]] = [
        .open: [.inProgress: .allowed, .pending: .allowed, .resolved: .allowed, .closed: .allowed],
        .inProgress: [.open: .allowed, .pending: .allowed, .resolved: .allowed, .closed: .allowed],
        .pending: [.open: .allowed, .inProgress: .allowed, .resolved: .allowed, .closed: .allowed],
        .resolved: [.open: .allowed, .inProgress: .allowed, .closed: .allowed],
        .closed: [.open: .requires(.ticketReopenClosed)],
    ]

    /// The rule for moving from `from` to `to`, or nil when the move is not in the table.
    public static func rule(from: TicketStatus, to: TicketStatus) -> TransitionRule? {
        self.table[from]?[to]
    }

    /// The statuses reachable from `from` for a caller holding `permissions`, in lifecycle order.
    public static func allowedTargets(from: TicketStatus, permissions: Set<Permission>) -> [TicketStatus] {
        TicketStatus.allCases.filter { to in
            switch self.rule(from: from, to: to) {
            case .allowed: true
            case .requires(let permission): permissions.contains(permission)
            case nil: false
            }
        }
    }
}
