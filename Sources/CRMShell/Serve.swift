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

    func validate() throws {
        guard (0...65_535).contains(self.port) else { throw ValidationError("--port must be 0-65535") }
    }

    func run() async throws {
        let startup = try await Startup(store: self.store)
        var logger = Logger(label: "crm") { FileLogHandler.standardError(label: $0) }
        logger.logLevel = .info
        let host = self.host
        let application = buildApplication(
            service: startup.service, host: host, port: self.port, logger: logger
        ) { port in
            print("crm API listening on http://\(host):\(port)")
            fflush(crm_stdout())
        }
        defer { FileLogHandler.flushAll() }
        do {
            try await application.runService()
        } catch {
            startup.streams.write(error: "error: \(ServerError.cannotListen(on: "\(host):\(self.port)", because: error))")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
    }
}
