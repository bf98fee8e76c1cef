import CRMAPI
import CRMDomain
import CRMTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import Testing

/// Each route of DESIGN §6 through the router, success and error paths.
@Suite("Router")
struct RouterTests {
    static let ticketKeys: Set<String> = [
        "id", "customer_id", "subject", "description", "status", "priority", "assignee", "tags", "created_at",
        "updated_at", "version",
    ]
    static let customerKeys: Set<String> = ["id", "name", "email", "company", "created_at", "updated_at", "version"]
    static let noteKeys: Set<String> = ["id", "ticket_id", "author", "text", "created_at"]
    static let auditKeys: Set<String> = ["id", "at", "actor", "action", "entity", "changes", "via"]

    // MARK: §6.1

    @Test("GET /health answers {\"status\":\"ok\"}", arguments: ["/health", "/health/"])
    func health(path: String) async throws {
        try await APIWorld.test { api in
            let reply = try await api.get(path)
            #expect(reply.status == 200)
            #expect(reply.text == #"{"status":"ok"}"#)
            #expect(reply.header("Content-Type")?.hasPrefix("application/json") == true)
            let time = try #require(reply.header("X-Process-Time-ms").flatMap(Double.init), "\(reply.headers)")
            #expect(time >= 0)
        }
    }

    @Test("GET /api/customers/1 with a token answers the Customer")
    func customerOne() async throws {
        try await APIWorld.test { api in
            for path in ["/api/customers/1", "/api/customers/1/"] {
                let reply = try await api.get(path, token: Token.agent)
                #expect(reply.status == 200, "\(reply)")
                let customer = try #require(reply.object)
                #expect(Set(customer.keys) == Self.customerKeys)
                #expect(int(customer["id"]) == 1)
                #expect(customer["name"] as? String == "Jane Doe")
                #expect(customer["email"] as? String == "jane@example.com")
                #expect(isNull(customer["company"]))
                #expect(customer["created_at"] as? String == t0Text)
                #expect(customer["updated_at"] as? String == t0Text)
            }
            let john = try await api.get("/api/customers/2", token: Token.admin)
            #expect(john.object?["name"] as? String == "John Smith")

            let anonymous = try await api.get("/api/customers/1")
            #expect(anonymous.status == 403)
            #expect(anonymous.errorCode == "forbidden")
            #expect(anonymous.hasErrorShape, "\(anonymous)")

            let missing = try await api.get("/api/customers/99", token: Token.agent)
            #expect(missing.status == 404)
            #expect(missing.errorCode == "not_found")
            #expect(missing.errorMessage?.contains("customer/99") == true, "\(missing)")
        }
    }

    @Test("GET /api/tickets/?customer_id=N is public, with and without the trailing slash")
    func publicTicketList() async throws {
        let world = try await APIWorld.make()
        let a = try await world.ticket("A", customer: 1)
        try await world.ticket("B", customer: 2)
        let c = try await world.ticket("C", customer: 1)
        try await world.test { api in
            for path in ["/api/tickets/?customer_id=1", "/api/tickets?customer_id=1"] {
                let reply = try await api.get(path)
                #expect(reply.status == 200, "\(reply)")
                let tickets = try #require(reply.array, "\(reply)")
                #expect(tickets.compactMap { int($0["id"]) } == [a.id.rawValue, c.id.rawValue])
                #expect(tickets.allSatisfy { int($0["customer_id"]) == 1 })
                #expect(tickets.allSatisfy { Set($0.keys) == Self.ticketKeys })
            }
            let all = try await api.get("/api/tickets/")
            #expect(all.array?.count == 3)
            let none = try await api.get("/api/tickets/?customer_id=42")
            #expect(none.status == 200)
            #expect(none.text == "[]")
            let paged = try await api.get("/api/tickets/?customer_id=42&limit=10")
            #expect(paged.header("X-Total-Count") == "0")
        }
    }

