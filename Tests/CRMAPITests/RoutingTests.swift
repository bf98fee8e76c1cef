import CRMAPI
import CRMDomain
import CRMTestSupport
import Foundation
import HTTPTypes
import Testing

/// How a request finds its route: a wrong method on a known path is 405 with `Allow`, `HEAD` works wherever
/// `GET` does, and percent-encoded path segments are decoded as the original service decoded them.
@Suite("Routing")
struct RoutingTests {
    /// Each known path (with IDs filled in) and the methods the route table serves on it.
    static let paths: [(String, [String])] = [
        ("/health", ["GET", "HEAD"]),
        ("/openapi.json", ["GET", "HEAD"]),
        ("/api/me", ["GET", "HEAD"]),
        ("/api/customers", ["GET", "HEAD", "POST"]),
        ("/api/customers/1", ["GET", "HEAD", "PATCH", "DELETE"]),
        ("/api/tickets", ["GET", "HEAD", "POST"]),
        ("/api/tickets/", ["GET", "HEAD", "POST"]),
        ("/api/tickets/1", ["GET", "HEAD", "PATCH", "DELETE"]),
        ("/api/tickets/1/notes", ["GET", "HEAD", "POST"]),
        ("/api/tickets/1/history", ["GET", "HEAD"]),
        ("/api/notes/1", ["POST"]),
        ("/api/audit", ["GET", "HEAD"]),
    ]

    static let methods: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete, .options, .trace]

    @Test("a method a known path does not serve is 405 with Allow listing those it does", arguments: APIWorld.Mode.allCases)
    func methodNotAllowed(mode: APIWorld.Mode) async throws {
        let world = try await APIWorld.make()
        try await world.ticket()
        try await world.test(mode) { api in
            for (path, allowed) in Self.paths {
                for method in Self.methods where !allowed.contains(method.rawValue) {
                    let reply = try await api.send(Req(method, path, token: Token.admin))
                    #expect(reply.status == 405, "\(method) \(path): \(reply)")
                    #expect(reply.header("Allow") == allowed.joined(separator: ", "), "\(method) \(path): \(reply.headers)")
                    #expect(reply.header("X-Process-Time-ms") != nil)
                    if method != .head {
                        #expect(reply.errorCode == "method_not_allowed", "\(reply)")
                        #expect(reply.hasErrorShape, "\(reply)")
                    }
                }
            }
            // Unknown paths stay 404, whatever the method.
            for method in Self.methods {
                let reply = try await api.send(Req(method, "/api/nothing/here", token: Token.admin))
                #expect(reply.status == 404, "\(method): \(reply)")
                #expect(reply.header("Allow") == nil)
            }
        }
    }

    @Test("HEAD answers as GET does, with no body", arguments: APIWorld.Mode.allCases)
    func head(mode: APIWorld.Mode) async throws {
        let world = try await APIWorld.make()
        let ticket = try await world.ticket()
        try await world.test(mode) { api in
            let cases: [(String, String?)] = [
                ("/health", nil), ("/openapi.json", nil), ("/api/me", Token.agent), ("/api/customers", Token.agent),
                ("/api/customers/1", Token.agent), ("/api/tickets", nil), ("/api/tickets/\(ticket.id)", nil),
                ("/api/tickets/\(ticket.id)/notes", Token.agent), ("/api/tickets/\(ticket.id)/history", Token.agent),
                ("/api/audit", Token.admin), ("/api/tickets/999", nil), ("/api/customers/1", nil),
            ]
            for (path, token) in cases {
                let get = try await api.get(path, token: token)
                let head = try await api.send(Req(.head, path, token: token))
                #expect(head.status == get.status, "HEAD \(path): \(head) vs \(get)")
                #expect(head.body.isEmpty, "HEAD \(path) has a body")
                #expect(head.header("X-Process-Time-ms") != nil)
                for name in ["ETag", "X-Total-Count", "Content-Type"] {
                    #expect(head.header(name) == get.header(name), "HEAD \(path) \(name)")
                }
            }
        }
    }

    @Test("percent-encoded path segments are decoded: /api/customers/%31 is customer 1", arguments: APIWorld.Mode.allCases)
    func percentDecoding(mode: APIWorld.Mode) async throws {
        let world = try await APIWorld.make()
        let ticket = try await world.ticket()
        try await world.test(mode) { api in
            let one = try await api.get("/api/customers/%31", token: Token.agent)
            #expect(one.status == 200, "\(one)")
            #expect(int(one.object?["id"]) == 1)
            #expect(try await api.get("/api/%63ustomers/%32", token: Token.agent).object?["name"] as? String == "John Smith")
            #expect(try await api.get("/api/tickets/%3\(ticket.id.rawValue)").status == 200)
            #expect(try await api.get("/%61pi/tickets").status == 200)
            let noted = try await api.post("/api/notes/%3\(ticket.id.rawValue)", #"{"text": "n"}"#, token: Token.agent)
            #expect(noted.status == 200, "\(noted)")
            // Garbage escapes and encoded reserved characters match no ID: 404, never 500.
            for path in ["%", "%2", "%zz", "%FF", "%00", "%2F", "1%2F", "%2B1", "%2D1", "%20", "1%00", "%C3%A9", "%%31"] {
                let reply = try await api.get("/api/customers/\(path)", token: Token.agent)
                #expect([404, 422].contains(reply.status), "\(path): \(reply)")
                #expect(reply.hasErrorShape, "\(path): \(reply)")
            }
        }
    }
}
