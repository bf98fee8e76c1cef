extension CRMService {
    /// The digest compared against when no token row was found, so that an unknown token costs what a known
    /// one does.
    private static let absentDigest = TokenHash(bytes: [UInt8](repeating: 0, count: 32))

    /// Exchanges a token for a logged-in caller. A personal token (`crm_<id>_…`) is looked up by its ID, a seeded
    /// one (`agent123`) by its digest: one indexed read either way, then a constant-time comparison of digests.
    /// Unknown, malformed, expired, revoked and disabled all fail alike with `unauthenticated`, after the same
    /// work. A successful login records `last_used_at` at most once a minute.
    public func login(token: String, via channel: Channel) async throws -> Caller {
        let presented = TokenHash(token: token)
        let lookup = TokenSecret.id(in: token).map(CredentialLookup.id) ?? .hash(presented)
        let credential = try await self.store.credential(lookup)
        let now = self.clock.current()
        let digestMatches = (credential?.hash ?? Self.absentDigest).constantTimeEquals(presented)
        let usable = credential?.isUsable(at: now) ?? false
        guard let credential, digestMatches, usable, !token.isEmpty else { throw CRMError.unauthenticated }
        if credential.token.needsUseRecorded(at: now) {
            try await self.store.recordTokenUse(
                credential.token.id, at: now, unlessUsedSince: now.adding(seconds: 1 - Token.lastUseResolutionSeconds))
        }
        return Caller(.user(credential.user.user), via: channel, token: credential.token.id)
    }

    /// The caller as the store sees it now, for a session that outlives one request (the shell): a token
    /// revoked or expired since login, or a user disabled since, is `unauthenticated`; a changed role applies.
    /// One indexed read; an anonymous caller is returned as it is.
    public func reauthenticate(_ caller: Caller) async throws -> Caller {
        guard let id = caller.tokenID, let name = caller.principal.user?.name else { return caller }
        guard let credential = try await self.store.credential(.id(id)), credential.user.name == name,
            credential.isUsable(at: self.clock.current())
        else { throw CRMError.unauthenticated }
        return Caller(.user(credential.user.user), via: caller.channel, token: id)
    }

    /// Who the caller is: their user record and the token they logged in with (`whoami`, `GET /api/me`).
    public func identity(of caller: Caller) async throws -> Identity {
        guard let name = caller.principal.user?.name else { return Identity(user: nil, token: nil) }
        let user = try await self.store.user(named: name)
        let token = try await caller.tokenID.asyncMap { try await self.store.token($0) } ?? nil
        return Identity(user: user, token: token)
    }
}

extension Optional {
    fileprivate func asyncMap<Result>(_ transform: (Wrapped) async throws -> Result) async rethrows -> Result? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
