import CRMAPI
import CRMDomain
import CRMTestSupport
import Foundation
import Logging
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What a client can do to a connection: sit idle, send headers or a body too slowly, or send bytes the HTTP
/// parser refuses. Every case on a real socket; the server closes what it must and answers the rest with the
/// JSON error body.
@Suite("Connections", .serialized)
struct ConnectionTests {
    static let quiet = Logger(label: "crm.test") { _ in SwiftLogNoOpLogHandler() }
    /// Short limits, so the tests are quick.
    static let timeouts = ConnectionTimeouts(idle: .milliseconds(800), requestBody: .milliseconds(1500))

    /// A background server with `timeouts` for the duration of `body`, given its port.
    func withServer<T: Sendable>(_ body: @Sendable (Int, APIWorld) async throws -> T) async throws -> T {
        let world = try await APIWorld.make()
        let server = BackgroundServer()
        let address = try await server.start(
            service: world.service, host: "127.0.0.1", port: 0, timeouts: Self.timeouts, logger: Self.quiet)
        do {
            let result = try await body(try SocketDriver(address: address).port, world)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    @Test("an idle connection is closed")
    func idleConnection() async throws {
        try await self.withServer { port, _ in
            let closed = try await onThread {
                let connection = try RawConnection(port: port)
                return connection.waitForClose(timeout: 10)
            }
            #expect(closed, "an idle connection stayed open")
        }
    }

    @Test("a keep-alive connection is closed when idle after its request")
    func idleAfterRequest() async throws {
        try await self.withServer { port, _ in
            let closed = try await onThread {
                let connection = try RawConnection(port: port)
                connection.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
                return connection.waitForClose(timeout: 10)
            }
            #expect(closed)
        }
    }

    @Test("headers sent a byte at a time (slowloris) are cut off although bytes keep coming")
    func slowHeaders() async throws {
        try await self.withServer { port, _ in
            let closedAfter = try await onThread { () -> TimeInterval? in
                let connection = try RawConnection(port: port)
                let head = "GET /health HTTP/1.1\r\nHost: x\r\n" + String(repeating: "X-Slow: y\r\n", count: 50)
                return connection.trickle(Data(head.utf8), every: 0.1, timeout: 15)
            }
            let seconds = try #require(closedAfter, "still open after 15 s of slow headers")
            #expect(seconds < 6, "closed only after \(seconds) s")
        }
    }

    @Test("a body sent a byte at a time is cut off although bytes keep coming", arguments: [true, false])
    func slowBody(authenticated: Bool) async throws {
        try await self.withServer { port, world in
            let closedAfter = try await onThread { () -> TimeInterval? in
                let connection = try RawConnection(port: port)
                let json = #"{"customer_id": 1, "subject": "slow"}"# + String(repeating: " ", count: 200)
                connection.send(
                    "POST /api/tickets HTTP/1.1\r\nHost: x\r\n"
                        + (authenticated ? "Authorization: Bearer \(Token.agent)\r\n" : "")
                        + "Content-Type: application/json\r\nContent-Length: \(json.utf8.count)\r\n\r\n")
                return connection.trickle(Data(json.utf8), every: 0.1, timeout: 15)
            }
            let seconds = try #require(closedAfter, "still open after 15 s of a slow body")
            #expect(seconds < 6, "closed only after \(seconds) s")
            #expect(try await world.tickets().isEmpty)
        }
    }

    @Test("a prompt client is served on a connection kept alive")
    func keepAlive() async throws {
        try await self.withServer { port, _ in
            let replies = try await onThread { () -> [Reply] in
                let connection = try RawConnection(port: port)
                connection.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                let first = try connection.response()
                return [first]
            }
            #expect(replies.first?.status == 200)
        }
    }

    // MARK: Framing errors, against `crm serve`

    /// Sends `raw` to a fresh `crm serve` connection and reads the answer.
    static func exchange(_ port: Int, _ raw: String, halfClose: Bool = false) async throws -> Reply {
        try await onThread {
            let connection = try RawConnection(port: port)
            connection.send(raw)
            if halfClose { connection.shutdownWrite() }
            return try connection.response()
        }
    }

    static func expectJSONError(_ reply: Reply, _ status: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(reply.status == status, "\(reply)", sourceLocation: sourceLocation)
        #expect(reply.hasErrorShape, "\(reply)", sourceLocation: sourceLocation)
        #expect(reply.header("Content-Type") == "application/json", "\(reply.headers)", sourceLocation: sourceLocation)
        #expect(
            reply.header("X-Process-Time-ms").flatMap(Double.init) != nil, "\(reply.headers)",
            sourceLocation: sourceLocation)
    }

    static let malformedHeads = [
        "GARBAGE\r\n\r\n",
        "GET /health HTTP/9.9\r\nHost: x\r\n\r\n",
        "GET /health HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n\r\n",
        "GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        "GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n",
        "GET /he\u{01}alth HTTP/1.1\r\nHost: x\r\n\r\n",
    ]

    @Test("requests the HTTP parser refuses are 400 with the JSON error body; huge headers are 431")
    func malformedRequests() async throws {
        try await withServe { port in
            for raw in Self.malformedHeads {
                let reply = try await Self.exchange(port, raw)
                Self.expectJSONError(reply, 400)
            }
            let huge = "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: \(String(repeating: "a", count: 100_000))\r\n\r\n"
            Self.expectJSONError(try await Self.exchange(port, huge), 431)
            let many = "GET /health HTTP/1.1\r\nHost: x\r\n" + (0..<2_000).map { "X-\($0): y\r\n" }.joined() + "\r\n"
            Self.expectJSONError(try await Self.exchange(port, many), 431)
            #expect(try await SocketDriver(port: port).get("/health").status == 200)
        }
    }

    @Test("a malformed chunked body or one shorter than its Content-Length is 400, not 500")
    func malformedBodies() async throws {
        try await withServe { port in
            let head = "POST /api/tickets HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(Token.agent)\r\n"
                + "Content-Type: application/json\r\n"
            let chunked = head + "Transfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n"
            Self.expectJSONError(try await Self.exchange(port, chunked), 400)
            let badChunkEnd = head + "Transfer-Encoding: chunked\r\n\r\n2\r\n{}XX0\r\n\r\n"
            Self.expectJSONError(try await Self.exchange(port, badChunkEnd), 400)
            let short = head + "Content-Length: 50\r\n\r\n{\"customer_id\": 1"
            Self.expectJSONError(try await Self.exchange(port, short, halfClose: true), 400)
            let cutChunked = head + "Transfer-Encoding: chunked\r\n\r\n10\r\n{\"custo"
            Self.expectJSONError(try await Self.exchange(port, cutChunked, halfClose: true), 400)
            // Anonymous: refused before the body is read.
            let anonymous = "POST /api/tickets HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                + "Transfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n"
            Self.expectJSONError(try await Self.exchange(port, anonymous), 403)
            let listed = try await SocketDriver(port: port).get("/api/tickets")
            #expect(listed.status == 200 && listed.text == "[]", "\(listed)")
        }
    }
}