    @Test("POST /api/tickets/ answers 200 (as the original) with Location, ETag and the Ticket")
    func createTicket() async throws {
        let world = try await APIWorld.make()
        try await world.test { api in
            let reply = try await api.post(
                "/api/tickets/", #"{"customer_id": 1, "subject": "Cannot log in", "description": "Since Monday"}"#,
                token: Token.agent)
            #expect(reply.status == 200, "\(reply)")
            #expect(reply.header("Location") == "/api/tickets/1")
            #expect(reply.header("ETag") == #""1""#)
            let ticket = try #require(reply.object)
            #expect(Set(ticket.keys) == Self.ticketKeys)
            // The original's fields, same names and meaning.
            #expect(int(ticket["id"]) == 1)
            #expect(int(ticket["customer_id"]) == 1)
            #expect(ticket["subject"] as? String == "Cannot log in")
            #expect(ticket["description"] as? String == "Since Monday")
            #expect(ticket["status"] as? String == "open")
            #expect(ticket["created_at"] as? String == t0Text)
            // The new ones.
            #expect(ticket["priority"] as? String == "normal")
            #expect(isNull(ticket["assignee"]))
            #expect((ticket["tags"] as? [String]) == [])
            #expect(int(ticket["version"]) == 1)
            #expect(ticket["updated_at"] as? String == t0Text)

            // Without the trailing slash, with the optional fields.
            let full = try await api.post(
                "/api/tickets",
                #"{"customer_id": 2, "subject": "VPN", "priority": "urgent", "assignee": "me", "tags": ["vpn", "net"]}"#,
                token: Token.agent)
            #expect(full.status == 200, "\(full)")
            #expect(full.header("Location") == "/api/tickets/2")
            #expect(full.object?["priority"] as? String == "urgent")
            #expect(full.object?["assignee"] as? String == "agent")
            #expect((full.object?["tags"] as? [String]) == ["net", "vpn"])
            #expect(full.object?["description"] as? String == "")

            // It is really there, and audited as coming over HTTP.
            let stored = try await world.service.ticket(TicketID(1), by: world.admin)
            #expect(stored.subject == "Cannot log in")
            let events = try await world.auditEvents()
            #expect(events.map(\.action) == ["ticket.create", "ticket.create"])
            #expect(events.allSatisfy { $0.via == .http && $0.actor == "agent" })

            for id in [9, 0, -1] {
                let noCustomer = try await api.post(
                    "/api/tickets/", #"{"customer_id": \#(id), "subject": "x"}"#, token: Token.agent)
                #expect(noCustomer.status == 404)
                #expect(noCustomer.errorMessage == "customer/\(id) not found", "\(noCustomer)")
            }
            let anonymous = try await api.post("/api/tickets/", #"{"customer_id": 1, "subject": "x"}"#)
            #expect(anonymous.status == 403)
            #expect(try await world.tickets().count == 2)
        }
    }

    @Test("PATCH /api/tickets/{id} updates; an invalid transition is 409 with `allowed`")
    func patchTicket() async throws {
        let world = try await APIWorld.make()
        try await world.testOnTicket { api, ticket in
            let moved = try await api.patch(
                "/api/tickets/\(ticket.id)", #"{"status": "in_progress"}"#, token: Token.agent)
            #expect(moved.status == 200, "\(moved)")
            #expect(moved.object?["status"] as? String == "in_progress")
            #expect(int(moved.object?["version"]) == 2)
            #expect(moved.header("ETag") == #""2""#)
            #expect(Set(moved.object?.keys.map { $0 } ?? []) == Self.ticketKeys)

            let edited = try await api.patch(
                "/api/tickets/\(ticket.id)/", #"{"subject": "New subject", "description": "More"}"#,
                token: Token.agent)
            #expect(edited.status == 200, "\(edited)")
            #expect(edited.object?["subject"] as? String == "New subject")
            #expect(edited.object?["description"] as? String == "More")
            #expect(int(edited.object?["version"]) == 3)

            // Same status again is a no-op that succeeds and keeps the version.
            let same = try await api.patch(
                "/api/tickets/\(ticket.id)", #"{"status": "in_progress"}"#, token: Token.agent)
            #expect(same.status == 200)
            #expect(int(same.object?["version"]) == 3)

            let resolved = try await api.patch(
                "/api/tickets/\(ticket.id)", #"{"status": "resolved"}"#, token: Token.agent)
            #expect(resolved.status == 200)
            let before = try await world.auditEvents().count
            let invalid = try await api.patch(
                "/api/tickets/\(ticket.id)", #"{"status": "pending"}"#, token: Token.agent)
            #expect(invalid.status == 409, "\(invalid)")
            #expect(invalid.errorCode == "invalid_transition")
            #expect(invalid.hasErrorShape, "\(invalid)")
            let allowed = (invalid.object?["error"] as? [String: Any])?["allowed"] as? [String]
            let expected = TicketLifecycle.allowedTargets(
                from: .resolved, permissions: world.service.permissions(of: world.agent)
            ).map(\.rawValue)
            #expect(allowed == expected)
            #expect(allowed == ["open", "in_progress", "closed"])
            #expect(try await world.auditEvents().count == before)
            #expect(try await world.service.ticket(ticket.id, by: world.admin).status == .resolved)

            let unknown = try await api.patch(
                "/api/tickets/\(ticket.id)", #"{"status": "done"}"#, token: Token.agent)
            #expect(unknown.status == 422)
            #expect(unknown.errorMessage?.hasPrefix("status") == true, "\(unknown)")

            let missing = try await api.patch("/api/tickets/77", #"{"status": "open"}"#, token: Token.agent)
            #expect(missing.status == 404)
            #expect(missing.errorCode == "not_found")

            // Closed → open needs ticket.reopen_closed: 403 for the agent, fine for the admin.
            _ = try await api.patch("/api/tickets/\(ticket.id)", #"{"status": "closed"}"#, token: Token.agent)
            let reopenByAgent = try await api.patch(
                "/api/tickets/\(ticket.id)", #"{"status": "open"}"#, token: Token.agent)
            #expect(reopenByAgent.status == 403)
            #expect(reopenByAgent.errorMessage?.contains("ticket.reopen_closed") == true, "\(reopenByAgent)")
            let reopenByAdmin = try await api.patch(
                "/api/tickets/\(ticket.id)", #"{"status": "open"}"#, token: Token.admin)
            #expect(reopenByAdmin.status == 200)
            #expect(reopenByAdmin.object?["status"] as? String == "open")
        }
    }

    @Test("PATCH assigns, unassigns with null, and edits tags and priority")
    func patchOtherFields() async throws {
        let world = try await APIWorld.make()
        try await world.testOnTicket { api, ticket in
            let assigned = try await api.patch(
                "/api/tickets/\(ticket.id)",
                #"{"assignee": "me", "priority": "high", "add_tags": ["billing", "vip"]}"#, token: Token.agent)
            #expect(assigned.status == 200, "\(assigned)")
            #expect(assigned.object?["assignee"] as? String == "agent")
            #expect(assigned.object?["priority"] as? String == "high")
            #expect((assigned.object?["tags"] as? [String]) == ["billing", "vip"])
            let unassigned = try await api.patch(
                "/api/tickets/\(ticket.id)", #"{"assignee": null, "remove_tags": ["vip"]}"#, token: Token.agent)
            #expect(isNull(unassigned.object?["assignee"]))
            #expect((unassigned.object?["tags"] as? [String]) == ["billing"])
            let stranger = try await api.patch(
                "/api/tickets/\(ticket.id)", #"{"assignee": "mallory"}"#, token: Token.agent)
            #expect(stranger.status == 422)
            #expect(stranger.errorMessage?.hasPrefix("assignee") == true, "\(stranger)")
        }
    }

    @Test("POST /api/notes/{ticket_id} answers {\"data\": Note}", arguments: ["", "/"])
    func originalNotes(slash: String) async throws {
        let world = try await APIWorld.make()
        try await world.testOnTicket { api, ticket in
            let reply = try await api.post(
                "/api/notes/\(ticket.id)\(slash)", #"{"text": "Called the customer"}"#, token: Token.agent)
            #expect(reply.status == 200, "\(reply)")
            let object = try #require(reply.object)
            #expect(Set(object.keys) == ["data"])
            let note = try #require(object["data"] as? [String: Any])
            #expect(Set(note.keys) == Self.noteKeys)
            #expect(int(note["id"]) == 1)
            #expect(int(note["ticket_id"]) == ticket.id.rawValue)
            #expect(note["author"] as? String == "agent")
            #expect(note["text"] as? String == "Called the customer")
            #expect(note["created_at"] as? String != nil)
            let stored = try await world.service.notes(on: ticket.id, by: world.admin)
            #expect(stored.map(\.text) == ["Called the customer"])

            let missing = try await api.post("/api/notes/99", #"{"text": "x"}"#, token: Token.agent)
            #expect(missing.status == 404)
            #expect(missing.errorCode == "not_found")
            let anonymous = try await api.post("/api/notes/\(ticket.id)", #"{"text": "x"}"#)
            #expect(anonymous.status == 403)
            let empty = try await api.post("/api/notes/\(ticket.id)", #"{"text": ""}"#, token: Token.agent)
            #expect(empty.status == 422)
            #expect(empty.errorMessage?.hasPrefix("text") == true, "\(empty)")
            #expect(try await world.service.notes(on: ticket.id, by: world.admin).count == 1)
        }
    }

    @Test("GET and POST /api/tickets/{id}/notes")
    func ticketNotes() async throws {
        let world = try await APIWorld.make()
        try await world.testOnTicket { api, ticket in
            let empty = try await api.get("/api/tickets/\(ticket.id)/notes", token: Token.agent)
            #expect(empty.status == 200)
            #expect(empty.text == "[]")
            let first = try await api.post("/api/tickets/\(ticket.id)/notes", #"{"text": "one"}"#, token: Token.agent)
            #expect(first.status == 201, "\(first)")
            #expect(Set(first.object?.keys.map { $0 } ?? []) == Self.noteKeys)
            #expect(first.object?["text"] as? String == "one")
            let second = try await api.post("/api/tickets/\(ticket.id)/notes", #"{"text": "two"}"#, token: Token.admin)
            #expect(second.object?["author"] as? String == "admin")
            let list = try await api.get("/api/tickets/\(ticket.id)/notes/", token: Token.agent)
            #expect(list.status == 200)
            #expect(list.array?.compactMap { $0["text"] as? String } == ["one", "two"])
            #expect(list.array?.compactMap { int($0["id"]) } == [1, 2])

            let anonymous = try await api.get("/api/tickets/\(ticket.id)/notes")
            #expect(anonymous.status == 403)
            #expect(anonymous.errorMessage?.contains("note.read") == true, "\(anonymous)")
            let missing = try await api.get("/api/tickets/404/notes", token: Token.agent)
            #expect(missing.status == 404)
        }
    }

    @Test("GET /api/tickets/{id}/history is the ticket's audit trail")
    func history() async throws {
        let world = try await APIWorld.make()
        let other = try await world.ticket("Other")
        try await world.test { api in
            let id = try await api.createTicket()
            _ = try await api.patch("/api/tickets/\(id)", #"{"status": "pending"}"#, token: Token.agent)
            _ = try await api.post("/api/notes/\(id)", #"{"text": "waiting"}"#, token: Token.agent)
            let reply = try await api.get("/api/tickets/\(id)/history", token: Token.agent)
            #expect(reply.status == 200, "\(reply)")
            let events = try #require(reply.array)
            #expect(events.compactMap { $0["action"] as? String } == ["ticket.create", "ticket.update", "note.add"])
            #expect(events.allSatisfy { $0["entity"] as? String == "ticket/\(id)" })
            #expect(events.allSatisfy { $0["via"] as? String == "http" && $0["actor"] as? String == "agent" })
            #expect(events.allSatisfy { Set($0.keys) == Self.auditKeys })
            let changes = events[1]["changes"] as? [String: Any]
            #expect((changes?["status"] as? [String]) == ["open", "pending"])
            #expect(reply.header("X-Total-Count") == "3")

            let paged = try await api.get("/api/tickets/\(id)/history?limit=1&offset=1", token: Token.agent)
            #expect(paged.array?.compactMap { $0["action"] as? String } == ["ticket.update"])
            #expect(paged.header("X-Total-Count") == "3")

            let shell = try await api.get("/api/tickets/\(other.id)/history", token: Token.agent)
            #expect(shell.array?.first?["via"] as? String == "shell")
            let anonymous = try await api.get("/api/tickets/\(id)/history")
            #expect(anonymous.status == 403)
            let missing = try await api.get("/api/tickets/500/history", token: Token.agent)
            #expect(missing.status == 404)
        }
    }

    @Test("GET /api/audit is for admins, filtered and paged")
    func audit() async throws {
        let world = try await APIWorld.make()
        try await world.ticket("From the shell")
        try await world.test { api in
            let id = try await api.createTicket()
            _ = try await api.post(
                "/api/customers", #"{"name": "Ada", "email": "ada@example.com"}"#, token: Token.agent)
            let agent = try await api.get("/api/audit", token: Token.agent)
            #expect(agent.status == 403)
            #expect(agent.errorCode == "forbidden")
            #expect(agent.errorMessage?.contains("audit.read") == true, "\(agent)")
            #expect(try await api.get("/api/audit").status == 403)

            let all = try await api.get("/api/audit", token: Token.admin)
            #expect(all.status == 200, "\(all)")
            #expect(all.array?.compactMap { $0["action"] as? String } == ["ticket.create", "ticket.create", "customer.create"])
            #expect(all.header("X-Total-Count") == "3")
            #expect(all.array?.compactMap { int($0["id"]) } == [1, 2, 3])

            let byActor = try await api.get("/api/audit?actor=agent", token: Token.admin)
            #expect(byActor.array?.count == 2)
            #expect(byActor.header("X-Total-Count") == "2")
            let byEntity = try await api.get("/api/audit?entity=ticket/\(id)", token: Token.admin)
            #expect(byEntity.array?.compactMap { $0["entity"] as? String } == ["ticket/\(id)"])
            let page = try await api.get("/api/audit?limit=1&offset=2", token: Token.admin)
            #expect(page.array?.compactMap { $0["action"] as? String } == ["customer.create"])
            #expect(page.header("X-Total-Count") == "3")
            let bad = try await api.get("/api/audit?entity=bogus", token: Token.admin)
            #expect(bad.status == 422)
            #expect(bad.errorMessage?.hasPrefix("entity") == true, "\(bad)")
        }
    }

    @Test("GET /api/me tells who the token belongs to", arguments: Who.allCases)
    func me(role: Who) async throws {
        try await APIWorld.test { api in
            let reply = try await api.get("/api/me", token: role.token)
            #expect(reply.status == 200, "\(reply)")
            let me = try #require(reply.object)
            #expect(Set(me.keys) == ["user", "role", "permissions"])
            #expect(me["user"] as? String == role.principal.name)
            if let user = role.principal.user {
                #expect(me["role"] as? String == user.role.rawValue)
            } else {
                #expect(isNull(me["role"]))
            }
            let expected = AccessPolicy().permissions(of: role.principal).map(\.rawValue).sorted()
            #expect((me["permissions"] as? [String]) == expected)
            let bad = try await api.get("/api/me", token: "nope")
            #expect(bad.status == 403)
            #expect(bad.errorCode == "unauthenticated")
        }
    }

    @Test("Customers: list, create, update, delete")
    func customersCRUD() async throws {
        let world = try await APIWorld.make()
        try await world.test { api in
            let list = try await api.get("/api/customers", token: Token.agent)
            #expect(list.status == 200, "\(list)")
            #expect(list.array?.compactMap { $0["name"] as? String } == ["Jane Doe", "John Smith"])
            #expect(list.header("X-Total-Count") == "2")
            #expect(try await api.get("/api/customers/", token: Token.agent).array?.count == 2)

            let created = try await api.post(
                "/api/customers", #"{"name": "Ada Lovelace", "email": "ada@example.com", "company": "Engines"}"#,
                token: Token.agent)
            expectCreated(created, at: "/api/customers/3")
            #expect(Set(created.object?.keys.map { $0 } ?? []) == Self.customerKeys)
            #expect(int(created.object?["id"]) == 3)
            #expect(created.object?["company"] as? String == "Engines")

            let renamed = try await api.patch(
                "/api/customers/3", #"{"name": "Ada King", "company": null}"#, token: Token.agent)
            #expect(renamed.status == 200, "\(renamed)")
            #expect(renamed.object?["name"] as? String == "Ada King")
            #expect(isNull(renamed.object?["company"]))
            #expect(renamed.object?["email"] as? String == "ada@example.com")
            let stored = try await world.service.customer(CustomerID(3), by: world.admin)
            #expect(stored.name == "Ada King" && stored.company == nil)

            let badEmail = try await api.patch("/api/customers/3", #"{"email": "nope"}"#, token: Token.agent)
            #expect(badEmail.status == 422)
            #expect(badEmail.errorMessage?.hasPrefix("email") == true, "\(badEmail)")

            let byAgent = try await api.delete("/api/customers/3", token: Token.agent)
            #expect(byAgent.status == 403)
            #expect(byAgent.errorMessage?.contains("customer.delete") == true)
            let byAdmin = try await api.delete("/api/customers/3", token: Token.admin)
            #expect(byAdmin.status == 204, "\(byAdmin)")
            #expect(byAdmin.body.isEmpty)
            #expect(try await api.get("/api/customers/3", token: Token.agent).status == 404)
            #expect(try await api.delete("/api/customers/3", token: Token.admin).status == 404)

            _ = try await api.createTicket(customer: 1)
            let hasTickets = try await api.delete("/api/customers/1", token: Token.admin)
            #expect(hasTickets.status == 409, "\(hasTickets)")
            #expect(try await api.get("/api/customers/1", token: Token.agent).status == 200)
        }
    }

    @Test("DELETE /api/tickets/{id}: admin 204, agent 403")
    func deleteTicket() async throws {
        let world = try await APIWorld.make()
        let ticket = try await world.ticket()
        _ = try await world.service.addNote(to: ticket.id, text: "note", by: world.agent)
        try await world.test { api in
            let byAgent = try await api.delete("/api/tickets/\(ticket.id)", token: Token.agent)
            #expect(byAgent.status == 403)
            #expect(byAgent.errorCode == "forbidden")
            #expect(byAgent.errorMessage?.contains("ticket.delete") == true)
            #expect(try await api.get("/api/tickets/\(ticket.id)").status == 200)

            let byAdmin = try await api.delete("/api/tickets/\(ticket.id)", token: Token.admin)
            #expect(byAdmin.status == 204, "\(byAdmin)")
            #expect(byAdmin.body.isEmpty)
            let gone = try await api.get("/api/tickets/\(ticket.id)")
            #expect(gone.status == 404)
            #expect(gone.errorCode == "not_found")
            #expect(try await api.delete("/api/tickets/\(ticket.id)", token: Token.admin).status == 404)
            #expect(try await world.auditEvents().last?.action == "ticket.delete")
        }
    }

    @Test("GET /api/tickets/{id} carries the ETag")
    func showTicket() async throws {
        let world = try await APIWorld.make()
        let ticket = try await world.ticket()
        _ = try await world.service.updateTicket(ticket.id, TicketChanges(priority: .high), by: world.admin)
        try await world.test { api in
            let reply = try await api.get("/api/tickets/\(ticket.id)")
            #expect(reply.status == 200)
            #expect(reply.header("ETag") == #""2""#)
            #expect(int(reply.object?["version"]) == 2)
            #expect(reply.object?["priority"] as? String == "high")
            #expect(Set(reply.object?.keys.map { $0 } ?? []) == Self.ticketKeys)
        }
    }

    @Test("PATCH with a stale If-Match is 412 and changes nothing; a matching one works")
    func ifMatch() async throws {
        let world = try await APIWorld.make()
        let ticket = try await world.ticket("Original")
        try await world.test { api in
            let path = "/api/tickets/\(ticket.id)"
            let first = try await api.get(path)
            let etag = try #require(first.header("ETag"))
            #expect(etag == #""1""#)
            let ok = try await api.patch(path, #"{"subject": "Edited"}"#, token: Token.agent, headers: [("If-Match", etag)])
            #expect(ok.status == 200, "\(ok)")
            #expect(ok.header("ETag") == #""2""#)

            let before = try await world.auditEvents().count
            let stale = try await api.patch(
                path, #"{"subject": "Lost update", "status": "closed"}"#, token: Token.agent,
                headers: [("If-Match", etag)])
            #expect(stale.status == 412, "\(stale)")
            #expect(stale.errorCode == "conflict")
            #expect(stale.hasErrorShape)
            #expect(stale.header("X-Process-Time-ms") != nil)
            let after = try await api.get(path)
            #expect(after.header("ETag") == #""2""#)
            #expect(after.object?["subject"] as? String == "Edited")
            #expect(after.object?["status"] as? String == "open")
            #expect(try await world.auditEvents().count == before)

            for (index, header) in [#""2""#, "2"].enumerated() {
                let current = try await api.get(path).header("ETag") ?? ""
                let version = try #require(Int(current.dropFirst().dropLast()), "ETag \(current)")
                let matching = try await api.patch(
                    path, #"{"subject": "Edit \#(index)"}"#, token: Token.agent,
                    headers: [("If-Match", header.replacingOccurrences(of: "2", with: String(version)))])
                #expect(matching.status == 200, "If-Match \(header): \(matching)")
                #expect(int(matching.object?["version"]) == version + 1)
            }
            let star = try await api.patch(path, #"{"subject": "Any"}"#, token: Token.agent, headers: [("If-Match", "*")])
            #expect(star.status == 200)
            let garbage = try await api.patch(path, #"{"subject": "G"}"#, token: Token.agent, headers: [("If-Match", "xyz")])
            #expect(garbage.status == 400)
            #expect(try await api.get(path).object?["subject"] as? String == "Any")
        }
    }

    @Test("Lists take limit and offset and answer X-Total-Count")
    func paging() async throws {
        let world = try await APIWorld.make()
        for index in 1...5 { try await world.ticket("T\(index)") }
        try await world.test { api in
            let page = try await api.get("/api/tickets?limit=2&offset=1")
            #expect(page.array?.compactMap { int($0["id"]) } == [2, 3])
            #expect(page.header("X-Total-Count") == "5")
            let tail = try await api.get("/api/tickets/?limit=10&offset=4")
            #expect(tail.array?.compactMap { int($0["id"]) } == [5])
            let past = try await api.get("/api/tickets?offset=50")
            #expect(past.text == "[]")
            #expect(past.header("X-Total-Count") == "5")
            let customers = try await api.get("/api/customers?limit=1&offset=1", token: Token.agent)
            #expect(customers.array?.compactMap { $0["name"] as? String } == ["John Smith"])
            #expect(customers.header("X-Total-Count") == "2")
            #expect(try await api.get("/api/tickets?limit=1000").status == 200)
            for path in ["/api/tickets", "/api/customers", "/api/audit", "/api/tickets/1/history"] {
                let farthest = try await api.get("\(path)?limit=1000&offset=\(Int.max)", token: Token.admin)
                #expect(farthest.status == 200 && farthest.text == "[]", "\(path): \(farthest)")
            }
            for query in ["limit=0", "limit=1001", "limit=-3", "offset=-1", "limit=ten"] {
                let bad = try await api.get("/api/tickets?\(query)")
                #expect(bad.status == 422, "\(query): \(bad)")
                let field = String(query.prefix { $0 != "=" })
                #expect(bad.errorMessage?.hasPrefix(field) == true, "\(query): \(bad)")
            }
        }
    }

    @Test("Ticket list filters")
    func filters() async throws {
        let world = try await APIWorld.make()
        let a = try await world.service.createTicket(
            NewTicket(customerID: CustomerID(1), subject: "Printer jam", priority: .urgent, assignee: .user("agent"),
                tags: ["hardware"]), by: world.admin)
        let b = try await world.ticket("Password reset", customer: 2)
        _ = try await world.service.updateTicket(b.id, TicketChanges(status: .pending), by: world.admin)
        try await world.test { api in
            func ids(_ query: String) async throws -> [Int] {
                let reply = try await api.get("/api/tickets?\(query)", token: Token.agent)
                #expect(reply.status == 200, "\(query): \(reply)")
                return reply.array?.compactMap { int($0["id"]) } ?? []
            }
            #expect(try await ids("status=pending") == [b.id.rawValue])
            #expect(try await ids("priority=urgent") == [a.id.rawValue])
            #expect(try await ids("assignee=agent") == [a.id.rawValue])
            #expect(try await ids("assignee=me") == [a.id.rawValue])
            #expect(try await ids("assignee=none") == [b.id.rawValue])
            #expect(try await ids("tag=hardware") == [a.id.rawValue])
            #expect(try await ids("search=password") == [b.id.rawValue])
            #expect(try await ids("customer_id=2&status=open") == [])
            let bad = try await api.get("/api/tickets?status=bogus")
            #expect(bad.status == 422)
            #expect(bad.errorMessage?.hasPrefix("status") == true)
        }
    }

    @Test("Every response carries X-Process-Time-ms, errors and unknown routes included")
    func processTimeEverywhere() async throws {
        let world = try await APIWorld.make()
        try await world.testOnTicket { api, ticket in
            let requests: [(Req, Int)] = [
                (Req(.get, "/health"), 200),
                (Req(.get, "/openapi.json"), 200),
                (Req(.post, "/api/tickets/", token: Token.agent, json: #"{"customer_id": 1, "subject": "s"}"#), 200),
                (Req(.delete, "/api/tickets/\(ticket.id)", token: Token.admin), 204),
                (Req(.post, "/api/tickets/", token: Token.agent, json: "{oops"), 400),
                (Req(.get, "/api/customers/1"), 403),
                (Req(.get, "/api/customers/1", token: "wrong"), 403),
                (Req(.get, "/api/tickets/999"), 404),
                (Req(.get, "/no/such/route"), 404),
                (Req(.post, "/api/tickets/", token: Token.agent, json: #"{"customer_id": 1}"#), 422),
                (Req(.post, "/api/tickets/", token: Token.agent, body: Data(count: (1 << 20) + 1)), 413),
            ]
            for (request, status) in requests {
                let reply = try await api.send(request)
                #expect(reply.status == status, "\(request.method) \(request.path): \(reply)")
                let time = reply.header("X-Process-Time-ms").flatMap(Double.init)
                #expect(time != nil && time! >= 0, "\(request.method) \(request.path): \(reply.headers)")
                if status >= 400 { #expect(reply.hasErrorShape, "\(request.method) \(request.path): \(reply)") }
            }
        }
    }

    @Test("An unknown route is 404 with an error body")
    func unknownRoute() async throws {
        try await APIWorld.test { api in
            for path in ["/nope", "/api", "/api/tickets/1/bogus", "/api/notes"] {
                let reply = try await api.get(path, token: Token.admin)
                #expect(reply.status == 404, "\(path): \(reply)")
                #expect(reply.hasErrorShape, "\(path): \(reply)")
                #expect(reply.isRouteNotFound, "\(path): \(reply)")
            }
            // A known path with a method it does not serve: an error body, never a 500.
            let put = try await api.send(Req(.put, "/api/tickets/1", token: Token.admin, json: "{}"))
            #expect([404, 405].contains(put.status), "\(put)")
            #expect(put.hasErrorShape, "\(put)")
        }
    }
}
