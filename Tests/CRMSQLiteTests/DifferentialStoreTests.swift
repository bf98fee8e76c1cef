import CRMDomain
import CRMMemoryStore
import CRMSQLite
import CRMShell
import CRMTestSupport
import Foundation
import Testing

/// Defence 2 of issue 10: the same random command lines, run through the shell against the in-memory store and
/// against a SQLite file (each with its own stepping clock from the same start), must print byte-identical
/// output, errors and statuses, line by line.
@Suite("Differential: in-memory and SQLite stores answer alike")
struct DifferentialStoreTests {
    @Test("10,000 random command lines give the same output on both stores")
    func sameAnswers() async throws {
        let lines = CommandLineGenerator.script()
        let path = try temporaryFolder().appendingPathComponent("differential.sqlite").path
        let memory = Self.runner(InMemoryCRMStore(seed: .demo(), seededAt: t0))
        let sqlite = Self.runner(try SQLiteCRMStore(path: path, seededAt: t0))
        await expectSameAnswers(
            lines, seed: CommandLineGenerator.differentialSeed, candidate: "sqlite", reference: { await memory.run($0) },
            candidate: { await sqlite.run($0) })
    }

    @Test("the generator covers every command, success and failure")
    func coverage() async throws {
        let lines = CommandLineGenerator.script()
        let store = InMemoryCRMStore(seed: .demo(), seededAt: t0)
        let memory = Self.runner(store)
        var statuses: [String: Set<CRMShell.ExitStatus>] = [:]
        for line in lines {
            let result = await memory.run(line)
            let words = line.split(separator: " ").prefix(2).joined(separator: " ")
            statuses[words, default: []].insert(result.status)
        }
        for command in ["customer create", "customer update", "customer delete", "ticket create", "ticket update",
            "ticket list", "note add", "ticket delete", "ticket assign", "ticket reopen"]
        {
            #expect(statuses[command]?.contains(.success) == true, "\(command) never succeeded")
            #expect(statuses[command]?.contains(.failure) == true, "\(command) never failed")
        }
        let tickets = try await store.tickets(TicketQuery(limit: 1)).total
        let events = try await store.auditEvents(AuditQuery(limit: 1)).total
        #expect(tickets >= 100 && events >= 500, "only \(tickets) tickets and \(events) audit events at the end")
    }

    static func runner(_ store: any CRMStore) -> CommandRunner {
        CommandRunner(session: Session(service: CRMService(store: store, clock: SteppingClock(start: t0))))
    }
}
