import CRMDomain
import CRMSQLite
import CRMTestSupport
import Foundation
import Testing

/// DESIGN §4 for the file itself: refused files are left byte-identical with nothing beside them, a locked
/// file is waited for and then called locked, new files are private, and unreadable rows are named.
@Suite("SQLite file: refusal, locks, permissions, unreadable rows")
struct SQLiteFileTests {
    static func contents(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    static func companions(_ path: String) -> [String] {
        ["-wal", "-shm", "-journal"].map { path + $0 }.filter { FileManager.default.fileExists(atPath: $0) }
    }

    static func mode(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    /// Expects opening `path` to be refused with a message containing `message`, leaving the file as it was and
    /// nothing new beside it.
    static func expectRefused(_ path: String, _ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let before = Self.contents(path)
        let companionsBefore = Self.companions(path)
        #expect(sourceLocation: sourceLocation) {
            _ = try SQLiteCRMStore(path: path, seededAt: t0, busyTimeout: 0.2)
        } throws: { error in
            String(describing: error).contains(message)
        }
        #expect(Self.contents(path) == before, "the file is byte-identical", sourceLocation: sourceLocation)
        #expect(Self.companions(path) == companionsBefore, "nothing left beside it", sourceLocation: sourceLocation)
    }

    @Test("another application's SQLite database is refused untouched, in rollback or WAL mode",
        arguments: ["DELETE", "WAL"])
    func foreignDatabase(_ journalMode: String) throws {
        let path = try temporaryFolder().appendingPathComponent("photos.db").path
        try sqlite3(path, "PRAGMA journal_mode = \(journalMode); CREATE TABLE photos (id INTEGER PRIMARY KEY, file TEXT); INSERT INTO photos (file) VALUES ('a.jpg');")
        #expect(Self.companions(path).isEmpty)
        Self.expectRefused(path, "another application")
    }

    @Test("a database holding crm's tables and others, or crm's tables with user_version 0, is refused")
    func mixedDatabase() async throws {
        let folder = try temporaryFolder()
        let extra = folder.appendingPathComponent("extra.sqlite").path
        do { _ = try await SQLiteFixture(path: extra) }
        try sqlite3(extra, "CREATE TABLE photos (id INTEGER PRIMARY KEY);")
        Self.expectRefused(extra, "another application")
        let unversioned = folder.appendingPathComponent("unversioned.sqlite").path
        try sqlite3(unversioned, "CREATE TABLE users (name TEXT); CREATE TABLE customers (id INTEGER);")
        Self.expectRefused(unversioned, "another application")
    }

    @Test("a file with a SQLite header and garbage after it, and a FIFO, are refused with nothing beside them")
    func damagedFiles() throws {
        let folder = try temporaryFolder()
        let damaged = folder.appendingPathComponent("damaged.sqlite").path
        try (Data("SQLite format 3\0".utf8) + Data(repeating: 0xA5, count: 4096)).write(to: URL(fileURLWithPath: damaged))
        let before = Self.contents(damaged)
        #expect(throws: SQLiteStoreError.self) { _ = try SQLiteCRMStore(path: damaged, seededAt: t0, busyTimeout: 0.2) }
        #expect(Self.contents(damaged) == before)
        #expect(Self.companions(damaged).isEmpty)
        let fifo = folder.appendingPathComponent("fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        Self.expectRefused(fifo, "not a regular file")
    }

    /// The path of a new seeded database file, with no store left open on it.
    static func seededDatabaseFile() async throws -> String {
        let path = try temporaryFolder().appendingPathComponent("crm.sqlite").path
        do { _ = try await SQLiteFixture(path: path) }
        return path
    }

    /// A `sqlite3` process holding a lock on `path` until `release()`.
    final class LockHolder: @unchecked Sendable {
        let process = Process()
        let input = Pipe()
        let output = Pipe()

        init(_ path: String, _ sql: String) throws {
            self.process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            self.process.arguments = [path]
            self.process.standardInput = self.input
            self.process.standardOutput = self.output
            try self.process.run()
            self.input.fileHandleForWriting.write(Data((sql + "\nSELECT 'holding';\n").utf8))
            var seen = Data()
            while !String(decoding: seen, as: UTF8.self).contains("holding") {
                let chunk = self.output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                seen += chunk
            }
        }

        func release() {
            try? self.input.fileHandleForWriting.close()
            self.process.waitUntilExit()
        }
    }

    @Test("a database another process keeps exclusively locked is reported as locked, never as not a database")
    func lockedAtOpen() async throws {
        let path = try await Self.seededDatabaseFile()
        let holder = try LockHolder(path, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; UPDATE customers SET name = name;")
        defer { holder.release() }
        #expect {
            _ = try SQLiteCRMStore(path: path, seededAt: t0, busyTimeout: 0.3)
        } throws: { error in
            let message = String(describing: error)
            return message.contains("locked") && !message.contains("not a SQLite database")
        }
    }

    @Test("a lock released while crm waits is waited for")
    func lockReleasedInTime() async throws {
        let path = try await Self.seededDatabaseFile()
        let holder = try LockHolder(path, "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; UPDATE customers SET name = name;")
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) { holder.release() }
        let store = try SQLiteCRMStore(path: path, seededAt: t0, busyTimeout: 20)
        #expect(try await store.customers(limit: 10, offset: 0).total == 2)
    }

    @Test("a write finding another process's write lock waits for it, runs once and commits")
    func writeWaitsForAnotherProcess() async throws {
        let path = try await Self.seededDatabaseFile()
        let fixture = try await SQLiteFixture(path: path)
        let holder = try LockHolder(path, "BEGIN IMMEDIATE; UPDATE customers SET name = name WHERE id = 1;")
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.5) { holder.release() }
        let ticket = try await fixture.service.createTicket(
            NewTicket(customerID: CustomerID(1), subject: "After the lock"), by: fixture.agent)
        let next = try await fixture.service.createTicket(
            NewTicket(customerID: CustomerID(1), subject: "Next"), by: fixture.agent)
        #expect(ticket.id == TicketID(1))
        #expect(next.createdAt == ticket.createdAt.adding(seconds: 1), "the domain's closure (and clock) ran once")
        let audit = try await fixture.service.auditLog(by: fixture.admin)
        #expect(audit.items.map(\.action) == ["ticket.create", "ticket.create"])
    }

