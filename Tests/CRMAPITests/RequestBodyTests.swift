import CRMAPI
import CRMDomain
import CRMTestSupport
import Foundation
import HTTPTypes
import Testing

/// JSON bodies are strict RFC 8259, read in one pass; IDs in them are read as the original read them; the
/// caller is checked before anything the body, query or headers say.
@Suite("Request bodies")
struct RequestBodyTests {
    /// Bodies that are not JSON by RFC 8259, each a 400 on every route that takes a body.
    static let notJSON: [String] = [
        #"{"text":"a",}"#, #"{"text":"a",,"x":1}"#, #"[1,]"#, #"{"text":"a"} // note"#, #"/* c */ {"text":"a"}"#,
        #"{"text": NaN}"#, #"{"text": Infinity}"#, #"{"text": -Infinity}"#, "{text: \"a\"}", #"{"text": 'a'}"#,
        #"{"text": undefined}"#, #"{"text": True}"#, #"{"text": 01}"#, #"{"text": 1.}"#, #"{"text": .5}"#,
        #"{"text": +1}"#, #"{"text": 0x10}"#, "{\"text\": \"a\tb\"}", "{\"text\": \"a\nb\"}", #"{"text": "\x"}"#,
        #"{"text": "\u12"}"#, #"{"text": "\ud800"}"#, #"{"text": "\udc00x"}"#, #"{"text": "a"} {"#, "\u{FEFF}{}",
        "{\"text\": \"a\"}\u{0}", String(repeating: "[", count: 100) + String(repeating: "]", count: 100),
        String(repeating: #"{"a":"#, count: 65) + "1" + String(repeating: "}", count: 65),
    ]

    static let bodyRoutes: [(HTTPRequest.Method, String)] = [
        (.post, "/api/tickets"), (.patch, "/api/tickets/1"), (.post, "/api/notes/1"), (.post, "/api/tickets/1/notes"),
        (.post, "/api/customers"), (.patch, "/api/customers/1"),
    ]

    @Test("bodies that are not strict RFC 8259 JSON are 400 and change nothing")
    func strictJSON() async throws {
        let world = try await APIWorld.make()
        try await world.ticket()
        let before = try await world.auditEvents()
        try await world.test { api in
            for (method, path) in Self.bodyRoutes {
                for body in Self.notJSON {
                    let reply = try await api.send(Req(method, path, token: Token.admin, body: Data(body.utf8)))
                    #expect(reply.status == 400, "\(method) \(path) \(body.debugDescription): \(reply)")
                    #expect(reply.errorCode == "malformed_json", "\(reply)")
                    #expect(reply.hasErrorShape)
                }
                for bytes: [UInt8] in [[0x7B, 0x22, 0x74, 0x65, 0x78, 0x74, 0x22, 0x3A, 0x22, 0xFF, 0x22, 0x7D],
                    Array(#"{"text":""#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8),
                    Array(#"{"text":""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8)]
                {
                    let reply = try await api.send(Req(method, path, token: Token.admin, body: Data(bytes)))
                    #expect(reply.status == 400, "\(method) \(path) invalid UTF-8: \(reply)")
                }
            }
        }
        #expect(try await world.auditEvents() == before)
    }

    @Test("what JSON allows is read: escapes, surrogate pairs, 64 levels of nesting, duplicate keys (last wins)")
    func validJSON() async throws {
        let world = try await APIWorld.make()
        try await world.testOnTicket { api, ticket in
            let escaped = try await api.post(
                "/api/notes/\(ticket.id)", #"{"text": "\u00e9\ud83d\ude00 \"q\" \\ \/ caf\u00E9", "ignored": [[[[1]]]]}"#,
                token: Token.agent)
            #expect(escaped.status == 200, "\(escaped)")
            #expect((escaped.object?["data"] as? [String: Any])?["text"] as? String == "é😀 \"q\" \\ / café")
            let deep = String(repeating: "[", count: 63) + String(repeating: "]", count: 63)
            let nested = try await api.post("/api/notes/\(ticket.id)", #"{"text": "n", "x": \#(deep)}"#, token: Token.agent)
            #expect(nested.status == 200, "\(nested)")
            let duplicate = try await api.post(
                "/api/notes/\(ticket.id)", #"{"text": "first", "text": "last"}"#, token: Token.agent)
            #expect((duplicate.object?["data"] as? [String: Any])?["text"] as? String == "last")
            let spaced = try await api.post("/api/notes/\(ticket.id)", " \t\r\n{\"text\" : \"s\"} \n", token: Token.agent)
            #expect(spaced.status == 200, "\(spaced)")
        }
    }

    /// IDs in bodies, read as the original did.
    static let ids: [(String, Int?)] = [
        ("1", 1), (#""1""#, 1), ("1.0", 1), ("1e0", 1), ("10e-1", 1), ("0.1e1", 1), ("2", 2), (#""2""#, 2),
        ("1.5", nil), ("null", nil), (#""abc""#, nil), (#""""#, nil), ("true", nil), ("[1]", nil), (#"{"id": 1}"#, nil),
        ("1e400", nil), ("99999999999999999999", nil), ("9223372036854775808", nil), ("-9223372036854775809", nil),
        ("1e-400", nil), (#""1.5""#, nil), (#"" 1""#, nil), (#""0x1""#, nil), ("1E19", nil),
    ]

    @Test("customer_id is read laxly as the original: 1, \"1\", 1.0 are 1; the rest is 422 naming it", arguments: ids)
    func laxIDs(id: (String, Int?)) async throws {
        let world = try await APIWorld.make()
        try await world.test { api in
            let reply = try await api.post("/api/tickets", #"{"customer_id": \#(id.0), "subject": "s"}"#, token: Token.agent)
            if let expected = id.1 {
                #expect(reply.status == 200, "\(id.0): \(reply)")
                #expect(int(reply.object?["customer_id"]) == expected)
            } else {
                #expect(reply.status == 422, "\(id.0): \(reply)")
                #expect(reply.errorMessage?.hasPrefix("customer_id") == true, "\(id.0): \(reply)")
            }
        }
        if id.1 == nil { #expect(try await world.tickets().isEmpty) }
    }

    @Test("IDs that cannot exist (0, negative, Int.min, Int.max) are 4xx and crash nothing")
    func impossibleIDs() async throws {
        let world = try await APIWorld.make()
        try await world.test { api in
            for id in ["0", "-1", "-9223372036854775808", "9223372036854775807", "-0", #""-5""#] {
                let reply = try await api.post("/api/tickets", #"{"customer_id": \#(id), "subject": "s"}"#, token: Token.agent)
                #expect([404, 422].contains(reply.status), "\(id): \(reply)")
                #expect(reply.hasErrorShape)
            }
            #expect(try await api.get("/health").status == 200)
        }
        #expect(try await world.tickets().isEmpty)
    }

    @Test("on protected routes the caller is checked first: anonymous or a bad token is 403 whatever else is wrong")
    func callerFirst() async throws {
        let world = try await APIWorld.make()
        try await world.testOnTicket { api, ticket in
            let wrong: [Req] = [
                Req(.post, "/api/tickets", json: "{oops"),
                Req(.post, "/api/tickets", json: #"{"customer_id": "x"}"#),
                Req(.post, "/api/tickets", body: Data(count: (1 << 20) + 1)),
                Req(.patch, "/api/tickets/\(ticket.id)", json: "{,}", headers: [("If-Match", "garbage")]),
                Req(.patch, "/api/tickets/\(ticket.id)", json: #"{"status": "bogus"}"#, headers: [("If-Match", #""99""#)]),
                Req(.patch, "/api/tickets/abc", json: "["),
                Req(.post, "/api/notes/\(ticket.id)", json: "[1,]"),
                Req(.post, "/api/tickets/\(ticket.id)/notes", json: "{}"),
                Req(.post, "/api/customers", json: "{"),
                Req(.patch, "/api/customers/1", json: #"{"email": 5}"#),
                Req(.delete, "/api/customers/abc"),
                Req(.get, "/api/customers?limit=ten"),
                Req(.get, "/api/audit?limit=0&offset=-1"),
                Req(.get, "/api/tickets/\(ticket.id)/history?limit=99999999999999999999"),
            ]
            for request in wrong {
                for token in [nil, "not-a-token"] {
                    var sent = request
                    if let token { sent.headers.append(("Authorization", "Bearer \(token)")) }
                    let reply = try await api.send(sent)
                    #expect(reply.status == 403, "\(request.method) \(request.path) token \(token ?? "none"): \(reply)")
                    #expect(reply.hasErrorShape)
                }
            }
            // An agent lacking the permission: 403 before the body, too.
            let agentDelete = try await api.send(Req(.delete, "/api/customers/abc", token: Token.agent))
            #expect(agentDelete.status == 403, "\(agentDelete)")
        }
        #expect(try await world.tickets().map(\.version) == [1])
    }
}
