import CRMDomain
import CRMTestSupport
import Testing

/// The users-and-tokens part of the store contract (DESIGN §3.1, §4): every store keeps users and token rows
/// alike, finds a login's one row by ID or digest, and writes each change with its audit event.
struct UserChecks {
    static func user(_ name: String, role: Role = .agent, disabled: Bool = false) -> UserProfile {
        UserProfile(name: name, displayName: name.capitalized, role: role, disabled: disabled, createdAt: t0)
    }

    static func token(_ id: TokenID, user: String, expires: Timestamp? = nil) -> StoredToken {
        StoredToken(
            token: Token(id: id, user: user, label: "label \(id)", createdAt: t0, createdBy: "admin", expiresAt: expires),
            hash: TokenHash(token: "secret-\(id)"))
    }

    static func seeded(_ kind: StoreUnderTest) async throws {
        let store = try await kind.make()
        let users = try await store.users(limit: 10, offset: 0)
        #expect(users.total == 2)
        #expect(users.items == [
            UserProfile(name: "admin", displayName: "admin", role: .admin, createdAt: t0),
            UserProfile(name: "agent", displayName: "agent", role: .agent, createdAt: t0),
        ])
        let tokens = try await store.tokens(TokenQuery(user: nil))
        #expect(tokens.items == [
            Token(id: TokenID(1), user: "agent", label: "seed", createdAt: t0, createdBy: "seed", expiresAt: nil),
            Token(id: TokenID(2), user: "admin", label: "seed", createdAt: t0, createdBy: "seed", expiresAt: nil),
        ])
        let agent = try #require(try await store.credential(.hash(TokenHash(token: "agent123"))))
        #expect(agent.token.id == TokenID(1) && agent.user.name == "agent")
        #expect(try await store.credential(.id(TokenID(2)))?.hash == TokenHash(token: "admin123"))
    }

    static func users(_ kind: StoreUnderTest) async throws {
        let store = try await kind.make()
        for name in ["zoe", "bob", "carol"] {
            let inserted = try await store.insertUser(named: name) { existing in
                #expect(existing == nil)
                return Recorded(Self.user(name), audit: Make.record("user.create", "user/\(name)"))
            }
            #expect(inserted == Self.user(name))
        }
        let page = try await store.users(limit: 2, offset: 1)
        #expect(page.items.map(\.name) == ["agent", "bob"])
        #expect(page.total == 5)
        #expect(try await store.user(named: "carol") == Self.user("carol"))
        #expect(try await store.user(named: "nobody") == nil)
        await expectValidation(field: "name") {
            _ = try await store.insertUser(named: "bob") { existing in
                #expect(existing == Self.user("bob"))
                throw CRMError.validation(field: "name", reason: "taken")
            }
        }
        let updated = try await store.updateUser(named: "bob") { user in
            var changed = user
            changed.role = .admin
            changed.displayName = "Robert"
            changed.disabled = true
            return Recorded(changed, audit: Make.record("user.update", "user/bob"))
        }
        #expect(try await store.user(named: "bob") == updated)
        #expect(updated.disabled && updated.role == .admin && updated.displayName == "Robert")
        let audit = try await store.auditEvents(AuditQuery(limit: 100)).items.map(\.action)
        #expect(audit == ["user.create", "user.create", "user.create", "user.update"])
    }

    static func userFailures(_ kind: StoreUnderTest) async throws {
        let store = try await kind.make()
        await expectError(.notFound(entity: "user/ghost")) {
            _ = try await store.updateUser(named: "ghost") { _ in nil }
        }
        await #expect(throws: Make.Boom.self) {
            _ = try await store.insertUser(named: "eve") { _ in throw Make.Boom() }
        }
        await #expect(throws: Make.Boom.self) {
            _ = try await store.updateUser(named: "agent") { _ in throw Make.Boom() }
        }
        #expect(try await store.user(named: "eve") == nil)
        #expect(try await store.users(limit: 10, offset: 0).total == 2)
        #expect(try await store.auditEvents(AuditQuery()).total == 0)
    }

    static func tokens(_ kind: StoreUnderTest) async throws {
        let store = try await kind.make()
        let expiry = t0.adding(seconds: 3_600)
        for owner in ["agent", "admin", "agent"] {
            _ = try await store.insertToken(for: owner) { id, user in
                #expect(user?.name == owner)
                return Recorded(Self.token(id, user: owner, expires: expiry), audit: Make.record("token.create", "token/\(id)"))
            }
        }
        let agents = try await store.tokens(TokenQuery(user: "agent"))
        #expect(agents.items.map(\.id) == [TokenID(1), TokenID(3), TokenID(5)])
        #expect(agents.total == 3)
        let paged = try await store.tokens(TokenQuery(user: nil, limit: 2, offset: 3))
        #expect(paged.items.map(\.id) == [TokenID(4), TokenID(5)] && paged.total == 5)
        #expect(try await store.tokens(TokenQuery(user: "nobody")).total == 0)
        #expect(try await store.token(TokenID(4)) == Self.token(TokenID(4), user: "admin", expires: expiry).token)
        #expect(try await store.token(TokenID(99)) == nil)
        #expect(try await store.token(TokenID(0)) == nil)
        #expect(try await store.token(TokenID(Int.max)) == nil)
        let byID = try #require(try await store.credential(.id(TokenID(3))))
        #expect(byID.token.expiresAt == expiry && byID.hash == TokenHash(token: "secret-3"))
        #expect(byID.user == UserProfile(name: "agent", displayName: "agent", role: .agent, createdAt: t0))
        #expect(try await store.credential(.hash(TokenHash(token: "secret-4")))?.token.id == TokenID(4))
        #expect(try await store.credential(.id(TokenID(99))) == nil)
        #expect(try await store.credential(.id(TokenID(-1))) == nil)
        #expect(try await store.credential(.hash(TokenHash(token: "unknown"))) == nil)
    }

    static func tokenFailures(_ kind: StoreUnderTest) async throws {
        let store = try await kind.make()
        await #expect(throws: Make.Boom.self) {
            _ = try await store.insertToken(for: "ghost") { _, user in
                #expect(user == nil)
                throw Make.Boom()
            }
        }
        await expectError(.notFound(entity: "token/9")) { _ = try await store.updateToken(TokenID(9)) { _ in nil } }
        #expect(try await store.tokens(TokenQuery(user: nil)).total == 2)
        let next = try await store.insertToken(for: "agent") { id, _ in
            Recorded(Self.token(id, user: "agent"), audit: Make.record("token.create", "token/\(id)"))
        }
        #expect(next.id == TokenID(3), "a failed insert uses up no ID")
    }

    static func revokeAndDisable(_ kind: StoreUnderTest) async throws {
        let store = try await kind.make()
        let revoked = try await store.updateToken(TokenID(1)) { token in
            var changed = token
            changed.revokedAt = t0.adding(seconds: 5)
            return Recorded(changed, audit: Make.record("token.revoke", "token/1"))
        }
        #expect(try await store.token(TokenID(1)) == revoked)
        #expect(try await store.credential(.id(TokenID(1)))?.token.revokedAt == t0.adding(seconds: 5))
        _ = try await store.updateUser(named: "admin") { user in
            var changed = user
            changed.disabled = true
            return Recorded(changed, audit: Make.record("user.update", "user/admin"))
        }
        #expect(try await store.credential(.hash(TokenHash(token: "admin123")))?.user.disabled == true)
        #expect(try await store.auditEvents(AuditQuery()).items.map(\.entity) == ["token/1", "user/admin"])
    }

    static func lastUse(_ kind: StoreUnderTest) async throws {
        let store = try await kind.make()
        try await store.recordTokenUse(TokenID(1), at: t0.adding(seconds: 100), unlessUsedSince: t0.adding(seconds: 41))
        #expect(try await store.token(TokenID(1))?.lastUsedAt == t0.adding(seconds: 100))
        try await store.recordTokenUse(TokenID(1), at: t0.adding(seconds: 130), unlessUsedSince: t0.adding(seconds: 71))
        #expect(try await store.token(TokenID(1))?.lastUsedAt == t0.adding(seconds: 100))
        try await store.recordTokenUse(TokenID(1), at: t0.adding(seconds: 160), unlessUsedSince: t0.adding(seconds: 101))
        #expect(try await store.token(TokenID(1))?.lastUsedAt == t0.adding(seconds: 160))
        try await store.recordTokenUse(TokenID(99), at: t0, unlessUsedSince: t0)
        #expect(try await store.auditEvents(AuditQuery()).total == 0)
    }

    static let checks: [StoreContractCheck] = [
        StoreContractCheck("seeded users and tokens: agent's token is 1, admin's 2, labelled seed, never expiring", seeded),
        StoreContractCheck("users: inserted in name order, paged, found by name, updated with their audit event", users),
        StoreContractCheck("users: an unknown name is not found; a throwing closure writes nothing", userFailures),
        StoreContractCheck("tokens: numbered after the seed, listed per user or all, found by ID or digest with their user", tokens),
        StoreContractCheck("tokens: the insert closure sees a missing user as nil; a throw writes nothing", tokenFailures),
        StoreContractCheck("a revocation is saved with its audit event; a disabled user shows in the credential", revokeAndDisable),
        StoreContractCheck("last use is recorded unless already recorded since the given time, with no audit event", lastUse),
    ]
}
