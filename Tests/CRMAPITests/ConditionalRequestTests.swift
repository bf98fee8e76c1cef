import CRMAPI
import CRMDomain
import CRMTestSupport
import Foundation
import HTTPTypes
import Testing

/// `ETag`, `If-Match` (strong comparison, lists, `*`) and `If-None-Match` (304) on tickets (DESIGN §6.2).
@Suite("Conditional requests")
struct ConditionalRequestTests {
    /// `If-Match` values against a ticket at version 2, and the answer: 200 (the update goes through), 412 (no
    /// current version matches) or 400 (not `*` nor a list of entity tags).
    static let ifMatchCases: [(String, Int)] = [
        (#""2""#, 200), ("2", 200), ("*", 200), (#""1", "2""#, 200), (#""2", "3""#, 200), (#""1","2""#, 200),
        (#"W/"1", "2""#, 200), (#""7", "2", "9""#, 200),
        (#"W/"2""#, 412), (#"W/"2", W/"1""#, 412), (#""1""#, 412), (#""3""#, 412), (#""1", "3""#, 412),
        (#""-2""#, 412), (#""+2""#, 412), (#""02x""#, 412), (#""99999999999999999999""#, 412),
        (#""9223372036854775807""#, 412), (#""-9223372036854775808""#, 412),
        ("xyz", 400), (#""2"x"#, 400), (#""2"#, 400), (#"W/2"#, 400), (",", 400), (#""2" "3""#, 400), ("", 400),
    ]

    @Test("If-Match: strong comparison, lists and * pass; weak and stale are 412, malformed 400; neither changes anything",
        arguments: ifMatchCases)
    func ifMatch(header: String, status: Int) async throws {
        let world = try await APIWorld.make()
        let ticket = try await world.ticket("Original")
        _ = try await world.service.updateTicket(ticket.id, TicketChanges(priority: .high), by: world.admin)
        let before = try await world.auditEvents()
        let reply = try await world.test { api in
            try await api.patch(
                "/api/tickets/\(ticket.id)", #"{"subject": "Edited"}"#, token: Token.agent, headers: [("If-Match", header)])
        }
        #expect(reply.status == status, "If-Match \(header): \(reply)")
        if status == 200 {
            #expect(reply.header("ETag") == #""3""#)
        } else {
            #expect(reply.errorCode == (status == 412 ? "conflict" : "malformed_header"))
            #expect(reply.hasErrorShape)
            #expect(try await world.auditEvents() == before)
            #expect(try await world.tickets().first?.subject == "Original")
        }
    }

    @Test("DELETE honours If-Match on tickets and customers: a stale or weak tag is 412 and deletes nothing",
        arguments: [(#""1""#, 412), (#"W/"2""#, 412), (#""abc""#, 412), (#""2""#, 204), ("*", 204), ("xyz", 400)])
    func deleteIfMatch(header: String, status: Int) async throws {
        let world = try await APIWorld.make()
        let ticket = try await world.ticket("Original")
        _ = try await world.service.updateTicket(ticket.id, TicketChanges(priority: .high), by: world.admin)
        let customer = try await world.service.createCustomer(NewCustomer(name: "Zoë", email: "zoe@example.com"), by: world.admin)
        _ = try await world.service.updateCustomer(customer.id, CustomerChanges(company: "Acme"), by: world.admin)
        for path in ["/api/tickets/\(ticket.id)", "/api/customers/\(customer.id)"] {
            let reply = try await world.test { api in
                try await api.send(Req(.delete, path, token: Token.admin, headers: [("If-Match", header)]))
            }
            #expect(reply.status == status, "DELETE \(path) If-Match \(header): \(reply)")
            if status == 412 { #expect(!reply.text.contains("version 0"), "\(reply.text)") }
            let after = try await world.test { api in try await api.get(path, token: Token.admin) }
            #expect(after.status == (status == 204 ? 404 : 200), "\(path) after DELETE If-Match \(header)")
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

    @Test("customers carry an ETag; PATCH honours If-Match (strong, lists, *); GET honours If-None-Match",
        arguments: APIWorld.Mode.allCases)
    func customers(mode: APIWorld.Mode) async throws {
        let world = try await APIWorld.make()
        try await world.test(mode) { api in
            let shown = try await api.get("/api/customers/1", token: Token.agent)
            #expect(shown.header("ETag") == #""1""#, "\(shown.headers)")
            #expect(int(shown.object?["version"]) == 1)
            let notModified = try await api.get("/api/customers/1", token: Token.agent, headers: [("If-None-Match", #""1""#)])
            #expect(notModified.status == 304 && notModified.body.isEmpty, "\(notModified)")
            #expect(notModified.header("ETag") == #""1""#)

            for (header, status) in [(#"W/"1""#, 412), (#""2""#, 412), ("bogus", 400), (#""0", "1""#, 200), ("*", 200)] {
                let before = try await world.auditEvents().count
                let reply = try await api.patch(
                    "/api/customers/1", #"{"company": "Edit \#(header.count)"}"#, token: Token.agent,
                    headers: [("If-Match", header)])
                #expect(reply.status == status, "If-Match \(header): \(reply)")
                if status != 200 {
                    #expect(reply.hasErrorShape, "\(reply)")
                    #expect(try await world.auditEvents().count == before)
                }
            }
            let current = try await api.get("/api/customers/1", token: Token.agent)
            #expect(current.header("ETag") == #""3""#, "\(current.headers)")
            let stale = try await api.patch(
                "/api/customers/1", #"{"name": "Lost"}"#, token: Token.agent, headers: [("If-Match", #""2""#)])
            #expect(stale.status == 412)
            let fresh = try await api.patch(
                "/api/customers/1", #"{"name": "Jane Q. Doe"}"#, token: Token.agent, headers: [("If-Match", #""3""#)])
            #expect(fresh.status == 200 && fresh.header("ETag") == #""4""#, "\(fresh)")
            let created = try await api.post(
                "/api/customers", #"{"name": "Ada", "email": "ada@example.com"}"#, token: Token.agent)
            #expect(created.status == 201 && created.header("ETag") == #""1""#, "\(created)")
        }
    }

    @Test("deleting a customer that has tickets is 409, not 412 or 422; without tickets 204")
    func blockedDelete() async throws {
        let world = try await APIWorld.make()
        try await world.ticket(customer: 1)
        try await world.test { api in
            let blocked = try await api.delete("/api/customers/1", token: Token.admin)
            #expect(blocked.status == 409, "\(blocked)")
            #expect(blocked.errorCode == "conflict" && blocked.hasErrorShape, "\(blocked)")
            #expect(try await api.get("/api/customers/1", token: Token.agent).status == 200)
            #expect(try await api.delete("/api/customers/2", token: Token.admin).status == 204)
        }
    }
}
