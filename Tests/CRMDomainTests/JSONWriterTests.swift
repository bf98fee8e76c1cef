import CRMDomain
import Foundation
import Testing

@Suite("JSONWriter: the wire format, byte for byte what JSONEncoder writes")
struct JSONWriterTests {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func encoded(_ value: some Encodable) throws -> String {
        String(decoding: try Self.encoder.encode(value), as: UTF8.self)
    }

    static let awkwardStrings: [String] = [
        "", "plain", "quote \" and backslash \\", "slash / stays", "line\nbreak\rreturn\ttab", "\u{08}\u{0C}",
        String((0..<0x20).map { Character(Unicode.Scalar($0)!) }), "\u{7F} delete", "café ünïcödé 日本語 🎫👩‍💻",
        "\\n is not a newline", "ends with backslash \\", "line \u{2028} and paragraph \u{2029} separators, \u{FEFF} BOM",
    ]

    @Test("strings are escaped exactly as JSONEncoder escapes them", arguments: awkwardStrings)
    func strings(_ text: String) throws {
        var json = JSONWriter()
        json.string(text)
        #expect(json.text == (try Self.encoded(text)))
    }

    @Test("integers, including the extremes", arguments: [0, 1, -1, 42, 1_000_000, Int.max, Int.min])
    func integers(_ value: Int) throws {
        var json = JSONWriter()
        json.int(value)
        #expect(json.text == (try Self.encoded(value)))
    }

    @Test("nested objects and arrays get their commas")
    func nesting() {
        var json = JSONWriter()
        json.beginObject()
        json.key("a")
        json.beginArray()
        json.int(1)
        json.beginObject()
        json.endObject()
        json.strings(["x", "y"])
        json.null()
        json.endArray()
        json.key("b")
        json.string(nil as String?)
        json.endObject()
        #expect(json.text == #"{"a":[1,{},["x","y"],null],"b":null}"#)
    }

    @Test("a ticket is its sorted-key object; with notes the notes array sits in key order")
    func ticket() throws {
        let at = try #require(Timestamp(iso8601: "2025-01-06T09:00:00Z"))
        let ticket = Ticket(
            id: TicketID(7), customerID: CustomerID(2), subject: "Café \"VPN\"", description: "a/b\nc",
            status: .inProgress, priority: .high, assignee: nil, tags: ["login", "vpn"], createdAt: at,
            updatedAt: at.adding(seconds: 61), version: 3)
        #expect(
            JSONWriter.text(of: ticket)
                == #"{"assignee":null,"created_at":"2025-01-06T09:00:00Z","customer_id":2,"description":"a/b\nc","id":7,"#
                + #""priority":"high","status":"in_progress","subject":"Café \"VPN\"","tags":["login","vpn"],"#
                + #""updated_at":"2025-01-06T09:01:01Z","version":3}"#)
        #expect(try JSONDecoder().decode(Ticket.self, from: Data(JSONWriter.text(of: ticket).utf8)) == ticket)
        let note = Note(id: NoteID(1), ticketID: TicketID(7), author: "agent", text: "Called", createdAt: at)
        var json = JSONWriter()
        ticket.write(to: &json, notes: [note])
        #expect(json.text.contains(#""id":7,"notes":[{"author":"agent","created_at":"2025-01-06T09:00:00Z","id":1,"#
            + #""text":"Called","ticket_id":7}],"priority":"high""#))
    }

    @Test("a customer writes company null when absent; an audit event writes its changes in field order")
    func customerAndAudit() throws {
        let at = try #require(Timestamp(iso8601: "2025-01-06T09:00:00Z"))
        let customer = Customer(
            id: CustomerID(1), name: "Ada", email: "ada@example.com", company: nil, createdAt: at, updatedAt: at)
        #expect(
            JSONWriter.text(of: customer)
                == #"{"company":null,"created_at":"2025-01-06T09:00:00Z","email":"ada@example.com","id":1,"name":"Ada","#
                + #""updated_at":"2025-01-06T09:00:00Z","version":1}"#)
        let event = AuditEvent(
            id: AuditEventID(5),
            record: AuditRecord(
                at: at, actor: "agent", action: "ticket.update", entity: "ticket/3",
                changes: ["status": FieldChange(.string("open"), .string("resolved")), "assignee": FieldChange(.null, .string("agent"))],
                via: .http))
        #expect(
            JSONWriter.text(of: event)
                == #"{"action":"ticket.update","actor":"agent","at":"2025-01-06T09:00:00Z","#
                + #""changes":{"assignee":[null,"agent"],"status":["open","resolved"]},"entity":"ticket/3","id":5,"via":"http"}"#)
        #expect(try JSONDecoder().decode(AuditEvent.self, from: Data(JSONWriter.text(of: event).utf8)) == event)
    }

    @Test("a token writes its absent times as null and, just issued, its secret in key order; a user its snake_case keys")
    func tokenAndUser() async throws {
        let at = try #require(Timestamp(iso8601: "2025-01-06T09:00:00Z"))
        let token = Token(
            id: TokenID(4), user: "alice", label: nil, createdAt: at, createdBy: "admin", expiresAt: at.adding(seconds: 60))
        #expect(
            JSONWriter.text(of: token)
                == #"{"created_at":"2025-01-06T09:00:00Z","created_by":"admin","expires_at":"2025-01-06T09:01:00Z","#
                + #""id":4,"label":null,"last_used_at":null,"revoked_at":null,"user":"alice"}"#)
        let world = try await World.make()
        let issued = try await world.service.createToken(NewToken(label: "laptop"), by: world.agent)
        let secretField = #""token":"\#(issued.secret.text)","#
        #expect(JSONWriter.text(of: issued).contains(#""revoked_at":null,"# + secretField + #""user":"agent"}"#))
        #expect(JSONWriter.text(of: issued).replacingOccurrences(of: secretField, with: "") == JSONWriter.text(of: issued.token))
        let user = UserProfile(name: "alice", displayName: "Alice \"A\"", role: .admin, createdAt: at)
        #expect(
            JSONWriter.text(of: user)
                == #"{"created_at":"2025-01-06T09:00:00Z","disabled":false,"display_name":"Alice \"A\"","#
                + #""name":"alice","role":"admin"}"#)
    }
}
