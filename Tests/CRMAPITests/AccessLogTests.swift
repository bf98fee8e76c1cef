import CRMAPI
import CRMDomain
import CRMTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

/// Keeps every line logged through it, rendered as message plus metadata, for tests to read.
final class CapturedLog: Sendable {
    private let lines = Mutex<[String]>([])

    /// A logger at `level` writing here.
    func logger(level: Logger.Level = .info) -> Logger {
        var logger = Logger(label: "crm.test") { _ in Handler(log: self) }
        logger.logLevel = level
        return logger
    }

    /// The access-log lines so far.
    var accessLines: [String] { self.lines.withLock { $0 }.filter { $0.contains("request_id=") } }
    /// Every line so far.
    var all: [String] { self.lines.withLock { $0 } }

    fileprivate func append(_ line: String) { self.lines.withLock { $0.append(line) } }

    private struct Handler: LogHandler {
        let log: CapturedLog
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { self.metadata[key] }
            set { self.metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let metadata = self.metadata.merging(event.metadata ?? [:]) { $1 }
            self.log.append(
                "\(event.level) \(event.message) " + metadata.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " "))
        }
    }
}

/// One access-log line per response (request ID, method, route template, status, duration, user), never a
/// secret; `X-Request-Id` goes back to the client.
@Suite("Access log", .serialized)
struct AccessLogTests {
    /// What every `X-Request-Id` the server sends looks like.
    static func isSaneID(_ id: String?) -> Bool {
        id?.wholeMatch(of: /[A-Za-z0-9._:-]{1,128}/) != nil
    }

    @Test("a real server logs one line per response with id, method, template, status, duration and user; no secret")
    func linePerResponse() async throws {
        let world = try await APIWorld.make()
        let log = CapturedLog()
        let (server, api) = try await world.startServer(logger: log.logger())

        let customer = try await api.get(
            "/api/customers/1?secret=hunter2&token=\(Token.agent)", token: Token.admin,
            headers: [("X-Request-Id", "trace-42.a:b_c")])
        #expect(customer.status == 200, "\(customer)")
        #expect(customer.header("X-Request-Id") == "trace-42.a:b_c")
        let anonymous = try await api.get("/api/tickets/?customer_id=1")
        let refused = try await api.get("/api/audit", token: Token.agent)
        let unknown = try await api.get("/nowhere/\(Token.admin)")
        let badToken = try await api.get("/api/customers/2", token: "crm_notreal")
        await server.stop()

        let lines = log.accessLines
        try #require(lines.count == 5, "\(log.all)")
        func fields(_ line: String) -> [String: String] {
            Dictionary(
                line.split(separator: " ").compactMap { part -> (String, String)? in
                    let pair = part.split(separator: "=", maxSplits: 1)
                    return pair.count == 2 ? (String(pair[0]), String(pair[1])) : nil
                }, uniquingKeysWith: { $1 })
        }
        let expected: [(Reply, String, String, Int, String)] = [
            (customer, "GET", "/api/customers/{id}", 200, "admin"),
            (anonymous, "GET", "/api/tickets", 200, "-"),
            (refused, "GET", "/api/audit", 403, "agent"),
            (unknown, "GET", "unmatched", 404, "-"),
            (badToken, "GET", "/api/customers/{id}", 403, "-"),
        ]
        for (line, (reply, method, route, status, user)) in zip(lines, expected) {
            let values = fields(line)
            #expect(line.hasPrefix("info "), "\(line)")
            #expect(values["request_id"] == reply.header("X-Request-Id"), "\(line) vs \(reply.headers)")
            #expect(values["method"] == method, "\(line)")
            #expect(values["route"] == route, "\(line)")
            #expect(values["status"] == String(status), "\(line)")
            #expect(values["user"] == user, "\(line)")
            #expect(values["duration_ms"]?.wholeMatch(of: /[0-9]+\.[0-9]{3}/) != nil, "\(line)")
            #expect(Self.isSaneID(reply.header("X-Request-Id")), "\(reply.headers)")
        }
        // Generated IDs differ from request to request.
        #expect(Set(lines.map { fields($0)["request_id"] }).count == 5)
        // Never a token, a query value, the Authorization header or a raw path.
        for secret in [Token.admin, Token.agent, "crm_notreal", "hunter2", "Bearer", "uthorization", "/api/customers/1"] {
            #expect(!log.all.contains { $0.contains(secret) }, "\(secret) logged: \(log.all)")
        }
    }

    @Test(
        "X-Request-Id: a sane one comes back, anything else is replaced by a generated one",
        arguments: [
            ("abc-123", true), ("0f8fad5b-d9cb-469f-a165-70867728950e", true), ("a.b:c_d", true),
            (String(repeating: "x", count: 128), true), (String(repeating: "x", count: 129), false),
            ("has space", false), ("semi;colon", false), ("quote\"d", false), ("ünï", false),
        ])
    func requestIDRoundTrip(sent: String, kept: Bool) async throws {
        let world = try await APIWorld.make()
        let log = CapturedLog()
        let app = Application(router: buildRouter(service: world.service, accessLog: log.logger()))
        try await app.test(.router) { client in
            let reply = try await RouterDriver(client: client).get("/health", headers: [("X-Request-Id", sent)])
            let id = try #require(reply.header("X-Request-Id"), "\(reply.headers)")
            #expect((id == sent) == kept, "sent \(sent), got \(id)")
            #expect(Self.isSaneID(id), "\(id)")
            #expect(log.accessLines.count == 1)
            #expect(log.accessLines.first?.contains("request_id=\(id) ") == true, "\(log.accessLines)")
        }
    }

    @Test("a router built without an access log logs nothing, and below info nothing is written")
    func quietWhenAsked() async throws {
        let world = try await APIWorld.make()
        let log = CapturedLog()
        let app = Application(router: buildRouter(service: world.service, accessLog: log.logger(level: .notice)))
        try await app.test(.router) { client in
            let reply = try await RouterDriver(client: client).get("/health")
            #expect(reply.status == 200)
        }
        #expect(log.all.isEmpty, "\(log.all)")
    }

    @Test("crm serve writes access lines to stderr at info, never the token")
    func serveLogsToStandardError() async throws {
        let (serve, address) = try await CRMProcess.serve()
        defer { serve.killIfRunning() }
        let reply = try await SocketDriver(address: address).get("/api/me", token: Token.agent)
        let id = try #require(reply.header("X-Request-Id"))
        let line = try await OutputCursor(serve.stderr).awaitNext(
            #"request_id=(\S+) method=GET route=/api/me status=200 duration_ms=[0-9.]+ user=agent"#, timeout: 30)
        #expect(line?[1] == id, "\(serve.stderr.text)")
        #expect(!serve.stderr.text.contains(Token.agent))
        #expect(!serve.stdout.text.contains("request_id="), "access lines belong on stderr: \(serve.stdout.text)")
    }
}
