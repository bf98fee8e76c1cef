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
                let status = await session.server.status()
                return .described("serving \(address) (log: \(path))", ServerStatusJSON(status: status, log: path))
            } catch let error as ServerError {
                throw ShellError.failed(error.description)
            }
        },
        CommandSpec(["server", "stop"], summary: "Stop the background server gracefully.") { _, session in
            let stopped = await session.server.stop()
            return .described(
                stopped ? "server stopped" : "the server is not running", ServerStatusJSON(status: nil, stopped: stopped))
        },
        CommandSpec(["server", "status"], summary: "Show the server's address, uptime and requests served.") {
            _, session in
            let status = await session.server.status()
            let text = status.map {
                "serving \($0.address), up \($0.uptime.components.seconds)s, \($0.requests) requests served"
            }
            return .described(text ?? "the server is not running", ServerStatusJSON(status: status))
        },
    ]
}

/// `server status` in `json` format (DESIGN §5.4): `{"address":"127.0.0.1","port":8000,"requests":3,"running":true,
/// "uptime_seconds":42}`; when stopped, `running` is false and the rest null. `server start` adds `log` (the log
/// file), `server stop` adds `stopped` (whether it stopped a running server).
struct ServerStatusJSON: JSONWritable, Sendable {
    let status: BackgroundServer.Status?
    var log: String?
    var stopped: Bool?

    init(status: BackgroundServer.Status?, log: String? = nil, stopped: Bool? = nil) {
        self.status = status
        self.log = log
        self.stopped = stopped
    }

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("address", self.status?.host)
        if let log { json.field("log", log) }
        json.key("port")
        if let port = self.status?.port { json.int(port) } else { json.null() }
        json.key("requests")
        if let requests = self.status?.requests { json.int(requests) } else { json.null() }
        json.field("running", self.status != nil)
        if let stopped { json.field("stopped", stopped) }
        json.key("uptime_seconds")
        if let uptime = self.status?.uptime { json.int(Int(uptime.components.seconds)) } else { json.null() }
        json.endObject()
    }
}
