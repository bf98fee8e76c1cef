/// A personal API token as crm keeps it (DESIGN §3.1 Token): everything but the secret, which is shown once at
/// creation and stored only as its SHA-256 digest.
public struct Token: Hashable, Sendable, JSONWritable {
    public var id: TokenID
    /// The name of the user the token logs in.
    public var user: String
    public var label: String?
    public var createdAt: Timestamp
    /// Who created it: the user, an admin, or `seed` for the seeded tokens.
    public var createdBy: String
    /// When it stops working; nil: never.
    public var expiresAt: Timestamp?
    public var lastUsedAt: Timestamp?
    public var revokedAt: Timestamp?

    public init(
        id: TokenID, user: String, label: String?, createdAt: Timestamp, createdBy: String, expiresAt: Timestamp?,
        lastUsedAt: Timestamp? = nil, revokedAt: Timestamp? = nil
    ) {
        self.id = id
        self.user = user
        self.label = label
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.expiresAt = expiresAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }

    /// How often at most `last_used_at` is written for one token.
    public static let lastUseResolutionSeconds: Int64 = 60

    /// Whether the token logs its user in at `now` (not revoked, not expired); the user's own state is apart.
    public func isActive(at now: Timestamp) -> Bool {
        self.revokedAt == nil && (self.expiresAt.map { now < $0 } ?? true)
    }

    /// Whether a login at `now` should record itself: never recorded, or last recorded a minute or more ago.
    public func needsUseRecorded(at now: Timestamp) -> Bool {
        guard let lastUsedAt = self.lastUsedAt else { return true }
        return now.secondsSince1970 - lastUsedAt.secondsSince1970 >= Self.lastUseResolutionSeconds
    }

    public func write(to json: inout JSONWriter) {
        self.write(to: &json, secret: nil)
    }

    /// The token's object; with `secret`, that token's clear text as `token` (only when just created).
    func write(to json: inout JSONWriter, secret: TokenSecret?) {
        json.beginObject()
        json.field("created_at", self.createdAt)
        json.field("created_by", self.createdBy)
        json.field("expires_at", self.expiresAt)
        json.field("id", self.id)
        json.field("label", self.label)
        json.field("last_used_at", self.lastUsedAt)
        json.field("revoked_at", self.revokedAt)
        if let secret {
            json.field("token", secret.text)
        }
        json.field("user", self.user)
        json.endObject()
    }
}

public typealias TokenID = Identifier<Token>

/// A token row as a store keeps it: the token and the digest a login compares against.
public struct StoredToken: Hashable, Sendable {
    public var token: Token
    public var hash: TokenHash

    public init(token: Token, hash: TokenHash) {
        self.token = token
        self.hash = hash
    }
}

/// What a login reads in one step: the token row, its digest and its user.
public struct Credential: Hashable, Sendable {
    public var token: Token
    public var hash: TokenHash
    public var user: UserProfile

    public init(token: Token, hash: TokenHash, user: UserProfile) {
        self.token = token
        self.hash = hash
        self.user = user
    }

    /// Whether it logs its user in at `now`: the token active and the user enabled.
    public func isUsable(at now: Timestamp) -> Bool {
        self.token.isActive(at: now) && !self.user.disabled
    }
}

/// How a login finds the one token row to compare against: a personal token (`crm_<id>_…`) by its ID, a
/// seeded token of the original's form (`agent123`) by its digest. Both are one indexed read.
public enum CredentialLookup: Hashable, Sendable {
    case id(TokenID)
    case hash(TokenHash)
}

/// What `token create` asks for.
public struct NewToken: Hashable, Sendable {
    /// Whose token it is; nil: the caller's own.
    public var user: String?
    public var label: String?
    /// `30d`, `12h`, a date (`2026-01-31`), a UTC time, or `never`; nil: the default lifetime.
    public var expires: String?

    public init(user: String? = nil, label: String? = nil, expires: String? = nil) {
        self.user = user
        self.label = label
        self.expires = expires
    }
}

/// A token just created, with its secret: the only value that ever holds it in clear. Its JSON is the token's
/// object plus `token`, the secret.
public struct IssuedToken: Sendable, JSONWritable {
    public var token: Token
    public var secret: TokenSecret

    public init(token: Token, secret: TokenSecret) {
        self.token = token
        self.secret = secret
    }

    public func write(to json: inout JSONWriter) {
        self.token.write(to: &json, secret: self.secret)
    }
}

/// Who a caller is: the user (nil when anonymous) and the token they logged in with, if any (`whoami`).
public struct Identity: Hashable, Sendable {
    public var user: UserProfile?
    public var token: Token?

    public init(user: UserProfile?, token: Token?) {
        self.user = user
        self.token = token
    }
}
