import CRMDomain
import CRMMemoryStore
import CRMTestSupport
import Synchronization
import Testing

/// A clock a test moves by hand; `now()` does not advance it.
final class ManualClock: CRMClock {
    private let time: Mutex<Timestamp>

    init(_ start: Timestamp = t0) {
        self.time = Mutex(start)
    }

    func now() -> Timestamp { self.time.withLock { $0 } }

    func advance(seconds: Int64) {
        self.time.withLock { $0 = $0.adding(seconds: seconds) }
    }
}

/// A world on a manual clock, with the agent, the admin and `alice` (an agent with her own token).
struct AccountWorld {
    let store: InMemoryCRMStore
    let service: CRMService
    let clock: ManualClock
    let agent: Caller
    let admin: Caller

    static func make() async throws -> AccountWorld {
        let clock = ManualClock()
        let store = InMemoryCRMStore(seed: .demo(), seededAt: t0)
        let service = CRMService(store: store, clock: clock)
        return AccountWorld(
            store: store, service: service, clock: clock, agent: try await service.login(token: "agent123", via: .shell),
            admin: try await service.login(token: "admin123", via: .shell))
    }

    func login(_ token: String) async throws -> Caller {
        try await self.service.login(token: token, via: .http)
    }
}

@Suite("Personal tokens (DESIGN §3.1 Token)")
struct TokenTests {
    @Test("a new token is crm_<id>_ and 43 base64url characters (32 random bytes), logs its owner in, and differs every time")
    func createAndLogin() async throws {
        let world = try await AccountWorld.make()
        let first = try await world.service.createToken(NewToken(label: "laptop"), by: world.agent)
        let second = try await world.service.createToken(NewToken(label: "laptop"), by: world.agent)
        let text = first.secret.text
        #expect(text.hasPrefix("crm_\(first.token.id)_"))
        let secret = text.dropFirst("crm_\(first.token.id)_".count)
        #expect(secret.count == 43)
        #expect(secret.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        #expect(second.secret.text.dropFirst("crm_\(second.token.id)_".count) != secret)
        #expect(first.token.id == TokenID(3), "after the two seeded tokens")
        let caller = try await world.login(text)
        #expect(caller.principal == .user(User(name: "agent", role: .agent)))
        #expect(caller.tokenID == first.token.id)
        let identity = try await world.service.identity(of: caller)
        #expect(identity.token?.label == "laptop")
        #expect(identity.token?.expiresAt == t0.adding(seconds: 30 * 86_400), "30 days by default")
    }

    @Test("only the SHA-256 of the token is stored; the secret's description is masked")
    func onlyTheHashIsStored() async throws {
        let world = try await AccountWorld.make()
        let issued = try await world.service.createToken(NewToken(), by: world.agent)
        let credential = try #require(try await world.store.credential(.id(issued.token.id)))
        #expect(credential.hash == TokenHash(token: issued.secret.text))
        #expect("\(issued.secret)" == "crm_\(issued.token.id)_****")
        #expect(!String(reflecting: issued.secret).contains(issued.secret.text.suffix(43)))
    }

    @Test(
        "unknown, malformed, wrong-secret tokens are all unauthenticated",
        arguments: ["", "crm_", "crm_3", "crm_3_", "crm_03_x", "crm_999_abc", "crm_1_agent123", "agent1234", "crm_x_y"])
    func badTokens(_ token: String) async throws {
        let world = try await AccountWorld.make()
        _ = try await world.service.createToken(NewToken(), by: world.agent)
        await expectError(.unauthenticated) { _ = try await world.login(token) }
    }

    @Test("a wrong secret for a real ID is unauthenticated")
    func wrongSecret() async throws {
        let world = try await AccountWorld.make()
        let issued = try await world.service.createToken(NewToken(), by: world.agent)
        var text = issued.secret.text
        let last = text.removeLast()
        text.append(last == "A" ? "B" : "A")
        await expectError(.unauthenticated) { _ = try await world.login(text) }
    }

    @Test("expiry follows the injected clock: valid until the instant, unauthenticated from then on")
    func expiry() async throws {
        let world = try await AccountWorld.make()
        let issued = try await world.service.createToken(NewToken(expires: "12h"), by: world.agent)
        #expect(issued.token.expiresAt == t0.adding(seconds: 12 * 3_600))
        world.clock.advance(seconds: 12 * 3_600 - 1)
        _ = try await world.login(issued.secret.text)
        world.clock.advance(seconds: 1)
        await expectError(.unauthenticated) { _ = try await world.login(issued.secret.text) }
    }

