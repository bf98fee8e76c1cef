import CRMDomain
import CRMPostgres
import Foundation
import Logging
import PostgresNIO
import Synchronization
import Testing

let t0 = Timestamp(iso8601: "2025-01-06T09:00:00Z")!

/// The PostgreSQL server the tests use: `scripts/test` starts a throw-away cluster and sets
/// `CRM_TEST_POSTGRES_URL` (its superuser, over TCP) and `CRM_REQUIRE_POSTGRES=1`. Plain `swift test` without them
/// skips the PostgreSQL suites; with `CRM_REQUIRE_POSTGRES=1` and no server, they run and fail.
enum TestServer {
    static let environment = ProcessInfo.processInfo.environment

    /// The superuser URL of the test cluster, when one is configured.
    static let adminURL: String? = Self.environment["CRM_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

    /// Whether the PostgreSQL suites run: a server is configured, or one is required (and its absence must fail).
    static let enabled = Self.adminURL != nil || Self.environment["CRM_REQUIRE_POSTGRES"] == "1"

    /// The skip message plain `swift test` shows.
    static let skipped: Comment =
        "PostgreSQL suites skipped: no CRM_TEST_POSTGRES_URL (scripts/test starts a throw-away cluster and sets it)"

    /// A new, empty database on the test cluster, or on `cluster` (its own, so tests run in parallel); its URL.
    static func freshDatabase(on cluster: PostgresURL? = nil) async throws -> PostgresURL {
        let admin = try cluster ?? Self.admin()
        let name = "crm_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try await Self.execute("CREATE DATABASE \(name)", on: admin)
        var url = admin
        url.database = name
        return url
    }

    /// The cluster's superuser URL, parsed; throws when PostgreSQL is required but not configured.
    static func admin() throws -> PostgresURL {
        guard let text = Self.adminURL else { throw MissingServer() }
        return try PostgresURL(parsing: text, defaultUser: "postgres")
    }

    /// Runs one SQL statement (built by the test from constants) on `url`'s database with a connection of its own.
    static func execute(_ sql: String, on url: PostgresURL) async throws {
        _ = try await Self.query(sql, on: url)
    }

    /// The rows of one SQL statement as text columns.
    static func query(_ sql: String, on url: PostgresURL) async throws -> [[String?]] {
        var configuration = PostgresConnection.Configuration(
            host: Self.host(url), port: Self.port(url), username: url.user, password: url.password, database: url.database,
            tls: .disable)
        configuration.options.connectTimeout = .seconds(10)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: Self.logger)
        defer { Task { try? await connection.close() } }
        var rows: [[String?]] = []
        for try await row in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Self.logger) {
            rows.append(row.map(Self.text))
        }
        return rows
    }

    /// A column value as text: numbers in decimal, NULL as nil.
    private static func text(_ cell: PostgresCell) -> String? {
        guard cell.bytes != nil else { return nil }
        if let number = try? cell.decode(Int.self) { return String(number) }
        return (try? cell.decode(String.self)) ?? "<\(cell.dataType)>"
    }

    static let logger = Logger(label: "crm.tests") { _ in SwiftLogNoOpLogHandler() }

    private static func host(_ url: PostgresURL) -> String {
        if case .tcp(let host, _) = url.endpoint { return host }
        return "127.0.0.1"
    }

    private static func port(_ url: PostgresURL) -> Int {
        switch url.endpoint {
        case .tcp(_, let port), .socket(_, let port): port
        }
    }

    struct MissingServer: Error, CustomStringConvertible {
        var description: String {
            "CRM_REQUIRE_POSTGRES=1 but CRM_TEST_POSTGRES_URL is not set: scripts/test should have started a cluster"
        }
    }
}

extension PostgresURL {
    /// The URL as crm's `--db` takes it, password included.
    var withPassword: String {
        guard case .tcp(let host, let port) = self.endpoint else { return self.description }
        let password = self.password.map { ":" + $0 } ?? ""
        return "postgres://\(self.user)\(password)@\(host):\(port)/\(self.database)"
    }
}

