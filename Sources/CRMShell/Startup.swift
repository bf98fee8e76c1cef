import ArgumentParser
import CRMDomain
import CRMSQLite
import Foundation

/// Options every mode shares: where the data lives.
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: "Store data in this SQLite file (default: in memory, seeded).")
    var database: String?

    /// The service over the chosen store, configured from the environment (and `.env`).
    func makeService(environment: [String: String]) throws(ShellError) -> CRMService {
        let settings: CRMSettings
        do {
            settings = try CRMSettings(environment: environment)
        } catch {
            throw .usage(error.description)
        }
        let store: any CRMStore
        if let path = self.database {
            do {
                store = try SQLiteCRMStore(path: path, seed: settings.seed, seededAt: settings.seedTime)
            } catch {
                throw .failed(error.description)
            }
        } else {
            store = InMemoryCRMStore(seed: settings.seed, seededAt: settings.seedTime)
        }
        return CRMService(store: store, policy: settings.policy, clock: settings.makeClock())
    }
}
