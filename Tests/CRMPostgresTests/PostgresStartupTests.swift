import CRMPostgres
import CRMTestSupport
import Foundation
import Testing

/// DESIGN §4: "a bad URL, password or host at start is a one-line error within 10 s", exit 1, never showing the
/// password. Run with the built binary.
@Suite("PostgreSQL at start: bad URL, password, host", .needsPostgres, .timeLimit(.minutes(1)))
struct PostgresStartupTests {
    /// Runs `crm --db URL -c "customer list"`; its status, stderr and how long it took beyond what starting and
    /// ending a `crm` that needs no database takes on this machine right then (a loaded test machine can take
    /// seconds to start a debug binary; the 10 s are crm's own).
    func start(_ url: String, environment: [String: String] = [:], arguments: [String]? = nil) async throws
        -> (status: Int32, error: String, seconds: Double)
    {
        let (status, _, error, seconds) = try await Self.timed(
            arguments ?? ["--db", url, "--token", "agent123", "-c", "customer list"], environment: environment)
        let baseline = try await Self.timed(["-c", "help"], environment: [:]).seconds
        return (status, error, max(0, seconds - baseline))
    }

    private static func timed(_ arguments: [String], environment: [String: String]) async throws
        -> (Int32, String, String, seconds: Double)
    {
        let started = ContinuousClock.now
        let (status, output, error) = try await runCRM(arguments, environment: environment)
        let elapsed = ContinuousClock.now - started
        return (
            status, output, error, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        )
    }

    func expectOneLineFailure(
        _ result: (status: Int32, error: String, seconds: Double), containing expected: String, secret: String? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(result.status == 1, "\(result.error)", sourceLocation: sourceLocation)
        #expect(result.error.hasPrefix("error: "), "\(result.error)", sourceLocation: sourceLocation)
        #expect(result.error.contains(expected), "\(result.error)", sourceLocation: sourceLocation)
        #expect(result.error.split(separator: "\n").count == 1, "\(result.error)", sourceLocation: sourceLocation)
        #expect(result.seconds < 10, "took \(result.seconds) s", sourceLocation: sourceLocation)
        if let secret { #expect(!result.error.contains(secret), sourceLocation: sourceLocation) }
    }

    /// URLs refused before any server answers: (URL, what the error says, the password it must not show).
    static let unusableURLs: [(String, String, String)] = [
        // A malformed URL names its problem.
        ("postgres://crm:hunter2-secret@localhost:54x/crm", "bad database URL: port '54x'", "hunter2-secret"),
        // Nothing listening on the port: refused at once.
        ("postgres://crm:pw-secret@127.0.0.1:9/crm", "connection refused", "pw-secret"),
        // 192.0.2.1 is TEST-NET-1 (RFC 5737): never routed, so the connection attempt hangs (a timeout within 10 s)
        // or fails at once.
        ("postgres://crm:pw-secret@192.0.2.1:5432/crm?connect_timeout=3",
            "cannot connect to postgres://crm@192.0.2.1:5432/crm", "pw-secret"),
    ]

    @Test("a malformed URL, a refused port, a host that never answers: one line naming it, without the password",
        arguments: unusableURLs)
    func unusableURL(_ url: String, expected: String, secret: String) async throws {
        self.expectOneLineFailure(try await self.start(url), containing: expected, secret: secret)
    }

    @Test("a wrong password is the server's refusal, without the password")
    func wrongPassword() async throws {
        var url = try await TestServer.freshDatabase()
        url.password = "wrong-secret-pw"
        let result = try await self.start(url.withPassword)
        self.expectOneLineFailure(result, containing: "password authentication failed", secret: "wrong-secret-pw")
        #expect(result.error.contains(url.description))
    }

    @Test("an unknown database is the server's refusal")
    func unknownDatabase() async throws {
        var url = try TestServer.admin()
        url.database = "no_such_database_here"
        let result = try await self.start(url.withPassword)
        self.expectOneLineFailure(result, containing: "database \"no_such_database_here\" does not exist")
    }

    @Test("CRM_DATABASE_URL is used when --db is not given; --db wins over it")
    func environmentVariable() async throws {
        let url = try await TestServer.freshDatabase()
        let (status, output, error) = try await runCRM(
            ["--token", "agent123", "--format", "tsv", "-c", "customer create --name Env --email env@example.com"],
            environment: ["CRM_DATABASE_URL": url.withPassword])
        #expect(status == 0, "\(error)")
        #expect(output.contains("Env"))
        #expect(try await TestServer.query("SELECT name FROM customers WHERE id = 3", on: url) == [["Env"]])
        let overridden = try await self.start(
            "", environment: ["CRM_DATABASE_URL": url.withPassword],
            arguments: ["--db", "postgres://crm:pw-secret@127.0.0.1:9/crm", "-c", "customer list"])
        self.expectOneLineFailure(overridden, containing: "127.0.0.1:9")
    }

    @Test("server status and the shell's output never show the password")
    func passwordNotShown() async throws {
        let url = try await TestServer.freshDatabase()
        let (status, output, error) = try await runCRM(
            ["--db", url.withPassword, "--token", "admin123", "-c", "server start --port 0", "-c", "server status",
             "-c", "server stop"])
        #expect(status == 0, "\(error)")
        #expect(output.contains("serving"))
        let password = try #require(url.password)
        #expect(!output.contains(password) && !error.contains(password))
    }
}
