/// The demo data every new store starts with (DESIGN §3.4).
public struct Seed: Sendable {
    public var customers: [NewCustomer]
    public var accounts: [UserAccount]

    public init(customers: [NewCustomer], accounts: [UserAccount]) {
        self.customers = customers
        self.accounts = accounts
    }

    /// Jane and John, and the `agent` and `admin` users with the given (or default) tokens.
    public static func demo(agentToken: String = "agent123", adminToken: String = "admin123") -> Seed {
        Seed(
            customers: [
                NewCustomer(name: "Jane Doe", email: "jane@example.com"),
                NewCustomer(name: "John Smith", email: "john@example.com"),
            ],
            accounts: [
                UserAccount(user: User(name: "agent", role: .agent), tokenHashes: [TokenHash(token: agentToken)]),
                UserAccount(user: User(name: "admin", role: .admin), tokenHashes: [TokenHash(token: adminToken)]),
            ])
    }

    /// The demo seed with tokens from `CRM_AGENT_TOKEN` / `CRM_ADMIN_TOKEN` when set.
    public static func demo(environment: [String: String]) -> Seed {
        .demo(
            agentToken: environment["CRM_AGENT_TOKEN"].flatMap { $0.isEmpty ? nil : $0 } ?? "agent123",
            adminToken: environment["CRM_ADMIN_TOKEN"].flatMap { $0.isEmpty ? nil : $0 } ?? "admin123")
    }
}
