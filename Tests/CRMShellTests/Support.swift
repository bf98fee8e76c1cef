import CRMDomain
import CRMMemoryStore
import CRMShell
import CRMTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// `CRM_NOW` for the binary: `t0` as text.
let fixedNow = "2025-01-06T09:00:00Z"

// MARK: In-process shell

/// A shell session over a fresh seeded in-memory store and a stepping clock, driven line by line.
final class TestShell {
    let runner: CommandRunner

    init(publicTickets: Bool = true, seed: Seed = .demo()) {
        let store = InMemoryCRMStore(seed: seed, seededAt: t0)
        let service = CRMService(
            store: store, policy: AccessPolicy(publicTickets: publicTickets), clock: SteppingClock(start: t0))
        self.runner = CommandRunner(session: Session(service: service))
    }

    /// A shell over an existing service.
    init(service: CRMService) {
        self.runner = CommandRunner(session: Session(service: service))
    }

    var session: Session { self.runner.session }

    /// Runs one line.
    @discardableResult
    func run(_ line: String) async -> CommandResult {
        await self.runner.run(line)
    }

    /// Runs a line that must succeed and returns its output.
    @discardableResult
    func ok(_ line: String, sourceLocation: SourceLocation = #_sourceLocation) async -> String {
        let result = await self.runner.run(line)
        #expect(result.status == .success, "\(line) -> \(result.error)", sourceLocation: sourceLocation)
        #expect(result.error.isEmpty, "\(line) -> \(result.error)", sourceLocation: sourceLocation)
        return result.output
    }

    /// Runs a line that must fail with `status`, print nothing to stdout, and give an error containing `message`.
    @discardableResult
    func fails(
        _ line: String, _ status: ExitStatus, _ message: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async -> CommandResult {
        let result = await self.runner.run(line)
        #expect(result.status == status, "\(line) -> \(result.error)", sourceLocation: sourceLocation)
        #expect(result.output.isEmpty, "\(line) printed \(result.output)", sourceLocation: sourceLocation)
        #expect(result.error.contains(message), "\(line) -> \(result.error)", sourceLocation: sourceLocation)
        return result
    }

    /// A fresh shell with the agent or admin (`as: "agent"`) logged in.
    static func loggedIn(as user: String, sourceLocation: SourceLocation = #_sourceLocation) async -> TestShell {
        let shell = TestShell()
        await shell.login(as: user, sourceLocation: sourceLocation)
        return shell
    }

    /// Logs in as the agent or admin (`as: "agent"`).
    func login(as user: String, sourceLocation: SourceLocation = #_sourceLocation) async {
        await self.ok("login \(user)123", sourceLocation: sourceLocation)
    }
}

/// Collects what a script writes, in order, for assertions.
final class CapturingSink: OutputSink {
    private(set) var output = ""
    private(set) var errors: [String] = []
    /// Output and error lines interleaved as written (errors with a trailing newline).
    private(set) var merged = ""
    private(set) var flushes = 0

    func write(output: String) {
        self.output += output
        self.merged += output
    }

    func write(error: String) {
        self.errors.append(error)
        self.merged += error + "\n"
    }

    func flush() {
        self.flushes += 1
    }
}

// MARK: Temporary files

extension TemporaryDirectory {
    /// Runs the built `crm` with this directory as its working directory and home, in the controlled environment.
    func crm(_ arguments: [String], stdinFile: String? = nil) throws -> Run {
        try runCRM(arguments, in: self.url, environment: Binary.environment(home: self.path), stdinFile: stdinFile)
    }
}

// MARK: The built binary

enum Binary {
    /// The package root, found from this file's path (Tests/CRMShellTests/Support.swift).
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The controlled environment every run starts from: no inherited CRM_* settings, no COLUMNS, a private HOME.
    static func environment(home: String, extra: [String: String] = [:]) -> [String: String] {
        var environment = [
            "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            "HOME": home,
            "CRM_NOW": fixedNow,
            "LANG": "C.UTF-8",
        ]
        environment.merge(extra) { _, new in new }
        return environment
    }
}

/// What a finished run of the binary gave.
struct Run: Sendable {
    let status: Int32
    let stdout: Data
    /// Empty when stderr was merged into stdout.
    let stderr: Data
    let timedOut: Bool

    var out: String { String(decoding: self.stdout, as: UTF8.self) }
    var err: String { String(decoding: self.stderr, as: UTF8.self) }
}

/// Runs the built `crm` with `arguments` in `directory`, stdin from `input` (empty if nil), and the
/// controlled environment; output goes to files (no pipe can fill up), stderr merged into stdout if asked.
/// A watchdog ends a run that hangs, so a broken binary fails the test instead of blocking the suite.
func runCRM(
    _ arguments: [String], in directory: URL, environment: [String: String], input: String? = nil,
    stdinFile: String? = nil, mergeOutput: Bool = false, timeout: TimeInterval = 60
) throws -> Run {
    try withTemporaryDirectory { scratch in
        let outPath = scratch.url.appendingPathComponent("stdout").path
        let errPath = scratch.url.appendingPathComponent("stderr").path
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let inPath = stdinFile ?? scratch.url.appendingPathComponent("stdin").path
        if stdinFile == nil { try Data((input ?? "").utf8).write(to: URL(fileURLWithPath: inPath)) }

        let stdout = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let stderr = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        let stdin = try #require(FileHandle(forReadingAtPath: inPath))
        defer {
            try? stdout.close()
            try? stderr.close()
            try? stdin.close()
        }

        let process = Process()
        process.executableURL = try crmExecutable()
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = environment
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = mergeOutput ? stdout : stderr
        try process.run()
        let finished = DispatchSemaphore(value: 0)
        let watchdog = DispatchWorkItem {
            if finished.wait(timeout: .now() + timeout) == .timedOut, process.isRunning {
                process.terminate()
            }
        }
        DispatchQueue.global().async(execute: watchdog)
        process.waitUntilExit()
        finished.signal()
        let timedOut = process.terminationReason == .uncaughtSignal
        return Run(
            status: process.terminationStatus,
            stdout: FileManager.default.contents(atPath: outPath) ?? Data(),
            stderr: mergeOutput ? Data() : FileManager.default.contents(atPath: errPath) ?? Data(),
            timedOut: timedOut)
    }
}

/// The shell's exit statuses (Swift Testing has an `ExitStatus` of its own).
typealias ExitStatus = CRMShell.ExitStatus
