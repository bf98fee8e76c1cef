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

    /// The demo seed with tokens from `CRM_AGENT_TOKEN` / `CRM_ADMIN_TOKEN` when set. A variable set to an
    /// empty or blank token, or tokens that two users would share, are refused (without showing the token).
    public static func demo(environment: [String: String]) throws(CRMError) -> Seed {
        let seed = Seed.demo(
            agentToken: try Self.token(environment, "CRM_AGENT_TOKEN") ?? "agent123",
            adminToken: try Self.token(environment, "CRM_ADMIN_TOKEN") ?? "admin123")
        try seed.checkTokensAreUnique()
        return seed
    }

    /// Throws unless every token logs in exactly one user (DESIGN §3.4).
    public func checkTokensAreUnique() throws(CRMError) {
        var owners: [TokenHash: String] = [:]
        for account in self.accounts {
            for hash in account.tokenHashes {
                if let owner = owners[hash], owner != account.user.name {
                    throw .validation(
                        field: "tokens",
                        reason: "users '\(owner)' and '\(account.user.name)' would share a token; give each user its own"
                            + " (CRM_AGENT_TOKEN, CRM_ADMIN_TOKEN)")
                }
                owners[hash] = account.user.name
            }
        }
    }

    /// The seed's users and their tokens as a new store keeps them: each user's display name is its login
    /// name; the tokens, numbered from 1 in the order given, are labelled `seed` and never expire.
    public func rows(at seededAt: Timestamp) -> (users: [UserProfile], tokens: [StoredToken]) {
        var users: [UserProfile] = []
        var tokens: [StoredToken] = []
        for account in self.accounts {
            users.append(
                UserProfile(name: account.user.name, displayName: account.user.name, role: account.user.role, createdAt: seededAt))
            for hash in account.tokenHashes {
                let token = Token(
                    id: TokenID(tokens.count + 1), user: account.user.name, label: "seed", createdAt: seededAt,
                    createdBy: "seed", expiresAt: nil)
                tokens.append(StoredToken(token: token, hash: hash))
            }
        }
        return (users, tokens)
    }

    /// A token from the environment, nil when unset; never quoted in an error.
    private static func token(_ environment: [String: String], _ variable: String) throws(CRMError) -> String? {
        guard let token = environment[variable] else { return nil }
        guard !token.isEmpty else {
            throw .validation(field: variable, reason: "is set but empty; unset it to keep the default token")
        }
        guard token.unicodeScalars.allSatisfy({ !$0.properties.isWhitespace && InputRules.oneLineProblem($0) == nil })
        else {
            throw .validation(field: variable, reason: "must not hold spaces, line breaks or control characters")
        }
        guard TokenSecret.id(in: token) == nil else {
            throw .validation(
                field: variable, reason: "must not have the form crm_<id>_… of personal tokens (token create makes those)")
        }
        return token
    }
}
