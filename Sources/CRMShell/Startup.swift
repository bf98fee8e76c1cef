import ArgumentParser
import CRMDomain
import CRMMemoryStore
import CRMPostgres
import CRMSQLite
import Foundation

/// Options every mode shares: where the data lives.
struct StoreOptions: ParsableArguments {
    @Option(
        name: .customLong("db"),
        help: """
            Store data in this SQLite file, or in the PostgreSQL database of a postgres:// URL (default: \
            CRM_DATABASE_URL, else in memory, seeded).
            """)
    var database: String?

    /// Where the data lives: `--db`, else `CRM_DATABASE_URL`, else nil (in memory).
    func location(environment: [String: String]) -> String? {
        self.database ?? environment["CRM_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The service over the chosen store, configured from the environment (and `.env`).
    func makeService(environment: [String: String]) async throws(ShellError) -> CRMService {
        let settings: CRMSettings
        do {
            settings = try CRMSettings(environment: environment)
        } catch {
            throw .usage(error.description)
        }
        let store: any CRMStore
        let location = self.location(environment: environment)
        if let location, PostgresURL.isPostgres(location) {
            do {
                let url = try PostgresURL(parsing: location, defaultUser: environment["USER"] ?? "postgres")
                store = try await PostgresCRMStore.open(url: url, seed: settings.seed, seededAt: settings.seedTime)
            } catch {
                throw .failed(error.description)
            }
        } else if let location, let scheme = PostgresURL.scheme(of: location) {
            throw .usage("--db: crm cannot use a \(scheme):// database; give a postgres:// URL or a SQLite file path")
        } else if let path = location {
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

/// What every mode (`crm`, `crm serve`) starts from: the environment with `.env` under it, the standard streams, and
/// the service over the chosen store.
struct Startup {
    let environment: [String: String]
    let streams = StandardStreams()
    let service: CRMService

    /// Reads the environment and opens the store; a failure is reported on stderr and thrown as its exit code.
    init(store: StoreOptions) async throws(ExitCode) {
        do {
            self.environment = try DotEnv.merged(with: ProcessInfo.processInfo.environment)
            self.service = try await store.makeService(environment: self.environment)
        } catch {
            throw Self.exit(reporting: error, on: self.streams)
        }
    }

    /// Reports `error` on stderr; the exit code that ends the process for it.
    func exit(reporting error: any Error) -> ExitCode {
        Self.exit(reporting: error, on: self.streams)
    }

    private static func exit(reporting error: any Error, on streams: StandardStreams) -> ExitCode {
        streams.write(error: "error: \(error)")
        return ExitCode(ExitStatus(for: error).rawValue)
    }
}
