import CRMDomain
import CRMSQLite
import CRMTestSupport
import Foundation
import Testing

@Suite("SQLite store: durability across opens, bad files")
struct SQLiteStoreTests {
    @Test("data, audit log and ID sequences continue after reopening the file")
    func reopen() async throws {
        let path = try temporaryFolder().appendingPathComponent("crm.sqlite").path
        do {
            let first = try await SQLiteFixture(path: path)
            _ = try await first.service.createTicket(NewTicket(customerID: CustomerID(1), subject: "One"), by: first.agent)
            let two = try await first.service.createTicket(
                NewTicket(customerID: CustomerID(2), subject: "Two", tags: ["vip"]), by: first.agent)
            _ = try await first.service.addNote(to: two.id, text: "hello", by: first.agent)
            try await first.service.deleteTicket(two.id, by: first.admin)
        }
        let second = try await SQLiteFixture(path: path)
        let tickets = try await second.service.listTickets(by: second.agent)
        #expect(tickets.items.map(\.subject) == ["One"])
        let three = try await second.service.createTicket(NewTicket(customerID: CustomerID(1), subject: "Three"), by: second.agent)
        #expect(three.id == TicketID(3), "a deleted ticket's ID is never reused")
        let audit = try await second.service.auditLog(by: second.admin)
        #expect(audit.items.map(\.action) == ["ticket.create", "ticket.create", "note.add", "ticket.delete", "ticket.create"])
        #expect(audit.items.map(\.id.rawValue) == [1, 2, 3, 4, 5])
        #expect(try await second.service.listCustomers(by: second.agent).total == 2, "seeded once, not again")
    }

    @Test("concurrent writes of one process each commit once, with distinct IDs and one audit event each")
    func concurrentWritesInOneProcess() async throws {
        let fixture = try await SQLiteFixture(path: try temporaryFolder().appendingPathComponent("crm.sqlite").path)
        let ids = try await withThrowingTaskGroup(of: TicketID.self) { group in
            for number in 1...200 {
                group.addTask {
                    try await fixture.service.createTicket(
                        NewTicket(customerID: CustomerID(1 + number % 2), subject: "c\(number)"), by: fixture.agent
                    ).id
                }
            }
            return try await group.reduce(into: Set<TicketID>()) { $0.insert($1) }
        }
        #expect(ids == Set((1...200).map(TicketID.init)))
        #expect(try await fixture.service.auditLog(by: fixture.admin).total == 200)
    }

    @Test("reads of one row by key, amid concurrent writes of the same process, each see a committed row")
    func pointReadsAmidWrites() async throws {
        let fixture = try await SQLiteFixture(path: try temporaryFolder().appendingPathComponent("crm.sqlite").path)
        let first = try await fixture.service.createTicket(
            NewTicket(customerID: CustomerID(1), subject: "first"), by: fixture.agent)
        let seen = try await withThrowingTaskGroup(of: Ticket?.self) { group in
            for number in 1...100 {
                group.addTask {
                    _ = try await fixture.service.updateTicket(
                        first.id, TicketChanges(subject: "edit \(number)"), by: fixture.agent)
                    return nil
                }
                group.addTask { try await fixture.service.ticket(first.id, by: fixture.agent) }
                group.addTask {
                    _ = try await fixture.service.login(token: "agent123", via: .shell)
                    return nil
                }
            }
            return try await group.reduce(into: [Ticket]()) { seen, ticket in ticket.map { seen.append($0) } }
        }
        #expect(seen.count == 100)
        for ticket in seen {
            #expect((ticket.subject == "first") == (ticket.version == 1), "a row as one commit left it: \(ticket)")
        }
        let last = try await fixture.service.ticket(first.id, by: fixture.agent)
        #expect(last.version == 101)
    }

    @Test("a directory is refused with a clear error")
    func directory() throws {
        let folder = try temporaryFolder()
        #expect {
            _ = try SQLiteCRMStore(path: folder.path, seededAt: t0)
        } throws: { error in
            String(describing: error).contains("is a directory")
        }
    }

    @Test("a file that is not a SQLite database is refused and left untouched")
    func notADatabase() throws {
        let path = try temporaryFolder().appendingPathComponent("notes.txt").path
        let original = Data("these are my notes, not a database\n".utf8)
        try original.write(to: URL(fileURLWithPath: path))
        #expect(throws: SQLiteStoreError.self) { _ = try SQLiteCRMStore(path: path, seededAt: t0) }
        #expect(FileManager.default.contents(atPath: path) == original)
    }

    @Test("a database from a newer schema version is refused and left untouched")
    func newerSchema() async throws {
        let folder = try temporaryFolder()
        let path = folder.appendingPathComponent("crm.sqlite").path
        _ = try await SQLiteFixture(path: path)
        try sqlite3(path, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA user_version = 99;")
        let before = FileManager.default.contents(atPath: path)
        #expect {
            _ = try SQLiteCRMStore(path: path, seededAt: t0)
        } throws: { error in
            String(describing: error).contains("newer crm (schema 99")
        }
        #expect(FileManager.default.contents(atPath: path) == before)
        for companion in ["-wal", "-shm", "-journal"] {
            #expect(!FileManager.default.fileExists(atPath: path + companion), "nothing left beside it: \(companion)")
        }
    }

    @Test("an unwritable location is a clear error")
    func unwritable() throws {
        #expect {
            _ = try SQLiteCRMStore(path: "/proc/no-such-dir/crm.sqlite", seededAt: t0)
        } throws: { error in
            String(describing: error).hasPrefix("cannot open database")
        }
    }
}
