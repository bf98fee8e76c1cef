import CRMMemoryStore
import CRMStoreContract
import Testing

@Suite("In-memory store: the CRMStore contract")
struct MemoryStoreContractTests {
    @Test(arguments: StoreContract.checks)
    func contract(_ check: StoreContractCheck) async throws {
        try await check.run { seed, seededAt in InMemoryCRMStore(seed: seed, seededAt: seededAt) }
    }
}
