import CRMAPI
import CRMDomain
import Foundation
import HTTPTypes
import Testing

/// `ETag`, `If-Match` (strong comparison, lists, `*`) and `If-None-Match` (304) on tickets (DESIGN §6.2).
@Suite("Conditional requests")
struct ConditionalRequestTests {
    /// `If-Match` values against a ticket at version 2, and whether the update goes through.
    static let ifMatchCases: [(String, Bool)] = [
        (#""2""#, true), ("2", true), ("*", true), (#""1", "2""#, true), (#""2", "3""#, true), (#""1","2""#, true),
        (#"W/"1", "2""#, true), (#""7", "2", "9""#, true),
        (#"W/"2""#, false), (#"W/"2", W/"1""#, false), (#""1""#, false), (#""3""#, false), (#""1", "3""#, false),
        ("xyz", false), (#""2"x"#, false), (#""2"#, false), (#"W/2"#, false), (#""-2""#, false), (#""+2""#, false),
        (#""02x""#, false), (#""99999999999999999999""#, false), (#""9223372036854775807""#, false),
        (#""-9223372036854775808""#, false), (",", false), (#""2" "3""#, false),
    ]

    @Test("If-Match: strong comparison, lists and * pass; weak, stale and malformed are 412 and change nothing",
        arguments: ifMatchCases)
    func ifMatch(header: String, passes: Bool) async throws {
        let world = try await APIWorld.make()
        let ticket = try await world.ticket("Original")
        _ = try await world.service.updateTicket(ticket.id, TicketChanges(priority: .high), by: world.admin)
        let before = try await world.auditEvents()
        let reply = try await world.test { api in
            try await api.patch(
                "/api/tickets/\(ticket.id)", #"{"subject": "Edited"}"#, token: Token.agent, headers: [("If-Match", header)])
        }
        if passes {
            #expect(reply.status == 200, "If-Match \(header): \(reply)")
            #expect(reply.header("ETag") == #""3""#)
        } else {
            #expect(reply.status == 412, "If-Match \(header): \(reply)")
            #expect(reply.errorCode == "conflict")
            #expect(reply.hasErrorShape)
            #expect(try await world.auditEvents() == before)
            #expect(try await world.tickets().first?.subject == "Original")
        }
    }

    @Test("If-Match * on a ticket that does not exist is 404")
    func ifMatchMissing() async throws {
        let world = try await APIWorld.make()
        let reply = try await world.test { api in
            try await api.patch("/api/tickets/5", #"{"subject": "x"}"#, token: Token.agent, headers: [("If-Match", "*")])
        }
        #expect(reply.status == 404, "\(reply)")
    }

    @Test("If-None-Match with the current tag (weak too) or * is 304 with the ETag; another tag is 200",
        arguments: APIWorld.Mode.allCases)
    func ifNoneMatch(mode: APIWorld.Mode) async throws {
        let world = try await APIWorld.make()
        let ticket = try await world.ticket()
        try await world.test(mode) { api in
            let path = "/api/tickets/\(ticket.id)"
            for header in [#""1""#, #"W/"1""#, "*", #""5", "1""#] {
                for method in [HTTPRequest.Method.get, .head] {
                    let reply = try await api.send(Req(method, path, headers: [("If-None-Match", header)]))
                    #expect(reply.status == 304, "\(method) If-None-Match \(header): \(reply)")
                    #expect(reply.header("ETag") == #""1""#)
                    #expect(reply.body.isEmpty)
                    #expect(reply.header("X-Process-Time-ms") != nil)
                }
            }
            for header in [#""2""#, #"W/"0""#, "garbage", #""99999999999999999999""#] {
                let reply = try await api.get(path, headers: [("If-None-Match", header)])
                #expect(reply.status == 200, "If-None-Match \(header): \(reply)")
                #expect(reply.header("ETag") == #""1""#)
            }
            // A missing ticket is 404, not 304.
            #expect(try await api.get("/api/tickets/99", headers: [("If-None-Match", "*")]).status == 404)
        }
    }
}
