import ArgumentParser
import CLibEdit
import CRMAPI
import CRMDomain
import Foundation
import Hummingbird
import Logging

/// `crm serve`: the HTTP API with no REPL, until SIGINT or SIGTERM; then it drains and exits 0.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the HTTP API headless (no shell).")

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8000

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let environment = DotEnv.merged(with: ProcessInfo.processInfo.environment)
        let streams = StandardStreams()
        let service: CRMService
        do {
            service = try self.store.makeService(environment: environment)
        } catch {
            streams.write(error: "error: \(error)")
            throw ExitCode(ExitStatus(for: error).rawValue)
        }
        var logger = Logger(label: "crm") { FileLogHandler.standardError(label: $0) }
        logger.logLevel = .notice
        let host = self.host
        let application = buildApplication(service: service, host: host, port: self.port, logger: logger) { port in
            print("crm API listening on http://\(host):\(port)")
            fflush(crm_stdout())
        }
        do {
            try await application.runService()
        } catch {
            streams.write(error: "error: cannot listen on \(host):\(self.port): \(error)")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
    }
}
