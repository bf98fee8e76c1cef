import CRMDomain
import CRMPostgres
import CRMTestSupport
import Foundation
import Logging
import PostgresNIO
import Synchronization
import Testing

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

extension Trait where Self == ConditionTrait {
    /// Runs a suite when PostgreSQL is configured or required (`TestServer.enabled`); plain `swift test` skips it.
    static var needsPostgres: Self { .enabled(if: TestServer.enabled, TestServer.skipped) }
}

extension PostgresURL {
    /// The URL as crm's `--db` takes it, password included.
    var withPassword: String {
        guard case .tcp(let host, let port) = self.endpoint else { return self.description }
        let password = self.password.map { ":" + $0 } ?? ""
        return "postgres://\(self.user)\(password)@\(host):\(port)/\(self.database)"
    }
}

/// How long a test gives a store to open: the product's 8 s answer a person waiting at a prompt, but a loaded
/// 2-core test machine running every suite at once can take longer to migrate a new database (the startup suite
/// tests the product's limit).
let testStartupTimeout: Duration = .seconds(60)

/// A store on a fresh database, seeded with the demo data at `t0`.
func freshStore(seed: Seed = .demo(), seededAt: Timestamp = t0) async throws -> PostgresCRMStore {
    try await PostgresCRMStore.open(
        url: try await TestServer.freshDatabase(), seed: seed, seededAt: seededAt, startupTimeout: testStartupTimeout)
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
        let (status, output, error) = try await Self.clusterCommand(["start", directory])
        guard status == 0 else { throw ProgramFailed(description: "pg-cluster start: \(error)") }
        let admin = try PostgresURL(
            parsing: output.trimmingCharacters(in: .whitespacesAndNewlines), defaultUser: "postgres")
        return OwnCluster(directory: directory, url: admin)
    }

    /// Stops the server (`fast`: sessions are ended and open transactions rolled back) or kills it (`immediate`).
    func stop(immediately: Bool = false) async throws {
        let (status, _, error) = try await Self.clusterCommand([immediately ? "kill" : "stop", self.directory])
        guard status == 0 else { throw ProgramFailed(description: "pg-cluster stop: \(error)") }
    }

    /// Freezes the server and its backends: connections stay open and nothing answers.
    func pause() async throws {
        let (status, _, error) = try await Self.clusterCommand(["pause", self.directory])
        guard status == 0 else { throw ProgramFailed(description: "pg-cluster pause: \(error)") }
    }

    /// Lets a paused server go on.
    func resume() async throws {
        let (status, _, error) = try await Self.clusterCommand(["resume", self.directory])
        guard status == 0 else { throw ProgramFailed(description: "pg-cluster resume: \(error)") }
    }

    /// Starts the stopped server again on the same port.
    func restart() async throws {
        guard case .tcp(_, let port) = self.url.endpoint else { return }
        let (status, _, error) = try await Self.clusterCommand(["start", self.directory, String(port)])
        guard status == 0 else { throw ProgramFailed(description: "pg-cluster start: \(error)") }
    }

    func remove() async {
        _ = try? await Self.clusterCommand(["remove", self.directory])
    }

    /// Runs `scripts/pg-cluster` with its output in files, not pipes: the server it starts outlives it and keeps
    /// them open. A `Process`, not `system(3)`: a shell from `system` inherits every pipe this test process has open
    /// at that moment, and a concurrent test reading one to its end waited for the cluster command (seen: 10 s).
    private static func clusterCommand(_ arguments: [String]) async throws -> (Int32, String, String) {
        try await onThread {
            let output = FileManager.default.temporaryDirectory.appendingPathComponent("crm-pg-\(UUID().uuidString).out")
            let errors = output.appendingPathExtension("err")
            guard FileManager.default.createFile(atPath: output.path, contents: nil),
                FileManager.default.createFile(atPath: errors.path, contents: nil)
            else { throw ProgramFailed(description: "cannot create \(output.path)") }
            defer {
                try? FileManager.default.removeItem(at: output)
                try? FileManager.default.removeItem(at: errors)
            }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = [packageRoot + "/scripts/pg-cluster"] + arguments
            process.standardInput = FileHandle.nullDevice
            process.standardOutput = try FileHandle(forWritingTo: output)
            process.standardError = try FileHandle(forWritingTo: errors)
            let exited = DispatchSemaphore(value: 0)
            process.terminationHandler = { _ in exited.signal() }
            try process.run()
            exited.wait()
            let read = { (url: URL) in (try? String(contentsOf: url, encoding: .utf8)) ?? "" }
            return (process.terminationStatus, read(output), read(errors))
        }
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
        // The termination handler, not waitUntilExit, which can miss an exit when several threads start processes.
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        stdin.fileHandleForWriting.write(Data(input.utf8))
        try stdin.fileHandleForWriting.close()
        let errorData = Shared(Data())
        let errorRead = DispatchSemaphore(value: 0)
        Thread {
            errorData.value.withLock { $0 = stderr.fileHandleForReading.readDataToEndOfFile() }
            errorRead.signal()
        }.start()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        exited.wait()
        errorRead.wait()
        try? stdout.fileHandleForReading.close()
        try? stderr.fileHandleForReading.close()
        return (
            process.terminationStatus, String(decoding: output, as: UTF8.self),
            String(decoding: errorData.value.withLock { $0 }, as: UTF8.self)
        )
    }
}

/// Runs the built `crm ARGUMENTS` to completion with `environment` added to a `CRM_*`-free one and `input` on
/// stdin: (status, stdout, stderr).
func runCRM(_ arguments: [String], environment: [String: String] = [:], input: String = "") async throws
    -> (Int32, String, String)
{
    try await runProgram(try crmExecutable().path, arguments, environment: crmEnvironment(environment), input: input)
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