    @Test("--expires accepts 30d, 12h, a date, a UTC time and never; anything else or a past time is a validation error")
    func expiryForms() async throws {
        #expect(try TokenExpiry.expiresAt("30d", now: t0) == t0.adding(seconds: 30 * 86_400))
        #expect(try TokenExpiry.expiresAt("12h", now: t0) == t0.adding(seconds: 12 * 3_600))
        #expect(try TokenExpiry.expiresAt("2026-01-31", now: t0) == Timestamp(iso8601: "2026-01-31T00:00:00Z"))
        #expect(try TokenExpiry.expiresAt("2026-01-31T12:00:00Z", now: t0) == Timestamp(iso8601: "2026-01-31T12:00:00Z"))
        #expect(try TokenExpiry.expiresAt("never", now: t0) == nil)
        for bad in ["", "0d", "30", "30m", "-1d", "3651d", "2024-01-01", "tomorrow", "1e3d", "99999999999999999999d"] {
            await expectValidation(field: "expires") { _ = try TokenExpiry.expiresAt(bad, now: t0) }
        }
    }

    @Test("a revoked token stops at once; revoking again changes and records nothing")
    func revocation() async throws {
        let world = try await AccountWorld.make()
        let issued = try await world.service.createToken(NewToken(), by: world.agent)
        _ = try await world.login(issued.secret.text)
        let revoked = try await world.service.revokeToken(issued.token.id, by: world.agent)
        #expect(revoked.revokedAt == t0)
        await expectError(.unauthenticated) { _ = try await world.login(issued.secret.text) }
        let events = try await world.store.auditEvents(AuditQuery(limit: 1000)).total
        #expect(try await world.service.revokeToken(issued.token.id, by: world.agent).revokedAt == t0)
        #expect(try await world.store.auditEvents(AuditQuery(limit: 1000)).total == events)
    }

    @Test("the seeded tokens are rows too: revoking agent123 stops it")
    func seededTokenRevocation() async throws {
        let world = try await AccountWorld.make()
        let tokens = try await world.service.listTokens(by: world.agent).items
        #expect(tokens.map(\.label) == ["seed"])
        _ = try await world.service.revokeToken(tokens[0].id, by: world.admin)
        await expectError(.unauthenticated) { _ = try await world.login("agent123") }
        await expectError(.unauthenticated) { _ = try await world.service.reauthenticate(world.agent) }
    }

    @Test("a disabled user's tokens, personal and seeded, stop at once and work again when enabled")
    func disabledUser() async throws {
        let world = try await AccountWorld.make()
        let issued = try await world.service.createToken(NewToken(), by: world.agent)
        _ = try await world.service.updateUser(named: "agent", UserChanges(disabled: true), by: world.admin)
        await expectError(.unauthenticated) { _ = try await world.login(issued.secret.text) }
        await expectError(.unauthenticated) { _ = try await world.login("agent123") }
        await expectError(.unauthenticated) { _ = try await world.service.reauthenticate(world.agent) }
        _ = try await world.service.updateUser(named: "agent", UserChanges(disabled: false), by: world.admin)
        _ = try await world.login(issued.secret.text)
        _ = try await world.login("agent123")
    }

    @Test("a role change applies to a running session at its next command")
    func roleChangeReauthenticates() async throws {
        let world = try await AccountWorld.make()
        _ = try await world.service.updateUser(named: "agent", UserChanges(role: .admin), by: world.admin)
        let refreshed = try await world.service.reauthenticate(world.agent)
        #expect(refreshed.principal.user?.role == .admin)
    }

    @Test("last_used_at is written on use, at most once a minute")
    func lastUsed() async throws {
        let world = try await AccountWorld.make()
        let issued = try await world.service.createToken(NewToken(), by: world.agent)
        #expect(issued.token.lastUsedAt == nil)
        _ = try await world.login(issued.secret.text)
        #expect(try await world.store.token(issued.token.id)?.lastUsedAt == t0)
        world.clock.advance(seconds: 59)
        _ = try await world.login(issued.secret.text)
        #expect(try await world.store.token(issued.token.id)?.lastUsedAt == t0)
        world.clock.advance(seconds: 1)
        _ = try await world.login(issued.secret.text)
        #expect(try await world.store.token(issued.token.id)?.lastUsedAt == t0.adding(seconds: 60))
    }

