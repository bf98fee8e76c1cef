/// A user who can log in with one of their tokens.
public struct User: Hashable, Sendable, Codable {
    public var name: String
    public var role: Role

    public init(name: String, role: Role) {
        self.name = name
        self.role = role
    }
}
