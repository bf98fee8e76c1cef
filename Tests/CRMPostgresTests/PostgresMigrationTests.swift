import CRMDomain
import CRMPostgres
import CRMTestSupport
import Foundation
import Testing

@Suite("PostgreSQL migrations", .needsPostgres, .timeLimit(.minutes(1)))
struct PostgresMigrationTests {
    @Test("crm processes started together on a new database migrate and seed it exactly once")
    func concurrentStarts() async throws {
        let url = try await TestServer.freshDatabase()
        let results = try await withThrowingTaskGroup(of: (Int32, String, String).self) { group in
            for _ in 0..<6 {
                group.addTask {
                    try await runCRM(
                        ["--db", url.withPassword, "--format", "tsv", "--token", "agent123", "-c", "customer list"])
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        for (status, output, error) in results {
            #expect(status == 0, "\(error)")
            #expect(output.split(separator: "\n").count == 3, "header and the two seed customers: \(output)")
        }
        let versions = try await TestServer.query("SELECT version FROM crm_schema ORDER BY version", on: url)
        #expect(versions == (1...PostgresCRMStore.schemaVersion).map { [String($0)] })
        #expect(try await TestServer.query("SELECT count(*) FROM customers", on: url) == [["2"]])
        #expect(try await TestServer.query("SELECT count(*) FROM users", on: url) == [["2"]])
    }

    @Test("an existing database is not seeded again, whatever the seed of the process opening it")
    func seedOnce() async throws {
        let url = try await TestServer.freshDatabase()
        let first = try await PostgresCRMStore.open(url: url, seededAt: t0, startupTimeout: testStartupTimeout)
        await first.close()
        let second = try await PostgresCRMStore.open(
            url: url, seed: .demo(agentToken: "other-agent", adminToken: "other-admin"), seededAt: t0,
            startupTimeout: testStartupTimeout)
        defer { Task { await second.close() } }
        #expect(try await second.customers(limit: 10, offset: 0).total == 2)
        #expect(try await second.credential(.hash(TokenHash(token: "agent123")))?.user.name == "agent")
        #expect(try await second.credential(.hash(TokenHash(token: "other-agent"))) == nil)
    }

    @Test("a schema newer than this build is refused, and left as it is")
    func newerSchema() async throws {
        let url = try await TestServer.freshDatabase()
        try await PostgresCRMStore.open(url: url, seededAt: t0, startupTimeout: testStartupTimeout).close()
        try await TestServer.execute("INSERT INTO crm_schema (version, name) VALUES (999, 'from the future')", on: url)
        await #expect(throws: PostgresStoreError.newerSchema(url: url.description, version: 999)) {
            try await PostgresCRMStore.open(url: url, seededAt: t0, startupTimeout: testStartupTimeout)
        }
        #expect(try await TestServer.query("SELECT max(version) FROM crm_schema", on: url) == [["999"]])
    }

    @Test("a database holding another application's tables is refused untouched")
    func otherApplication() async throws {
        let url = try await TestServer.freshDatabase()
        try await TestServer.execute("CREATE TABLE invoices (id integer)", on: url)
        await #expect(throws: PostgresStoreError.notCRM(url: url.description, tables: ["invoices"])) {
            try await PostgresCRMStore.open(url: url, seededAt: t0, startupTimeout: testStartupTimeout)
        }
        let tables = try await TestServer.query(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename", on: url)
        #expect(tables == [["invoices"]])
    }
}
