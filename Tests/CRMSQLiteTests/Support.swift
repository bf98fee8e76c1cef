import CRMDomain
import CRMSQLite
import CRMTestSupport
import Foundation

/// A fresh temporary folder for one test.
func temporaryFolder() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("crm-sqlite-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A service over the SQLite file at `path`, logged-in callers included.
struct SQLiteFixture {
    let service: CRMService
    let agent: Caller
    let admin: Caller

    init(path: String) async throws {
        let store = try SQLiteCRMStore(path: path, seededAt: t0)
        self.service = CRMService(store: store, clock: SteppingClock(start: t0))
        self.agent = try await self.service.login(token: "agent123", via: .shell)
        self.admin = try await self.service.login(token: "admin123", via: .shell)
    }
}

/// Runs `crm` (or, with `umask`, `sh -c 'umask U; exec crm ...'`) with arguments, extra environment and stdin
/// text; returns exit status, stdout and stderr.
func runCRM(
    _ arguments: [String], input: String = "", in folder: URL, environment: [String: String] = [:],
    umask: String? = nil
) throws -> (status: Int32, output: String, error: String) {
    let process = Process()
    if let umask {
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "umask \(umask); exec \"$0\" \"$@\"", try crmExecutable().path] + arguments
    } else {
        process.executableURL = try crmExecutable()
        process.arguments = arguments
    }
    process.currentDirectoryURL = folder
    process.environment = ["HOME": folder.path, "PATH": "/usr/bin:/bin"].merging(environment) { _, new in new }
    return try runToExit(process, input: input)
}

/// Runs `process` with `input` on its standard input and waits for it to exit: (status, output, error output).
func runToExit(_ process: Process, input: String) throws -> (status: Int32, output: String, error: String) {
    let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    stdin.fileHandleForWriting.write(Data(input.utf8))
    try stdin.fileHandleForWriting.close()
    let output = stdout.fileHandleForReading.readDataToEndOfFile()
    let error = stderr.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self), String(decoding: error, as: UTF8.self))
}

/// Runs SQL on a database file with the `sqlite3` command-line tool (a writer that is not crm); returns its output.
@discardableResult
func sqlite3(_ path: String, _ sql: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    process.arguments = [path]
    let run = try runToExit(process, input: sql)
    FileHandle.standardError.write(Data(run.error.utf8))
    return run.output
}

/// What a user of the releases before users and tokens (schemas 1 and 2) added to the seed, in those schemas: a
/// company for John Smith, a ticket (tagged), a note on it and their audit events.
let olderReleaseRows = """
    UPDATE customers SET company = 'Smith & Co' WHERE id = 2;
    INSERT INTO tickets (customer_id, subject, description, status, priority, assignee, tags, created_at,
        updated_at, version) VALUES (2, 'Printer', '', 'pending', 'high', 'agent', 'hw',
        '2025-01-06T09:00:01Z', '2025-01-06T09:00:02Z', 2);
    INSERT INTO ticket_tags (tag, ticket_id) VALUES ('hw', 1);
    INSERT INTO notes (ticket_id, author, text, created_at) VALUES (1, 'agent', 'called', '2025-01-06T09:00:03Z');
    INSERT INTO audit_events (at, actor, action, entity, changes, via) VALUES
        ('2025-01-06T09:00:01Z', 'agent', 'ticket.create', 'ticket/1', '{"subject":[null,"Printer"]}', 'shell'),
        ('2025-01-06T09:00:03Z', 'agent', 'note.add', 'ticket/1', '{"text":[null,"called"]}', 'http');
    """