    @Test("an agent cannot list another user's tokens (forbidden) nor see or revoke them (not found, as if absent)")
    func agentsOwnTokensOnly() async throws {
        let world = try await AccountWorld.make()
        let adminToken = try await world.service.createToken(NewToken(label: "admin laptop"), by: world.admin)
        await expectError(.forbidden(permission: .userManage, principal: "agent")) {
            _ = try await world.service.listTokens(user: "admin", by: world.agent)
        }
        await expectError(.forbidden(permission: .userManage, principal: "agent")) {
            _ = try await world.service.listTokens(user: "nobody-at-all", by: world.agent)
        }
        await expectError(.forbidden(permission: .userManage, principal: "agent")) {
            _ = try await world.service.listTokens(all: true, by: world.agent)
        }
        await expectError(.notFound(entity: "token/\(adminToken.token.id)")) {
            _ = try await world.service.revokeToken(adminToken.token.id, by: world.agent)
        }
        await expectError(.notFound(entity: "token/\(adminToken.token.id)")) {
            _ = try await world.service.token(adminToken.token.id, by: world.agent)
        }
        await expectError(.notFound(entity: "token/999")) { _ = try await world.service.revokeToken(TokenID(999), by: world.agent) }
        #expect(try await world.store.token(adminToken.token.id)?.revokedAt == nil)
        _ = try await world.login(adminToken.secret.text)
        #expect(try await world.service.listTokens(by: world.agent).items.allSatisfy { $0.user == "agent" })
        #expect(try await world.service.listTokens(all: true, by: world.admin).total == 3)
        #expect(try await world.service.revokeToken(adminToken.token.id, by: world.admin).revokedAt != nil)
    }

    @Test("an admin creates a token for another user; not for an unknown or disabled one")
    func adminCreatesForOthers() async throws {
        let world = try await AccountWorld.make()
        _ = try await world.service.createUser(NewUser(name: "alice", role: .agent), by: world.admin)
        let issued = try await world.service.createToken(NewToken(user: "alice", label: "ci", expires: "never"), by: world.admin)
        #expect(issued.token.user == "alice" && issued.token.createdBy == "admin" && issued.token.expiresAt == nil)
        #expect(try await world.login(issued.secret.text).principal.name == "alice")
        await expectError(.notFound(entity: "user/ghost")) {
            _ = try await world.service.createToken(NewToken(user: "ghost"), by: world.admin)
        }
        _ = try await world.service.updateUser(named: "alice", UserChanges(disabled: true), by: world.admin)
        await expectValidation(field: "user") { _ = try await world.service.createToken(NewToken(user: "alice"), by: world.admin) }
    }

    @Test("login reads exactly one token row, however many users and tokens there are")
    func loginIsOneRead() async throws {
        let world = try await AccountWorld.make()
        for index in 0..<200 {
            let name = "user\(index)"
            _ = try await world.service.createUser(NewUser(name: name, role: .agent), by: world.admin)
            _ = try await world.service.createToken(NewToken(user: name), by: world.admin)
        }
        let issued = try await world.service.createToken(NewToken(), by: world.agent)
        let counting = CountingStore(world.store)
        let service = CRMService(store: counting, clock: world.clock)
        for token in [issued.secret.text, "agent123", "crm_99999_nope", "nope"] {
            counting.reset()
            _ = try? await service.login(token: token, via: .http)
            #expect(counting.credentialReads == 1, "\(token.prefix(4))")
            #expect(counting.otherCalls <= 1, "at most the last-use write")
        }
    }

    @Test("audit events for users and tokens never hold a secret or a digest")
    func auditHoldsNoSecret() async throws {
        let world = try await AccountWorld.make()
        _ = try await world.service.createUser(NewUser(name: "alice", role: .agent, displayName: "Alice"), by: world.admin)
        _ = try await world.service.updateUser(named: "alice", UserChanges(role: .admin), by: world.admin)
        let issued = try await world.service.createToken(NewToken(user: "alice", label: "ci"), by: world.admin)
        _ = try await world.service.revokeToken(issued.token.id, by: world.admin)
        let events = try await world.store.auditEvents(AuditQuery(limit: 100)).items
        #expect(events.map(\.action) == ["user.create", "user.update", "token.create", "token.revoke"])
        #expect(events.map(\.entity) == ["user/alice", "user/alice", "token/3", "token/3"])
        let hex = TokenHash(token: issued.secret.text).bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        for event in events {
            let text = JSONWriter.text(of: event)
            #expect(!text.contains(issued.secret.text.suffix(43)) && !text.contains(hex))
        }
        #expect(try await world.service.auditLog(entity: "user/alice", by: world.admin).total == 2)
        #expect(try await world.service.auditLog(entity: "token/3", by: world.admin).total == 2)
    }
}

