import CRMDomain
import CRMMemoryStore
import CRMPostgres
import CRMShell
import CRMTestSupport
import Foundation
import Testing

/// The differential test of the SQLite store (CRMSQLiteTests), on PostgreSQL: the same random command lines, run
/// through the shell against the in-memory store and against a PostgreSQL database (each with its own stepping
/// clock from the same start), print byte-identical output, errors and statuses, line by line: searches in every
/// script, paging and totals, IDs, versions and refusals included.
@Suite("Differential: in-memory and PostgreSQL stores answer alike", .needsPostgres, .timeLimit(.minutes(3)))
struct PostgresDifferentialTests {
    @Test("10,000 random command lines give the same output on both stores")
    func sameAnswers() async throws {
        let lines = CommandLineGenerator.script()
        let memory = Self.runner(InMemoryCRMStore(seed: .demo(), seededAt: t0))
        let postgres = Self.runner(try await freshStore())
        await expectSameAnswers(
            lines, seed: CommandLineGenerator.differentialSeed, candidate: "postgres", reference: { await memory.run($0) },
            candidate: { await postgres.run($0) })
    }

    static func runner(_ store: any CRMStore) -> CommandRunner {
        CommandRunner(session: Session(service: CRMService(store: store, clock: SteppingClock(start: t0))))
    }
}
