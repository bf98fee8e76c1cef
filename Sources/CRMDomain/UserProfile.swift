/// A person who can log in (DESIGN §3.1 User). Never deleted, because the audit trail names them; a disabled
/// user's tokens stop working at once.
public struct UserProfile: Hashable, Sendable, JSONWritable {
    /// The login name, `[a-z][a-z0-9._-]{0,31}`; assignees and audit actors are these names.
    public var name: String
    public var displayName: String
    public var role: Role
    public var disabled: Bool
    public var createdAt: Timestamp

    public init(name: String, displayName: String, role: Role, disabled: Bool = false, createdAt: Timestamp) {
        self.name = name
        self.displayName = displayName
        self.role = role
        self.disabled = disabled
        self.createdAt = createdAt
    }

    /// The identity this user acts as once logged in.
    public var user: User {
        User(name: self.name, role: self.role)
    }

    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("created_at", self.createdAt)
        json.field("disabled", self.disabled)
        json.field("display_name", self.displayName)
        json.field("name", self.name)
        json.field("role", self.role.rawValue)
        json.endObject()
    }
}

/// What `user create` asks for.
public struct NewUser: Hashable, Sendable {
    public var name: String
    public var role: Role
    /// Shown instead of the login name where a person reads it; the login name when nil.
    public var displayName: String?

    public init(name: String, role: Role, displayName: String? = nil) {
        self.name = name
        self.role = role
        self.displayName = displayName
    }
}

/// What `user update`, `user disable` and `user enable` change; nil leaves a field as it is.
public struct UserChanges: Hashable, Sendable {
    public var role: Role?
    public var displayName: String?
    public var disabled: Bool?

    public init(role: Role? = nil, displayName: String? = nil, disabled: Bool? = nil) {
        self.role = role
        self.displayName = displayName
        self.disabled = disabled
    }
}

extension Role {
    /// Reads a role by name, or fails with a validation error naming `field` and the valid values.
    public init(validating text: String, field: String = "role") throws(CRMError) {
        guard let role = Role(rawValue: text) else {
            throw .validation(
                field: field,
                reason: "unknown role '\(InputRules.shown(text))' (one of \(Role.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        self = role
    }
}
