import ArgumentParser
import CRMDomain
import Foundation

/// Options every mode shares: where the data lives.
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: "Store data in this SQLite file (default: in memory, seeded).")
    var database: String?

    /// The service over the chosen store, configured from the environment (and `.env`).
    func makeService(environment: [String: String]) throws(ShellError) -> CRMService {
        if self.database != nil {
            throw .usage("--db is not available yet; crm keeps data in memory")
        }
        let settings: CRMSettings
        do {
            settings = try CRMSettings(environment: environment)
        } catch {
            throw .usage(error.description)
        }
        let store = InMemoryCRMStore(seed: settings.seed, seededAt: settings.seedTime)
        return CRMService(store: store, policy: settings.policy, clock: settings.makeClock())
    }
}
