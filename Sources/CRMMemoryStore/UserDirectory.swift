import CRMDomain

/// The in-memory store's users and tokens: users by name (and in name order, for paging), tokens by ID, and
/// the digests of tokens for the seeded tokens' lookup. Every read a login makes is one dictionary or array
/// access, however many users and tokens there are.
struct UserDirectory: Sendable {
    private var users: [String: UserProfile] = [:]
    /// User names in ascending order.
    private var names: [String] = []
    /// Indexed by token ID - 1.
    private var tokens: [StoredToken] = []
    private var tokenIDsByHash: [TokenHash: TokenID] = [:]
    /// Digests that more than one token has (only a seed that should have been refused): they log in nobody.
    private var sharedHashes: Set<TokenHash> = []
    private var tokenIDsByUser: [String: [TokenID]] = [:]

    init(users: [UserProfile], tokens: [StoredToken]) {
        for user in users { self.insert(user) }
        for token in tokens { self.append(token) }
    }

    var nextTokenID: TokenID { TokenID(self.tokens.count + 1) }

    func user(named name: String) -> UserProfile? {
        self.users[name]
    }

    func users(limit: Int, offset: Int) -> Page<UserProfile> {
        let items = self.names.dropFirst(offset).prefix(limit).compactMap { self.users[$0] }
        return Page(items: items, total: self.names.count, limit: limit, offset: offset)
    }

    mutating func insert(_ user: UserProfile) {
        if self.users.updateValue(user, forKey: user.name) == nil {
            let position = self.names.partitioningIndex { $0 >= user.name }
            self.names.insert(user.name, at: position)
        }
    }

    mutating func replace(_ user: UserProfile) {
        self.users[user.name] = user
    }

    /// The token with this ID; any ID a client sends is compared, never computed with.
    func token(_ id: TokenID) -> StoredToken? {
        guard id.rawValue >= 1, id.rawValue <= self.tokens.count else { return nil }
        return self.tokens[id.rawValue - 1]
    }

    func tokens(_ query: TokenQuery) -> Page<Token> {
        let ids: [TokenID] =
            if let user = query.user { self.tokenIDsByUser[user] ?? [] } else { self.tokens.map(\.token.id) }
        let items = ids.dropFirst(query.offset).prefix(query.limit).compactMap { self.token($0)?.token }
        return Page(items: items, total: ids.count, limit: query.limit, offset: query.offset)
    }

    mutating func append(_ token: StoredToken) {
        self.tokens.append(token)
        if self.tokenIDsByHash.updateValue(token.token.id, forKey: token.hash) != nil {
            self.sharedHashes.insert(token.hash)
        }
        self.tokenIDsByUser[token.token.user, default: []].append(token.token.id)
    }

    mutating func replace(_ token: Token) {
        self.tokens[token.id.rawValue - 1].token = token
    }

    func credential(_ lookup: CredentialLookup) -> Credential? {
        let stored: StoredToken? =
            switch lookup {
            case .id(let id): self.token(id)
            case .hash(let hash): self.sharedHashes.contains(hash) ? nil : self.tokenIDsByHash[hash].flatMap(self.token)
            }
        guard let stored, let user = self.users[stored.token.user] else { return nil }
        return Credential(token: stored.token, hash: stored.hash, user: user)
    }
}

extension Array {
    /// The first index whose element satisfies `predicate`, which must be false then true along the array.
    fileprivate func partitioningIndex(where predicate: (Element) -> Bool) -> Int {
        var low = 0
        var high = self.count
        while low < high {
            let middle = (low + high) / 2
            if predicate(self[middle]) { high = middle } else { low = middle + 1 }
        }
        return low
    }
}
