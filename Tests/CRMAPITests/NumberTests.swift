import CRMAPI
import CRMDomain
import CRMTestSupport
import Foundation
import HTTPTypes
import Testing

/// Every number a client sends (IDs in paths, bodies and queries, `limit`, `offset`, `If-Match` versions) is
/// handled without overflow: extreme values are 2xx or a clear 4xx, never a 500 or a crash.
@Suite("Client numbers")
struct NumberTests {
    static let numbers = [
        String(Int.min), String(Int.max), "-1", "0", "99999999999999999999", "-99999999999999999999",
        String(Int.max - 1), String(Int.min + 1), "1e400", "-1e400", "1.5",
    ]

    /// Every route, with `N` where a client's number goes.
    static func requests(_ n: String) -> [Req] {
        let admin = Token.admin
        return [
            Req(.get, "/api/customers/\(n)", token: admin),
            Req(.patch, "/api/customers/\(n)", token: admin, json: #"{"name": "x"}"#),
            Req(.delete, "/api/customers/\(n)", token: admin),
            Req(.get, "/api/tickets/\(n)", token: admin),
            Req(.get, "/api/tickets/\(n)", token: admin, headers: [("If-None-Match", "\"\(n)\"")]),
            Req(.patch, "/api/tickets/\(n)", token: admin, json: #"{"subject": "x"}"#),
            Req(.patch, "/api/tickets/1", token: admin, json: #"{"subject": "x"}"#, headers: [("If-Match", "\"\(n)\"")]),
            Req(.patch, "/api/tickets/1", token: admin, json: #"{"subject": "x"}"#, headers: [("If-Match", n)]),
            Req(.patch, "/api/tickets/1", token: admin, json: #"{"subject": "x"}"#, headers: [("If-Match", "\"1\", \"\(n)\"")]),
            Req(.delete, "/api/tickets/\(n)", token: admin),
            Req(.get, "/api/tickets/\(n)/notes", token: admin),
            Req(.post, "/api/tickets/\(n)/notes", token: admin, json: #"{"text": "x"}"#),
            Req(.post, "/api/notes/\(n)", token: admin, json: #"{"text": "x"}"#),
            Req(.get, "/api/tickets/\(n)/history", token: admin),
            Req(.get, "/api/tickets/\(n)/history?limit=\(n)&offset=\(n)", token: admin),
            Req(.post, "/api/tickets", token: admin, json: #"{"customer_id": \#(n), "subject": "s"}"#),
            Req(.post, "/api/tickets", token: admin, json: #"{"customer_id": "\#(n)", "subject": "s"}"#),
            Req(.get, "/api/tickets?customer_id=\(n)", token: admin),
            Req(.get, "/api/tickets?limit=\(n)", token: admin),
            Req(.get, "/api/tickets?offset=\(n)", token: admin),
            Req(.get, "/api/tickets?limit=1000&offset=\(n)", token: admin),
            Req(.get, "/api/customers?limit=\(n)&offset=\(n)", token: admin),
            Req(.get, "/api/customers?limit=1&offset=\(n)", token: admin),
            Req(.get, "/api/audit?limit=\(n)", token: admin),
            Req(.get, "/api/audit?limit=1&offset=\(n)&entity=ticket/\(n)", token: admin),
        ]
    }

    @Test("extreme numbers on every route are 2xx or a 4xx with the error body", arguments: numbers)
    func extremes(n: String) async throws {
        let world = try await APIWorld.make()
        try await world.ticket()
        try await world.test { api in
            for request in Self.requests(n) {
                let reply = try await api.send(request)
                #expect((200..<500).contains(reply.status), "\(request.method) \(request.path): \(reply)")
                if reply.status >= 400 { #expect(reply.hasErrorShape, "\(request.method) \(request.path): \(reply)") }
            }
            #expect(try await api.get("/health").status == 200)
        }
        // Nothing was created or changed by a number that is not a real ID.
        let tickets = try await world.tickets()
        #expect(tickets.count == 1 && tickets[0].id == TicketID(1), "\(tickets)")
    }
}
