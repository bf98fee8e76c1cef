import CRMDomain
import CRMSQLite
import CRMTestSupport
import Foundation
import Testing

@Suite("SQLite through the crm binary: several processes, kill -9")
struct SQLiteProcessTests {
    @Test("a second process sees the first one's committed changes; bad files exit non-zero")
    func secondProcess() throws {
        let folder = try temporaryFolder()
        let first = try runCRM(
            ["--db", "crm.sqlite", "-c", "login agent123", "-c", "ticket create --customer 1 --subject Persisted"],
            in: folder)
        #expect(first.status == 0, "\(first.error)")
        let second = try runCRM(["--db", "crm.sqlite", "--format", "csv", "-c", "ticket list"], in: folder)
        #expect(second.status == 0)
        #expect(second.output.contains("Persisted"))
        let directory = try runCRM(["--db", ".", "-c", "ticket list"], in: folder)
        #expect(directory.status != 0)
        #expect(directory.error.hasPrefix("error: cannot open database"))
        #expect(directory.error.split(separator: "\n").count == 1)
    }

    @Test("concurrent writers from two processes wait for each other instead of failing")
    func concurrentWriters() async throws {
        let folder = try temporaryFolder()
        _ = try runCRM(["--db", "crm.sqlite", "-c", "whoami"], in: folder)
        let script = "login agent123\n" + (1...300).map { "ticket create --customer 1 --subject w\($0)\n" }.joined()
        async let a = Task.detached { try runCRM(["--db", "crm.sqlite"], input: script, in: folder) }.value
        async let b = Task.detached { try runCRM(["--db", "crm.sqlite"], input: script, in: folder) }.value
        let (resultA, resultB) = try await (a, b)
        #expect(resultA.status == 0, "\(resultA.error)")
        #expect(resultB.status == 0, "\(resultB.error)")
        let fixture = try await SQLiteFixture(path: folder.appendingPathComponent("crm.sqlite").path)
        #expect(try await fixture.service.listTickets(by: fixture.agent).total == 600)
        #expect(try await fixture.service.auditLog(by: fixture.admin).total == 600)
    }

    @Test("kill -9 mid-script: every printed ticket is stored, none half-written, each with its audit event")
    func killNine() async throws {
        let folder = try temporaryFolder()
        let scriptURL = folder.appendingPathComponent("creates.crm")
        let script = "login agent123\n"
            + (1...50_000).map { "ticket create --customer \($0 % 2 + 1) --subject 'Load \($0)' --tag load\n" }.joined()
        try Data(script.utf8).write(to: scriptURL)
        let process = Process()
        process.executableURL = try crmExecutable()
        process.arguments = ["--db", "crm.sqlite", "--format", "json", "-f", "creates.crm"]
        process.currentDirectoryURL = folder
        process.environment = ["HOME": folder.path]
        let stdout = Pipe()
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        var printed = Data()
        while printed.count(where: { $0 == UInt8(ascii: "\n") }) < 1_500 {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            printed.append(chunk)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        printed.append(stdout.fileHandleForReading.readDataToEndOfFile())
        #expect(process.terminationReason == .uncaughtSignal)

        let lines = String(decoding: printed, as: UTF8.self).split(separator: "\n").dropFirst()
        let acknowledged = lines.compactMap { line in
            try? JSONDecoder().decode(Ticket.self, from: Data(line.utf8))
        }
        #expect(acknowledged.count >= 1_000)
        let fixture = try await SQLiteFixture(path: folder.appendingPathComponent("crm.sqlite").path)
        let stored = try await fixture.service.listTickets(TicketFilter(), PageRequest(limit: 1_000), by: fixture.agent)
        var storedTickets = stored.items
        var offset = stored.items.count
        while offset < stored.total {
            let page = try await fixture.service.listTickets(
                TicketFilter(), PageRequest(limit: 1_000, offset: offset), by: fixture.agent)
            storedTickets += page.items
            offset += page.items.count
        }
        let storedByID = Dictionary(uniqueKeysWithValues: storedTickets.map { ($0.id, $0) })
        for ticket in acknowledged {
            #expect(storedByID[ticket.id] == ticket, "acknowledged ticket \(ticket.id) must survive kill -9")
        }
        for ticket in storedTickets {
            #expect(ticket.subject.hasPrefix("Load ") && ticket.tags == ["load"] && ticket.version == 1)
        }
        let creates = try await fixture.service.auditLog(by: fixture.admin)
        #expect(creates.total == storedTickets.count, "one audit event per stored ticket, no more, no fewer")
    }
}
