import CRMAPI
import CRMDomain
import Logging

/// `server start|stop|status`: the HTTP API in the background of this shell (DESIGN §5.8).
enum ServerCommands {
    static let all: [CommandSpec] = [
        CommandSpec(
            ["server", "start"],
            flags: [
                FlagSpec("host", .text, help: "address to listen on (default 127.0.0.1)"),
                FlagSpec("port", .number, help: "port to listen on (default 8000; 0 picks a free one)"),
            ],
            summary: "Serve the HTTP API in the background on the same data; the prompt stays usable.",
            examples: ["server start", "server start --port 0"]
        ) { invocation, session in
            let port = try invocation.flag("port").map { try Invocation.number($0, name: "port") } ?? 8000
            guard (0...65_535).contains(port) else { throw ShellError.usage("--port must be 0-65535") }
            let path = session.serverLogPath
            var logger = Logger(label: "crm.server") { FileLogHandler(label: $0, path: path) }
            logger.logLevel = .info
            do {
                let address = try await session.server.start(
                    service: session.service, host: invocation.flag("host") ?? "127.0.0.1", port: port, logger: logger)
                return .text("serving \(address) (log: \(path))")
            } catch let error as ServerError {
                throw ShellError.failed(error.description)
            }
        },
        CommandSpec(["server", "stop"], summary: "Stop the background server gracefully.") { _, session in
            .text(await session.server.stop() ? "server stopped" : "the server is not running")
        },
        CommandSpec(["server", "status"], summary: "Show the server's address, uptime and requests served.") {
            _, session in
            guard let status = await session.server.status() else { return .text("the server is not running") }
            return .text(
                "serving \(status.address), up \(status.uptime.components.seconds)s, \(status.requests) requests served")
        },
    ]
}
