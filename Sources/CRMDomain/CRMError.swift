/// Every way a use case can fail (DESIGN §3.5), each carrying what a user needs to fix the problem.
public enum CRMError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No such entity (e.g. `ticket/7`).
    case notFound(entity: String)
    /// The caller lacks a permission; nothing changed.
    case forbidden(permission: Permission, principal: String)
    /// A field's value is unacceptable.
    case validation(field: String, reason: String)
    /// The status move is not in the lifecycle; `allowed` lists the moves the caller may make.
    case invalidTransition(from: TicketStatus, to: TicketStatus, allowed: [TicketStatus])
    /// The entity's state forbids the change: an out-of-date version was edited, or other entities depend on it.
    case conflict(entity: String, reason: ConflictReason)
    /// The token matched no user.
    case unauthenticated
    /// The store cannot be reached (its database is down or restarting); nothing changed that the caller can't see
    /// by reading again, and the same request may succeed later. `reason` never holds a password.
    case unavailable(reason: String)

    /// The stable machine-readable code (`not_found`, `forbidden`, ...).
    public var code: String {
        switch self {
        case .notFound: "not_found"
        case .forbidden: "forbidden"
        case .validation: "validation"
        case .invalidTransition: "invalid_transition"
        case .conflict: "conflict"
        case .unauthenticated: "unauthenticated"
        case .unavailable: "unavailable"
        }
    }

    /// A one-line message for a person, never containing a token.
    public var description: String {
        switch self {
        case .notFound(let entity):
            "\(entity) not found"
        case .forbidden(let permission, let principal):
            principal == "anonymous"
                ? "permission denied: \(permission.rawValue) requires login"
                : "permission denied: \(principal) lacks \(permission.rawValue)"
        case .validation(let field, let reason):
            "\(field): \(reason)"
        case .invalidTransition(let from, let to, let allowed):
            "cannot move ticket from \(from.rawValue) to \(to.rawValue); allowed: "
                + (allowed.isEmpty ? "none" : allowed.map(\.rawValue).joined(separator: ", "))
        case .conflict(let entity, .staleVersion(let expected, let current)) where expected < 1:
            "\(entity) is at version \(current), which does not match the version asked for"
        case .conflict(let entity, .staleVersion(let expected, let current)):
            "\(entity) has changed: you edited version \(expected), it is now at version \(current)"
        case .conflict(let entity, .hasDependants(let count, let noun)):
            "\(entity) still has \(count) \(noun)\(count == 1 ? "" : "s"); delete them first"
        case .conflict(let entity, .alreadyExists):
            "\(entity) already exists"
        case .unauthenticated:
            "invalid token"
        case .unavailable(let reason):
            "the database is unavailable (\(reason)); try again later"
        }
    }
}

/// Why a `conflict` happened: HTTP answers a stale version with 412, a blocked delete or a taken name with 409.
public enum ConflictReason: Hashable, Sendable {
    /// The caller expected `expected`, but the entity is at `current`.
    case staleVersion(expected: Int, current: Int)
    /// A delete is blocked by `count` dependent entities (e.g. a customer's tickets), named by `noun`.
    case hasDependants(count: Int, noun: String)
    /// The entity to be created has a name another one already holds (a user's login name).
    case alreadyExists
}
