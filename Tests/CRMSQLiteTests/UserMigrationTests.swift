import CRMDomain
import CRMTestSupport
import Foundation
import Testing

@testable import CRMSQLite

/// Migration 3 (users and personal tokens) upgrades a database of the release before it in place.
@Suite("SQLite migration 3: users and tokens")
struct UserMigrationTests {
    /// A database as the release before users and tokens left it (its migrations 1 and 2, by this code), holding
    /// `olderReleaseRows`.
    static func previousReleaseDatabase(at path: String) throws {
        try SQLiteSchema.writeEarlierRelease(path: path, migrations: 2, seed: .demo(), seededAt: t0)
        try sqlite3(path, olderReleaseRows)
    }

    @Test("the file starts at schema 2 without users' new columns")
    func startingPoint() throws {
        let path = try temporaryFolder().appendingPathComponent("previous.sqlite").path
        try Self.previousReleaseDatabase(at: path)
        #expect(try sqlite3(path, "PRAGMA user_version;") == "2\n")
        #expect(try sqlite3(path, "SELECT COUNT(*) FROM pragma_table_info('users');") == "2\n")
    }

    @Test("it opens and upgrades in place: data kept, users dated, seeded tokens become rows 1 and 2 that still log in")
    func upgrade() async throws {
        let path = try temporaryFolder().appendingPathComponent("previous.sqlite").path
        try Self.previousReleaseDatabase(at: path)
        let fixture = try await SQLiteFixture(path: path)
        let service = fixture.service
        #expect(try sqlite3(path, "PRAGMA user_version;") == "3\n")

        let ticket = try await service.ticket(TicketID(1), by: fixture.agent)
        #expect(ticket.subject == "Printer" && ticket.status == .pending && ticket.tags == ["hw"] && ticket.version == 2)
        #expect(try await service.notes(on: TicketID(1), by: fixture.agent).map(\.text) == ["called"])
        let history = try await service.ticketHistory(TicketID(1), by: fixture.agent).items
        #expect(history.map(\.action) == ["ticket.create", "note.add"])

        let users = try await service.listUsers(by: fixture.admin).items
        #expect(users == [
            UserProfile(name: "admin", displayName: "admin", role: .admin, createdAt: t0),
            UserProfile(name: "agent", displayName: "agent", role: .agent, createdAt: t0),
        ])
        let tokens = try await service.listTokens(all: true, by: fixture.admin).items
        #expect(tokens.map(\.id) == [TokenID(1), TokenID(2)])
        #expect(tokens.map(\.user) == ["agent", "admin"])
        #expect(tokens.allSatisfy { $0.label == "seed" && $0.expiresAt == nil && $0.revokedAt == nil })
        #expect(fixture.agent.tokenID == TokenID(1) && fixture.admin.tokenID == TokenID(2))

        let issued = try await service.createToken(NewToken(label: "new"), by: fixture.agent)
        #expect(issued.token.id == TokenID(3))
        #expect(try await service.login(token: issued.secret.text, via: .http).principal.name == "agent")
        let assigned = try await service.createUser(NewUser(name: "alice", role: .agent), by: fixture.admin)
        #expect(try await service.assignTicket(TicketID(1), to: .user(assigned.name), by: fixture.agent).assignee == "alice")

        let reopened = try await SQLiteFixture(path: path)
        #expect(try await reopened.service.listUsers(by: reopened.admin).items.map(\.name) == ["admin", "agent", "alice"])
        #expect(try await reopened.service.login(token: issued.secret.text, via: .http).tokenID == TokenID(3))
    }

    @Test("a first-release database (schema 1) goes through migration 3 too")
    func firstRelease() async throws {
        let path = try temporaryFolder().appendingPathComponent("first.sqlite").path
        try SQLiteMigrationTests.SchemaOneWriter.firstRelease.write(at: path)
        let fixture = try await SQLiteFixture(path: path)
        #expect(try await fixture.service.listTokens(all: true, by: fixture.admin).items.map(\.user) == ["agent", "admin"])
        #expect(try await fixture.service.user(named: "agent", by: fixture.admin).createdAt == t0)
    }
}