@Suite("Users (DESIGN §3.1 User)")
struct UserTests {
    @Test("create, show, list, update; the display name defaults to the login name")
    func lifecycle() async throws {
        let world = try await AccountWorld.make()
        let alice = try await world.service.createUser(NewUser(name: "alice", role: .agent), by: world.admin)
        #expect(alice == UserProfile(name: "alice", displayName: "alice", role: .agent, createdAt: t0))
        #expect(try await world.service.user(named: "alice", by: world.admin) == alice)
        #expect(try await world.service.listUsers(by: world.admin).items.map(\.name) == ["admin", "agent", "alice"])
        let updated = try await world.service.updateUser(
            named: "alice", UserChanges(role: .admin, displayName: "Alice Liddell"), by: world.admin)
        #expect(updated.role == .admin && updated.displayName == "Alice Liddell")
        await expectError(.notFound(entity: "user/ghost")) { _ = try await world.service.user(named: "ghost", by: world.admin) }
    }

    @Test("login names are [a-z][a-z0-9._-]{0,31}", arguments: ["", "Alice", "1abc", "a b", "é", "a/b", String(repeating: "a", count: 33), "-x"])
    func badNames(_ name: String) async throws {
        let world = try await AccountWorld.make()
        await expectValidation(field: "name") { _ = try await world.service.createUser(NewUser(name: name, role: .agent), by: world.admin) }
    }

    @Test("good names", arguments: ["a", "alice", "a.b-c_d9", String(repeating: "z", count: 32)])
    func goodNames(_ name: String) async throws {
        let world = try await AccountWorld.make()
        #expect(try await world.service.createUser(NewUser(name: name, role: .agent), by: world.admin).name == name)
    }

    @Test("a taken name is a conflict; a bad display name or disabling oneself is a validation error; none changes anything")
    func refusals() async throws {
        let world = try await AccountWorld.make()
        await expectError(.conflict(entity: "user/agent", reason: .alreadyExists)) {
            _ = try await world.service.createUser(NewUser(name: "agent", role: .admin), by: world.admin)
        }
        await expectValidation(field: "display_name") {
            _ = try await world.service.createUser(NewUser(name: "x", role: .agent, displayName: "a\u{202E}b"), by: world.admin)
        }
        await expectValidation(field: "disabled") {
            _ = try await world.service.updateUser(named: "admin", UserChanges(disabled: true), by: world.admin)
        }
        await expectValidation(field: "role") {
            _ = try await world.service.updateUser(named: "admin", UserChanges(role: .agent), by: world.admin)
        }
        #expect(try await world.store.auditEvents(AuditQuery()).total == 0)
    }

    @Test("tickets are assigned to real, enabled users only")
    func assignees() async throws {
        let world = try await AccountWorld.make()
        let ticket = try await world.service.createTicket(NewTicket(customerID: CustomerID(1), subject: "x"), by: world.agent)
        await expectValidation(field: "assignee") { _ = try await world.service.assignTicket(ticket.id, to: .user("alice"), by: world.agent) }
        _ = try await world.service.createUser(NewUser(name: "alice", role: .agent), by: world.admin)
        #expect(try await world.service.assignTicket(ticket.id, to: .user("alice"), by: world.agent).assignee == "alice")
        _ = try await world.service.updateUser(named: "alice", UserChanges(disabled: true), by: world.admin)
        await expectValidation(field: "assignee") {
            _ = try await world.service.createTicket(
                NewTicket(customerID: CustomerID(1), subject: "y", assignee: .user("alice")), by: world.agent)
        }
    }
}

/// A store that counts the calls a use case makes, forwarding them all.
final class CountingStore: ForwardingStore, @unchecked Sendable {
    private let counts = Mutex((credential: 0, other: 0))

    var credentialReads: Int { self.counts.withLock { $0.credential } }
    var otherCalls: Int { self.counts.withLock { $0.other } }
    func reset() { self.counts.withLock { $0 = (0, 0) } }

    override func willForward(_ call: String) {
        self.counts.withLock { counts in
            if call == "credential(_:)" { counts.credential += 1 } else { counts.other += 1 }
        }
    }
}
