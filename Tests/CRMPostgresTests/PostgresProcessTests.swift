import CRMDomain
import CRMPostgres
import CRMTestSupport
import Foundation
import Testing

/// DESIGN §1, §4: any number of crm processes share one PostgreSQL database. Three `crm serve` and one script write
/// at once, to the same ticket and to new tickets: every update is counted in the ticket's version, every create is
/// stored exactly once, and the audit log holds one event for each.
@Suite("PostgreSQL: several crm processes on one database", .needsPostgres, .timeLimit(.minutes(2)))
struct PostgresProcessTests {
    @Test("three crm serve and a script writing at once lose nothing and record everything")
    func concurrentWriters() async throws {
        let url = try await TestServer.freshDatabase()
        let (created, _, createError) = try await runCRM(
            ["--db", url.withPassword, "--token", "agent123", "-c", "ticket create --customer 1 --subject Shared"])
        try #require(created == 0, "\(createError)")
        let servers = try (0..<3).map { _ in try ServeProcess(["--db", url.withPassword]) }
        defer { servers.forEach { $0.stop() } }
        let rounds = 40
        let scriptLines = (0..<rounds).flatMap { n in
            ["ticket update 1 --subject 'script \(n)'", "ticket create --customer 2 --subject 'script new \(n)'"]
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, server) in servers.enumerated() {
                for writer in 0..<2 {
                    group.addTask {
                        for n in 0..<rounds {
                            let update = try await server.api.patch(
                                "/api/tickets/1", #"{"subject": "server \#(index) writer \#(writer) round \#(n)"}"#,
                                token: "agent123")
                            #expect(update.status == 200, "\(update.text)")
                            let create = try await server.api.post(
                                "/api/tickets", #"{"customer_id": 1, "subject": "new \#(index)-\#(writer)-\#(n)"}"#,
                                token: "agent123")
                            #expect(create.status == 201 || create.status == 200, "\(create.text)")
                        }
                    }
                }
            }
            group.addTask {
                let (status, _, error) = try await runCRM(
                    ["--db", url.withPassword, "--token", "agent123"], input: scriptLines.joined(separator: "\n") + "\n")
                #expect(status == 0, "\(error)")
            }
            try await group.waitForAll()
        }
        let updates = 3 * 2 * rounds + rounds
        let creates = 3 * 2 * rounds + rounds
        let ticket = try await servers[0].api.get("/api/tickets/1", token: "agent123")
        #expect(ticket.object?["version"] as? Int == 1 + updates)
        let subjects = try await TestServer.query("SELECT subject, count(*) FROM tickets WHERE id > 1 GROUP BY subject", on: url)
        #expect(subjects.count == creates, "every create stored")
        #expect(subjects.allSatisfy { $0[1] == "1" }, "and stored once")
        let audit = try await TestServer.query(
            "SELECT action, count(*) FROM audit_events GROUP BY action ORDER BY action", on: url)
        #expect(audit == [["ticket.create", String(creates + 1)], ["ticket.update", String(updates)]])
        let versions = try await TestServer.query(
            "SELECT count(DISTINCT changes::text) FROM audit_events WHERE entity = 'ticket/1' AND action = 'ticket.update'",
            on: url)
        #expect(versions == [[String(updates)]], "each update changed the subject it saw, none was lost")
    }

    @Test("a token revoked through one crm serve is refused by another on its next request")
    func revocationSeenByOtherProcesses() async throws {
        let url = try await TestServer.freshDatabase()
        let servers = try (0..<2).map { _ in try ServeProcess(["--db", url.withPassword]) }
        defer { servers.forEach { $0.stop() } }
        let issued = try await servers[0].api.post("/api/tokens", #"{"label": "laptop"}"#, token: "agent123")
        try #require(issued.status == 201, "\(issued.text)")
        let secret = try #require(issued.object?["token"] as? String)
        let id = try #require(secret.split(separator: "_").dropFirst().first.map(String.init))
        #expect(try await servers[1].api.get("/api/customers/1", token: secret).status == 200)
        let revoked = try await servers[0].api.delete("/api/tokens/\(id)", token: "agent123")
        #expect(revoked.status == 204, "\(revoked.text)")
        let refused = try await servers[1].api.get("/api/customers/1", token: secret)
        #expect(refused.status == 403, "\(refused.text)")
        #expect(!refused.text.contains(secret), "the secret is never echoed")
    }
}
