import CRMPostgres
import CRMStoreContract
import Testing

@Suite("PostgreSQL store: the CRMStore contract", .needsPostgres, .timeLimit(.minutes(1)))
struct PostgresStoreContractTests {
    /// Every check, each store on a database of its own.
    @Test(arguments: StoreContract.checks)
    func contract(_ check: StoreContractCheck) async throws {
        try await check.run { seed, seededAt in try await freshStore(seed: seed, seededAt: seededAt) }
    }
}
