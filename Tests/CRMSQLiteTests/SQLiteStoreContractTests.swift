import CRMSQLite
import CRMStoreContract
import Foundation
import Testing

@Suite("SQLite store: the CRMStore contract")
struct SQLiteStoreContractTests {
    @Test(arguments: StoreContract.checks)
    func contract(_ check: StoreContractCheck) async throws {
        try await check.run { seed, seededAt in
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("crm-contract-\(UUID()).sqlite")
            return try SQLiteCRMStore(path: file.path, seed: seed, seededAt: seededAt)
        }
    }
}