/// A store on a fresh database, seeded with the demo data at `t0`.
func freshStore(seed: Seed = .demo(), seededAt: Timestamp = t0) async throws -> PostgresCRMStore {
    try await PostgresCRMStore.open(url: try await TestServer.freshDatabase(), seed: seed, seededAt: seededAt)
}

/// A throw-away cluster of one test's own (`scripts/pg-cluster`), for tests that stop or kill the server, so the
/// shared cluster of the other tests keeps running.
final class OwnCluster: Sendable {
    let directory: String
    let url: PostgresURL

    private init(directory: String, url: PostgresURL) {
        self.directory = directory
        self.url = url
    }

    static func start() async throws -> OwnCluster {
        let directory = "/tmp/crm-pg-\(UUID().uuidString.prefix(8))"
        let (status, output, error) = try await runProgram(packageRoot + "/scripts/pg-cluster", ["start", directory])
        guard status == 0 else { throw ProgramFailed(description: "pg-cluster start: \(error)") }
        let admin = try PostgresURL(
            parsing: output.trimmingCharacters(in: .whitespacesAndNewlines), defaultUser: "postgres")
        return OwnCluster(directory: directory, url: admin)
    }

    /// Stops the server (`fast`: sessions are ended and open transactions rolled back) or kills it (`immediate`).
    func stop(immediately: Bool = false) async throws {
        let (status, _, error) = try await runProgram(
            packageRoot + "/scripts/pg-cluster", [immediately ? "kill" : "stop", self.directory])
        guard status == 0 else { throw ProgramFailed(description: "pg-cluster stop: \(error)") }
    }

    /// Starts the stopped server again on the same port.
    func restart() async throws {
        guard case .tcp(_, let port) = self.url.endpoint else { return }
        let (status, _, error) = try await runProgram(
            packageRoot + "/scripts/pg-cluster", ["start", self.directory, String(port)])
        guard status == 0 else { throw ProgramFailed(description: "pg-cluster start: \(error)") }
    }

    func remove() async {
        _ = try? await runProgram(packageRoot + "/scripts/pg-cluster", ["remove", self.directory])
    }
}

struct ProgramFailed: Error, CustomStringConvertible {
    let description: String
}

/// The package root (this file is Tests/CRMPostgresTests/Support.swift).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().path

/// Runs a program to completion off the concurrency pool: (status, stdout, stderr).
func runProgram(
    _ executable: String, _ arguments: [String], environment: [String: String]? = nil, input: String = ""
) async throws -> (Int32, String, String) {
    try await onThread {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let errorData = Mutex(Data())
        let errorReader = Thread { errorData.withLock { $0 = stderr.fileHandleForReading.readDataToEndOfFile() } }
        errorReader.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while errorReader.isExecuting || !errorReader.isFinished { usleep(1_000) }
        return (
            process.terminationStatus, String(decoding: output, as: UTF8.self),
            String(decoding: errorData.withLock { $0 }, as: UTF8.self)
        )
    }
}

/// Runs blocking work on a thread of its own.
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}

/// The `crm` executable built beside this test bundle (`swift build --build-tests` builds it).
func crmExecutable() throws -> String {
    var folders: [URL] = []
    if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
        folders.append(URL(fileURLWithPath: path).deletingLastPathComponent())
    }
    folders.append(Bundle.main.bundleURL)
    folders.append(Bundle.main.bundleURL.deletingLastPathComponent())
    for folder in folders {
        let candidate = folder.appendingPathComponent("crm").path
        if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
    }
    throw ProgramFailed(description: "no crm executable in \(folders.map(\.path)); build with swift build --build-tests")
}

/// The environment a `crm` child runs with: this one without `CRM_*` variables, plus `extra`.
func crmEnvironment(_ extra: [String: String] = [:]) -> [String: String] {
    ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CRM_") }.merging(extra) { _, new in new }
}

/// A value several tasks update, behind a lock.
final class Shared<Value: Sendable>: Sendable {
    let value: Mutex<Value>

    init(_ value: Value) {
        self.value = Mutex(value)
    }
}
