extension CRMService {
    /// Creates a personal token (`token.own`; for another user also `user.manage`) and returns it with its
    /// secret, which crm never shows again: only its SHA-256 digest is kept.
    public func createToken(_ input: NewToken, by caller: Caller) async throws -> IssuedToken {
        let owner = try self.tokenOwner(input.user, by: caller)
        let label = try input.label.map { try Validation.tokenLabel($0) }
        let expires = input.expires ?? TokenExpiry.defaultLifetime
        _ = try TokenExpiry.expiresAt(expires, now: self.clock.current())
        let secret = TokenSecret.randomSecret()
        let clock = self.clock
        let token = try await self.store.insertToken(for: owner) { id, user in
            guard let user else { throw CRMError.notFound(entity: "user/\(owner)") }
            guard !user.disabled else {
                throw CRMError.validation(field: "user", reason: "user '\(owner)' is disabled; enable them first")
            }
            let now = clock.now()
            let token = Token(
                id: id, user: owner, label: label, createdAt: now, createdBy: caller.principal.name,
                expiresAt: try TokenExpiry.expiresAt(expires, now: now))
            let changes: [String: FieldChange] = [
                "user": FieldChange(.null, .string(owner)), "label": FieldChange(.null, AuditValue(label)),
                "expires_at": FieldChange(.null, AuditValue(token.expiresAt?.iso8601)),
            ]
            let stored = StoredToken(token: token, hash: TokenSecret(id: id, secret: secret).hash)
            return Recorded(stored, audit: self.record("token.create", "token/\(id)", changes, caller, now))
        }
        return IssuedToken(token: token, secret: TokenSecret(id: token.id, secret: secret))
    }

    /// A page of tokens, newest last, never with a secret or digest: the caller's own (`token.own`), another
    /// user's (`user`), or everyone's (`all`); the last two need `user.manage`, checked before anything is read.
    public func listTokens(
        user: String? = nil, all: Bool = false, _ page: PageRequest = PageRequest(), by caller: Caller
    ) async throws -> Page<Token> {
        let page = try Validation.page(page)
        if all {
            guard user == nil else { throw CRMError.validation(field: "all", reason: "give either a user or all, not both") }
            try self.authorize(caller, .tokenOwn)
            try self.authorize(caller, .userManage)
            return try await self.store.tokens(TokenQuery(user: nil, limit: page.limit, offset: page.offset))
        }
        let owner = try self.tokenOwner(user, by: caller)
        if owner != caller.principal.name, try await self.store.user(named: owner) == nil {
            throw CRMError.notFound(entity: "user/\(owner)")
        }
        return try await self.store.tokens(TokenQuery(user: owner, limit: page.limit, offset: page.offset))
    }

    /// One token (`token.own`): one's own, or with `user.manage` anyone's; another user's is `not_found`.
    public func token(_ id: TokenID, by caller: Caller) async throws -> Token {
        try self.authorize(caller, .tokenOwn)
        guard let token = try await self.store.token(id),
            token.user == caller.principal.name || self.policy.allows(caller.principal, .userManage)
        else { throw CRMError.notFound(entity: "token/\(id)") }
        return token
    }

    /// Revokes a token at once (`token.own`): one's own, or with `user.manage` anyone's. Another user's token is
    /// `not_found` to a caller who may not manage it, exactly like a token that does not exist. Revoking a revoked
    /// token succeeds and records nothing.
    public func revokeToken(_ id: TokenID, by caller: Caller) async throws -> Token {
        try self.authorize(caller, .tokenOwn)
        let managesUsers = self.policy.allows(caller.principal, .userManage)
        let clock = self.clock
        return try await self.store.updateToken(id) { token in
            guard managesUsers || token.user == caller.principal.name else {
                throw CRMError.notFound(entity: "token/\(id)")
            }
            guard token.revokedAt == nil else { return nil }
            let now = clock.now()
            var revoked = token
            revoked.revokedAt = now
            let changes: [String: FieldChange] = ["revoked_at": FieldChange(.null, .string(now.iso8601))]
            return Recorded(revoked, audit: self.record("token.revoke", "token/\(id)", changes, caller, now))
        }
    }

    /// Whose tokens a request is about: the caller's own (`token.own`), or a named other user (`user.manage`).
    private func tokenOwner(_ user: String?, by caller: Caller) throws -> String {
        try self.authorize(caller, .tokenOwn)
        guard let user, user != caller.principal.name else { return caller.principal.name }
        try self.authorize(caller, .userManage)
        return try Validation.loginName(user, field: "user")
    }
}
