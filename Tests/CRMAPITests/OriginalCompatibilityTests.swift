import CRMAPI
import CRMDomain
import CRMTestSupport
import Foundation
import HTTPTypes
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The original FastAPI service's answers, as measured side by side (DESIGN §6.1): a client of the original
/// must not notice the switch.
@Suite("Original service compatibility")
struct OriginalCompatibilityTests {
    /// One request and what the original answered: the status and, for an error, the `detail` text (nil: the
    /// original had none of its own, so `detail` repeats the error's message).
    struct Case: Sendable, CustomTestStringConvertible {
        let request: Req
        let status: Int
        let detail: String?

        init(_ request: Req, _ status: Int, _ detail: String? = nil) {
            self.request = request
            self.status = status
            self.detail = detail
        }

        var testDescription: String {
            let auth = self.request.headers.first { $0.0 == "Authorization" }.map { " [\($0.1)]" } ?? ""
            let body = self.request.body.map { " " + String(decoding: $0, as: UTF8.self) } ?? ""
            return "\(self.request.method) \(self.request.path)\(auth)\(body) → \(self.status)"
        }
    }

    static let noRole = "Forbidden: role 'None' unauthorized"
    static let agentRole = "Forbidden: role 'agent' unauthorized"

    /// Against a world with ticket 1 (customer 1).
    static let cases: [Case] = [
        // The original's two POST routes answered 200; the new create routes keep 201.
        Case(Req(.post, "/api/tickets/", token: Token.agent, json: #"{"customer_id": 1, "subject": "s", "description": "d"}"#), 200),
        Case(Req(.post, "/api/tickets", token: Token.agent, json: #"{"customer_id": 2, "subject": "s"}"#), 200),
        Case(Req(.post, "/api/notes/1", token: Token.agent, json: #"{"text": "n"}"#), 200),
        Case(Req(.post, "/api/notes/1/", token: Token.agent, json: #"{"text": "n"}"#), 200),
        Case(Req(.post, "/api/tickets/1/notes", token: Token.agent, json: #"{"text": "n"}"#), 201),
        Case(Req(.post, "/api/customers", token: Token.agent, json: #"{"name": "Ada", "email": "ada@example.com"}"#), 201),
        // The original's detail texts.
        Case(Req(.post, "/api/tickets/", token: Token.agent, json: #"{"customer_id": 99, "subject": "s"}"#), 404, "Customer does not exist"),
        Case(Req(.get, "/api/customers/99", token: Token.agent), 404, "Customer not found"),
        Case(Req(.get, "/api/customers/0", token: Token.agent), 404, "Customer not found"),
        Case(Req(.patch, "/api/tickets/99", token: Token.agent, json: #"{"status": "closed"}"#), 404, "Ticket not found"),
        Case(Req(.post, "/api/notes/99", token: Token.agent, json: #"{"text": "n"}"#), 404, "Ticket not found"),
        Case(Req(.get, "/api/customers/1"), 403, noRole),
        Case(Req(.get, "/api/customers/1", token: "nope"), 403, noRole),
        Case(Req(.get, "/api/customers/1", headers: [("Authorization", "Basic YWdlbnQ6YWdlbnQxMjM=")]), 403, noRole),
        Case(Req(.post, "/api/tickets/", json: #"{"customer_id": 1, "subject": "s"}"#), 403, noRole),
        Case(Req(.patch, "/api/tickets/1", token: "nope", json: #"{"status": "closed"}"#), 403, noRole),
        Case(Req(.post, "/api/notes/1", json: #"{"text": "n"}"#), 403, noRole),
        Case(Req(.delete, "/api/tickets/1", token: Token.agent), 403, agentRole),
        Case(Req(.get, "/api/audit", token: Token.agent), 403, agentRole),
        Case(Req(.get, "/nope"), 404, "Not Found"),
        Case(Req(.put, "/api/tickets/"), 405, "Method Not Allowed"),
        Case(Req(.delete, "/health"), 405, "Method Not Allowed"),
        // A bad, empty or non-Bearer header on a public route is ignored: the caller is anonymous.
        Case(Req(.get, "/api/tickets/", headers: [("Authorization", "")]), 200),
        Case(Req(.get, "/api/tickets/", headers: [("Authorization", "Bearer")]), 200),
        Case(Req(.get, "/api/tickets/", headers: [("Authorization", "Basic abc")]), 200),
        Case(Req(.get, "/api/tickets/", token: "not-a-token"), 200),
        Case(Req(.get, "/api/tickets/1", token: "not-a-token"), 200),
        Case(Req(.get, "/health", token: "not-a-token"), 200),
        // A non-integer path ID is 422; percent-encoded IDs are decoded.
        Case(Req(.get, "/api/customers/abc", token: Token.agent), 422),
        Case(Req(.get, "/api/customers/1.5", token: Token.agent), 422),
        Case(Req(.get, "/api/customers/%31", token: Token.agent), 200),
        Case(Req(.patch, "/api/tickets/abc", token: Token.agent, json: #"{"status": "closed"}"#), 422),
        Case(Req(.post, "/api/notes/abc", token: Token.agent, json: #"{"text": "n"}"#), 422),
        Case(Req(.get, "/api/tickets/abc"), 422),
        // IDs in bodies: 1, "1" and 1.0 are 1; 1.5, null, "abc" are 422.
        Case(Req(.post, "/api/tickets/", token: Token.agent, json: #"{"customer_id": "1", "subject": "s"}"#), 200),
        Case(Req(.post, "/api/tickets/", token: Token.agent, json: #"{"customer_id": 1.0, "subject": "s"}"#), 200),
        Case(Req(.post, "/api/tickets/", token: Token.agent, json: #"{"customer_id": 1.5, "subject": "s"}"#), 422),
        Case(Req(.post, "/api/tickets/", token: Token.agent, json: #"{"customer_id": null, "subject": "s"}"#), 422),
        Case(Req(.post, "/api/tickets/", token: Token.agent, json: #"{"customer_id": "abc", "subject": "s"}"#), 422),
        // ... and in the query: 0 or empty is no filter.
        Case(Req(.get, "/api/tickets/?customer_id=1"), 200),
        Case(Req(.get, "/api/tickets/?customer_id=1.0"), 200),
        Case(Req(.get, "/api/tickets/?customer_id=0"), 200),
        Case(Req(.get, "/api/tickets/?customer_id="), 200),
        Case(Req(.get, "/api/tickets/?customer_id=1.5"), 422),
        Case(Req(.get, "/api/tickets/?customer_id=abc"), 422),
        Case(Req(.get, "/api/tickets/?customer_id=1e3"), 422),
    ]

    @Test("each request gets the original's status and detail", arguments: cases)
    func originalAnswer(_ example: Case) async throws {
        let world = try await APIWorld.make()
        try await world.ticket()
        let reply = try await world.test { api in try await api.send(example.request) }
        #expect(reply.status == example.status, "\(reply)")
        #expect(reply.header("X-Process-Time-ms") != nil, "\(reply)")
        if example.status >= 400 {
            #expect(reply.hasErrorShape, "\(reply)")
            #expect(reply.detail == (example.detail ?? reply.errorMessage), "\(reply)")
        }
    }

    @Test("ticket filters by customer_id: 1 and 1.0 are customer 1, 0 and empty are every ticket")
    func customerFilter() async throws {
        let world = try await APIWorld.make()
        try await world.ticket("A", customer: 1)
        try await world.ticket("B", customer: 2)
        try await world.test { api in
            for (query, subjects) in [("1", ["A"]), ("1.0", ["A"]), ("2", ["B"]), ("0", ["A", "B"]), ("", ["A", "B"]), ("7", [])] {
                let reply = try await api.get("/api/tickets/?customer_id=\(query)")
                #expect(reply.array?.compactMap { $0["subject"] as? String } == subjects, "\(query): \(reply)")
            }
        }
    }

    @Test("repeated query parameters and duplicate JSON keys: the last one wins")
    func lastWins() async throws {
        let world = try await APIWorld.make()
        for index in 1...3 { try await world.ticket("T\(index)", customer: index == 3 ? 2 : 1) }
        try await world.test { api in
            let byCustomer = try await api.get("/api/tickets/?customer_id=1&customer_id=2")
            #expect(byCustomer.array?.compactMap { $0["subject"] as? String } == ["T3"], "\(byCustomer)")
            let paged = try await api.get("/api/tickets/?limit=1&limit=2&offset=2&offset=0")
            #expect(paged.array?.compactMap { $0["subject"] as? String } == ["T1", "T2"], "\(paged)")
            let status = try await api.get("/api/tickets/?status=closed&status=open")
            #expect(status.array?.count == 3, "\(status)")

            let created = try await api.post(
                "/api/tickets/", #"{"customer_id": 99, "subject": "first", "customer_id": 2, "subject": "last"}"#,
                token: Token.agent)
            #expect(created.status == 200, "\(created)")
            #expect(int(created.object?["customer_id"]) == 2 && created.object?["subject"] as? String == "last")
            let patched = try await api.patch(
                "/api/tickets/1", #"{"status": "closed", "status": "pending"}"#, token: Token.agent)
            #expect(patched.object?["status"] as? String == "pending", "\(patched)")
            let customer = try await api.post(
                "/api/customers", #"{"name": "A", "email": "bad", "name": "Ada", "email": "ada@example.com"}"#,
                token: Token.agent)
            #expect(customer.object?["name"] as? String == "Ada", "\(customer)")
            let note = try await api.post("/api/notes/1", #"{"text": "a", "text": "b"}"#, token: Token.agent)
            #expect((note.object?["data"] as? [String: Any])?["text"] as? String == "b", "\(note)")
        }
    }

    @Test("query strings decode as forms, as the original's did: + is a space, %2B a plus, %C3%A9 is é")
    func formDecodedQuery() async throws {
        let world = try await APIWorld.make()
        for subject in ["hello world", "C++ build", "café au lait"] { try await world.ticket(subject, customer: 1) }
        try await world.test { api in
            for (query, subject) in [("hello+world", "hello world"), ("C%2B%2B", "C++ build"), ("caf%C3%A9+au", "café au lait")] {
                let found = try await api.get("/api/tickets/?q=\(query)", token: Token.agent)
                #expect(found.array?.compactMap { $0["subject"] as? String } == [subject], "\(query): \(found)")
            }
        }
    }

    @Test("GET /api/tickets/ without limit or offset streams every ticket; with them it pages", arguments: APIWorld.Mode.allCases)
    func everyTicket(mode: APIWorld.Mode) async throws {
        let world = try await APIWorld.make()
        let count = TicketStream.pageSize * 2 + 345
        for index in 1...count { try await world.ticket("T\(index)", customer: index % 3 == 0 ? 2 : 1) }
        try await world.test(mode) { api in
            let all = try await api.get("/api/tickets/")
            #expect(all.status == 200)
            let ids = all.array?.compactMap { int($0["id"]) } ?? []
            #expect(ids == Array(1...count), "got \(ids.count) tickets")
            #expect(all.header("Content-Type") == "application/json")
            #expect(all.header("X-Process-Time-ms") != nil)
            if mode == .live { #expect(all.header("Transfer-Encoding")?.lowercased() == "chunked", "\(all.headers)") }
            let second = try await api.get("/api/tickets/?customer_id=2")
            #expect(second.array?.count == count / 3)
            #expect(second.array?.allSatisfy { int($0["customer_id"]) == 2 } == true)
            let page = try await api.get("/api/tickets/?limit=10&offset=5")
            #expect(page.array?.compactMap { int($0["id"]) } == Array(6...15))
            #expect(page.header("X-Total-Count") == String(count))
            let head = try await api.send(Req(.head, "/api/tickets/"))
            #expect(head.status == 200 && head.body.isEmpty, "\(head)")
            let none = try await api.get("/api/tickets/?customer_id=42")
            #expect(none.text == "[]")
        }
    }

    @Test("every response carries X-Process-Time-ms: errors, 304, 405, HEAD and streamed lists included",
        arguments: APIWorld.Mode.allCases)
    func processTime(mode: APIWorld.Mode) async throws {
        let world = try await APIWorld.make()
        try await world.ticket()
        let requests = [
            Req(.get, "/health"), Req(.get, "/api/tickets/"), Req(.head, "/api/tickets/"), Req(.get, "/api/tickets/?limit=1"),
            Req(.get, "/api/tickets/1", headers: [("If-None-Match", #""1""#)]), Req(.put, "/api/tickets/"),
            Req(.get, "/nope"), Req(.get, "/api/customers/1"), Req(.get, "/api/customers/abc", token: Token.agent),
            Req(.post, "/api/tickets/", token: Token.agent, json: "{"), Req(.get, "/openapi.json"),
        ]
        let statuses = try await world.test(mode) { api in
            var statuses: [Int] = []
            for request in requests {
                let reply = try await api.send(request)
                #expect(reply.header("X-Process-Time-ms") != nil, "\(request.method) \(request.path): \(reply)")
                statuses.append(reply.status)
            }
            return statuses
        }
        #expect(statuses == [200, 200, 200, 200, 304, 405, 404, 403, 422, 400, 200])
    }

    @Test("the original's smoke flow against crm serve: create 101 tickets, list them all, note one, change one")
    func originalSmokeFlow() async throws {
        let (serve, address) = try await CRMProcess.serve()
        defer { serve.killIfRunning() }
        let api = try SocketDriver(address: address)

        #expect(try await api.get("/health").text == #"{"status":"ok"}"#)
        #expect(try await api.get("/api/customers/1", token: Token.agent).object?["name"] as? String == "Jane Doe")
        var created: [Int] = []
        for index in 1...101 {
            let reply = try await api.post(
                "/api/tickets/", #"{"customer_id": \#(index % 2 + 1), "subject": "Smoke \#(index)", "description": "d"}"#,
                token: Token.agent)
            try #require(reply.status == 200, "\(reply)")
            created.append(try #require(int(reply.object?["id"])))
        }
        let listed = try await api.get("/api/tickets/", headers: [("Authorization", "Bearer stale-token")])
        #expect(listed.status == 200, "\(listed)")
        let listedIDs = Set(listed.array?.compactMap { int($0["id"]) } ?? [])
        #expect(listedIDs.isSuperset(of: created), "\(listedIDs.count) listed")
        let johns = try await api.get("/api/tickets/?customer_id=2")
        #expect(johns.array?.count == 51)
        let moved = try await api.patch("/api/tickets/\(created[0])", #"{"status": "in_progress"}"#, token: Token.agent)
        #expect(moved.status == 200 && moved.object?["status"] as? String == "in_progress", "\(moved)")
        let noted = try await api.post("/api/notes/\(created[0])", #"{"text": "called"}"#, token: Token.agent)
        #expect(noted.status == 200, "\(noted)")
        #expect((noted.object?["data"] as? [String: Any])?["text"] as? String == "called")
        let missing = try await api.post("/api/tickets/", #"{"customer_id": 9, "subject": "s"}"#, token: Token.agent)
        #expect(missing.status == 404 && missing.detail == "Customer does not exist", "\(missing)")
        let anonymous = try await api.get("/api/customers/1")
        #expect(anonymous.status == 403 && anonymous.detail == Self.noRole, "\(anonymous)")
    }
}