    @Test("a database another process is writing (mid-transaction) opens, or is reported as locked once the wait is over")
    func writerMidTransaction() async throws {
        let path = try await Self.seededDatabaseFile()
        let holder = try LockHolder(path, "BEGIN IMMEDIATE; UPDATE customers SET name = 'Writing' WHERE id = 1;")
        defer { holder.release() }
        do {
            let store = try SQLiteCRMStore(path: path, seededAt: t0, busyTimeout: 0.3)
            #expect(try await store.customer(CustomerID(1))?.name == "Jane Doe", "the uncommitted write is not seen")
        } catch {
            #expect(String(describing: error).contains("is locked by another process (waited 300 ms)"), "\(error)")
        }
    }

    @Test("a new database and its WAL files are private (0600)")
    func privateFiles() async throws {
        let path = try temporaryFolder().appendingPathComponent("crm.sqlite").path
        let fixture = try await SQLiteFixture(path: path)
        _ = try await fixture.service.createTicket(NewTicket(customerID: CustomerID(1), subject: "x"), by: fixture.agent)
        for file in [path, path + "-wal", path + "-shm"] {
            #expect(try Self.mode(file) == 0o600, "\(file)")
        }
    }

    @Test("an empty file given as the database becomes private (0600) as crm fills it")
    func anEmptyFileBecomesPrivate() throws {
        let folder = try temporaryFolder()
        let path = folder.appendingPathComponent("crm.sqlite").path
        #expect(FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o644]))
        let run = try runCRM(["--db", "crm.sqlite", "-c", "ticket list"], in: folder)
        #expect(run.status == 0, "\(run.error)")
        #expect(try Self.mode(path) == 0o600)
    }

    @Test("the mode does not depend on the umask")
    func umaskIndependent() throws {
        let folder = try temporaryFolder()
        let run = try runCRM(["--db", "crm.sqlite", "-c", "ticket list"], in: folder, umask: "000")
        #expect(run.status == 0, "\(run.error)")
        #expect(try Self.mode(folder.appendingPathComponent("crm.sqlite").path) == 0o600)
    }

    @Test("a row that cannot be read is an error naming its table and row", arguments: [
        ("UPDATE tickets SET status = 'frozen' WHERE id = 1", "cannot read tickets row 1: unknown status 'frozen'"),
        ("UPDATE tickets SET priority = 'whenever' WHERE id = 1", "cannot read tickets row 1: unknown priority 'whenever'"),
        ("UPDATE tickets SET updated_at = 'yesterday' WHERE id = 1", "cannot read tickets row 1: updated_at 'yesterday'"),
        ("UPDATE customers SET created_at = '' WHERE id = 1", "cannot read customers row 1: created_at ''"),
        ("UPDATE users SET role = 'root' WHERE name = 'admin'", "cannot read users row admin: unknown role 'root'"),
        ("UPDATE audit_events SET changes = 'oops' WHERE id = 1", "cannot read audit_events row 1: changes"),
        ("UPDATE audit_events SET via = 'pigeon' WHERE id = 1", "cannot read audit_events row 1: unknown via 'pigeon'"),
        ("UPDATE notes SET created_at = 'soon' WHERE id = 1", "cannot read notes row 1: created_at 'soon'"),
    ])
    func unreadableRows(_ corruption: String, _ message: String) async throws {
        let path = try temporaryFolder().appendingPathComponent("crm.sqlite").path
        do {
            let fixture = try await SQLiteFixture(path: path)
            let ticket = try await fixture.service.createTicket(NewTicket(customerID: CustomerID(1), subject: "x"), by: fixture.agent)
            _ = try await fixture.service.addNote(to: ticket.id, text: "n", by: fixture.agent)
        }
        try sqlite3(path, corruption + ";")
        let store = try SQLiteCRMStore(path: path, seededAt: t0)
        let reads: [@Sendable () async throws -> Void] = [
            { _ = try await store.ticket(TicketID(1)) }, { _ = try await store.tickets(TicketQuery()) },
            { _ = try await store.customer(CustomerID(1)) }, { _ = try await store.customers(limit: 10, offset: 0) },
            { _ = try await store.users(limit: 10, offset: 0) }, { _ = try await store.auditEvents(AuditQuery()) },
            { _ = try await store.notes(on: TicketID(1)) },
        ]
        var failures: [String] = []
        for read in reads {
            do { try await read() } catch { failures.append(String(describing: error)) }
        }
        #expect(!failures.isEmpty, "no read noticed the damage")
        #expect(failures.allSatisfy { $0.hasPrefix(message) }, "\(failures)")
    }
}
