import CRMDomain

extension UserProfile: Renderable {
    public static let fields = ["name", "display_name", "role", "disabled", "created_at"]
    public static let listFields = fields
    public var values: [String] {
        [self.name, self.displayName, self.role.rawValue, String(self.disabled), self.createdAt.iso8601]
    }
}

extension Token: Renderable {
    public static let fields = [
        "id", "user", "label", "created_at", "created_by", "expires_at", "last_used_at", "revoked_at",
    ]
    public static let listFields = ["id", "user", "label", "created_at", "expires_at", "last_used_at", "revoked_at"]
    public var values: [String] {
        [
            self.id.description, self.user, self.label ?? "", self.createdAt.iso8601, self.createdBy,
            self.expiresAt?.iso8601 ?? "never", self.lastUsedAt?.iso8601 ?? "", self.revokedAt?.iso8601 ?? "",
        ]
    }
}

/// What `token create` prints in `json`, `csv` and `tsv`: the token's fields and, once, its secret as `token`
/// (the same object as `POST /api/tokens` answers).
struct NewTokenOutput: Renderable {
    let issued: IssuedToken

    init(_ issued: IssuedToken) {
        self.issued = issued
    }

    static let fields = Token.fields + ["token"]
    static let listFields = fields
    var values: [String] { self.issued.token.values + [self.issued.secret.text] }

    func write(to json: inout JSONWriter) {
        self.issued.write(to: &json)
    }
}

/// What `whoami` shows: the user, their role, and the token this session logged in with.
struct WhoAmI: Renderable {
    let user: String
    let role: String?
    let displayName: String?
    let token: Token?

    init(_ principal: Principal, _ identity: Identity) {
        self.user = principal.name
        self.role = principal.user?.role.rawValue
        self.displayName = identity.user?.displayName
        self.token = identity.token
    }

    /// The `table` line: `agent (agent); token 1 "seed", never expires`.
    var summary: String {
        guard let role = self.role else { return self.user }
        guard let token = self.token else { return "\(self.user) (\(role))" }
        let expiry = token.expiresAt.map { "expires \($0.iso8601)" } ?? "never expires"
        return "\(self.user) (\(role)); token \(token.id) \"\(token.label ?? "")\", \(expiry)"
    }

    static let fields = ["user", "role", "display_name", "token_id", "token_label", "token_expires_at"]
    static let listFields = fields
    var values: [String] {
        [
            self.user, self.role ?? "", self.displayName ?? "", self.token?.id.description ?? "", self.token?.label ?? "",
            self.token.map { $0.expiresAt?.iso8601 ?? "never" } ?? "",
        ]
    }

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("display_name", self.displayName)
        json.field("role", self.role)
        json.key("token")
        if let token = self.token {
            json.beginObject()
            json.field("expires_at", token.expiresAt)
            json.field("id", token.id)
            json.field("label", token.label)
            json.endObject()
        } else {
            json.null()
        }
        json.field("user", self.user)
        json.endObject()
    }
}
