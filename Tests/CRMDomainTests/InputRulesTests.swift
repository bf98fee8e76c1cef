import CRMDomain
import CRMTestSupport
import Testing

/// DESIGN §3.6 through CRMService: every text field of every use case refuses what its kind of field may not
/// hold, names the field, says why without printing the offending character raw, and changes nothing.
@Suite("Input rules (§3.6) for every field of every use case")
struct InputRulesTests {
    enum Kind: Sendable {
        /// Subject, name, email, tag, assignee...: one line, something visible.
        case oneLine
        /// Company: one line, but empty or blank clears it.
        case optionalLine
        /// Description: several lines, may be empty.
        case optionalText
        /// Note text: several lines, something visible.
        case requiredText
        /// Search: several lines, empty means no search.
        case search
    }

    /// One field of one use case: the service call that sets it to a text.
    struct Field: Sendable, CustomTestStringConvertible {
        let useCase: String
        let field: String
        let kind: Kind
        let set: @Sendable (World, String) async throws -> Void

        var testDescription: String { "\(self.useCase).\(self.field)" }
    }

    static let fields: [Field] = [
        Field(useCase: "createCustomer", field: "name", kind: .oneLine) { w, text in
            _ = try await w.service.createCustomer(NewCustomer(name: text, email: "a@b.co"), by: w.agent)
        },
        Field(useCase: "createCustomer", field: "email", kind: .oneLine) { w, text in
            _ = try await w.service.createCustomer(NewCustomer(name: "Ann", email: text), by: w.agent)
        },
        Field(useCase: "createCustomer", field: "company", kind: .optionalLine) { w, text in
            _ = try await w.service.createCustomer(NewCustomer(name: "Ann", email: "a@b.co", company: text), by: w.agent)
        },
        Field(useCase: "updateCustomer", field: "name", kind: .oneLine) { w, text in
            _ = try await w.service.updateCustomer(CustomerID(1), CustomerChanges(name: text), by: w.agent)
        },
        Field(useCase: "updateCustomer", field: "email", kind: .oneLine) { w, text in
            _ = try await w.service.updateCustomer(CustomerID(1), CustomerChanges(email: text), by: w.agent)
        },
        Field(useCase: "updateCustomer", field: "company", kind: .optionalLine) { w, text in
            _ = try await w.service.updateCustomer(CustomerID(1), CustomerChanges(company: .some(text)), by: w.agent)
        },
        Field(useCase: "createTicket", field: "subject", kind: .oneLine) { w, text in
            _ = try await w.service.createTicket(NewTicket(customerID: CustomerID(1), subject: text), by: w.agent)
        },
        Field(useCase: "createTicket", field: "description", kind: .optionalText) { w, text in
            _ = try await w.service.createTicket(
                NewTicket(customerID: CustomerID(1), subject: "S", description: text), by: w.agent)
        },
        Field(useCase: "createTicket", field: "tags", kind: .oneLine) { w, text in
            _ = try await w.service.createTicket(NewTicket(customerID: CustomerID(1), subject: "S", tags: [text]), by: w.agent)
        },
        Field(useCase: "createTicket", field: "assignee", kind: .oneLine) { w, text in
            _ = try await w.service.createTicket(
                NewTicket(customerID: CustomerID(1), subject: "S", assignee: .user(text)), by: w.agent)
        },
        Field(useCase: "updateTicket", field: "subject", kind: .oneLine) { w, text in
            _ = try await w.service.updateTicket(TicketID(1), TicketChanges(subject: text), by: w.agent)
        },
        Field(useCase: "updateTicket", field: "description", kind: .optionalText) { w, text in
            _ = try await w.service.updateTicket(TicketID(1), TicketChanges(description: text), by: w.agent)
        },
        Field(useCase: "updateTicket.addTags", field: "tags", kind: .oneLine) { w, text in
            _ = try await w.service.updateTicket(TicketID(1), TicketChanges(addTags: [text]), by: w.agent)
        },
        Field(useCase: "updateTicket.removeTags", field: "tags", kind: .oneLine) { w, text in
            _ = try await w.service.updateTicket(TicketID(1), TicketChanges(removeTags: [text]), by: w.agent)
        },
        Field(useCase: "updateTicket", field: "assignee", kind: .oneLine) { w, text in
            _ = try await w.service.updateTicket(TicketID(1), TicketChanges(assignee: .user(text)), by: w.agent)
        },
        Field(useCase: "assignTicket", field: "assignee", kind: .oneLine) { w, text in
            _ = try await w.service.assignTicket(TicketID(1), to: .user(text), by: w.agent)
        },
        Field(useCase: "addNote", field: "text", kind: .requiredText) { w, text in
            _ = try await w.service.addNote(to: TicketID(1), text: text, by: w.agent)
        },
        Field(useCase: "listTickets", field: "tag", kind: .oneLine) { w, text in
            _ = try await w.service.listTickets(TicketFilter(tag: text), by: w.agent)
        },
        Field(useCase: "listTickets", field: "assignee", kind: .oneLine) { w, text in
            _ = try await w.service.listTickets(TicketFilter(assignee: .user(text)), by: w.agent)
        },
        Field(useCase: "listTickets", field: "search", kind: .search) { w, text in
            _ = try await w.service.listTickets(TicketFilter(search: text), by: w.agent)
        },
        Field(useCase: "auditLog", field: "actor", kind: .oneLine) { w, text in
            _ = try await w.service.auditLog(actor: text, by: w.admin)
        },
        Field(useCase: "auditLog", field: "entity", kind: .oneLine) { w, text in
            _ = try await w.service.auditLog(entity: text, by: w.admin)
        },
    ]

    /// A refused text: its name, the text, the code point the message must name (if one), and which kinds of
    /// field accept it after all.
    struct Bad: Sendable, CustomTestStringConvertible {
        let name: String
        let text: String
        let codePoint: String?
        let acceptedBy: [Kind]

        init(_ name: String, _ text: String, _ codePoint: String? = nil, acceptedBy: [Kind] = []) {
            self.name = name
            self.text = text
            self.codePoint = codePoint
            self.acceptedBy = acceptedBy
        }

        var testDescription: String { self.name }
    }

    static let multiLine: [Kind] = [.optionalText, .requiredText, .search]

    static let bad: [Bad] = [
        Bad("escape sequence", "x\u{1b}[2Jy", "U+001B"),
        Bad("OSC title", "\u{1b}]0;owned\u{7}", "U+001B"),
        Bad("BEL", "ding\u{7}", "U+0007"),
        Bad("NUL", "a\u{0}b", "U+0000"),
        Bad("DEL", "x\u{7f}", "U+007F"),
        Bad("C1 CSI", "x\u{9b}31m", "U+009B"),
        Bad("NEL", "a\u{85}b", "U+0085"),
        Bad("carriage return", "a\rb", "U+000D"),
        Bad("CRLF", "a\r\nb", "U+000D"),
        Bad("vertical tab", "a\u{b}b", "U+000B"),
        Bad("line feed", "a\nb", "U+000A", acceptedBy: multiLine),
        Bad("tab", "a\tb", "U+0009", acceptedBy: multiLine),
        Bad("line separator", "a\u{2028}b", "U+2028", acceptedBy: multiLine),
        Bad("paragraph separator", "a\u{2029}b", "U+2029", acceptedBy: multiLine),
        Bad("right-to-left override", "\u{202e}gnp.exe", "U+202E", acceptedBy: multiLine),
        Bad("left-to-right embedding", "a\u{202a}b", "U+202A", acceptedBy: multiLine),
        Bad("first strong isolate", "a\u{2068}b", "U+2068", acceptedBy: multiLine),
        Bad("pop directional isolate", "a\u{2069}", "U+2069", acceptedBy: multiLine),
        Bad("empty", "", acceptedBy: [.optionalLine, .optionalText, .search]),
        Bad("blank", "   ", acceptedBy: [.optionalLine, .optionalText, .search]),
        Bad("zero-width space only", "\u{200b}", acceptedBy: [.optionalText, .search]),
        Bad("ZWJ and BOM only", " \u{200d}\u{feff} ", acceptedBy: [.optionalText, .search]),
        Bad("combining marks alone", "\u{301}\u{302}", acceptedBy: [.optionalText, .search]),
        Bad("Hangul filler only", "\u{3164}", acceptedBy: [.optionalText, .search]),
        Bad("a and a million combining marks", "a" + String(repeating: "\u{301}", count: 1_000_000)),
    ]

    @Test("refused, naming the field and the character, changing nothing", arguments: fields, bad)
    func refused(_ field: Field, _ input: Bad) async throws {
        let world = try await World.make()
        try await world.ticket("Existing")
        let before = try await world.snapshot()
        do {
            try await field.set(world, input.text)
            #expect(input.acceptedBy.contains(field.kind), "\(input.name) was accepted")
        } catch let error as CRMError {
            guard case .validation(let name, let reason) = error else {
                Issue.record("expected a validation error, got \(error)")
                return
            }
            #expect(!input.acceptedBy.contains(field.kind), "\(input.name) was refused: \(reason)")
            #expect(name == field.field)
            #expect(
                !error.description.unicodeScalars.contains { $0.properties.generalCategory == .control },
                "the message shows no raw control character")
            if let codePoint = input.codePoint { #expect(reason.contains(codePoint), "\(reason)") }
            #expect(try await world.snapshot() == before)
        }
    }

    @Test("a one-line field's message says why", arguments: [
        ("x\u{1b}y", "subject: contains a control character (U+001B)"),
        ("a\nb", "subject: contains a line break (U+000A)"),
        ("\u{202e}x", "subject: contains a bidirectional override or isolate (U+202E)"),
        ("\u{200b}", "subject: must not be made only of invisible characters"),
    ])
    func messages(_ text: String, _ message: String) async throws {
        let world = try await World.make()
        await expectError(.validation(field: "subject", reason: String(message.dropFirst("subject: ".count)))) {
            _ = try await world.service.createTicket(NewTicket(customerID: CustomerID(1), subject: text), by: world.agent)
        }
    }

    @Test("non-ASCII text is kept intact", arguments: [
        "José Müller", "日本語のチケット", "😀 printer 👍🏽", "e\u{301}te\u{301}", "Ωμέγα", "עברית", "a\u{200d}b",
    ])
    func intact(_ text: String) async throws {
        let world = try await World.make()
        let customer = try await world.service.createCustomer(
            NewCustomer(name: text, email: "a@b.co", company: text), by: world.agent)
        #expect(customer.name == text && customer.company == text)
        let ticket = try await world.service.createTicket(
            NewTicket(customerID: customer.id, subject: text, description: text + "\n\t" + text), by: world.agent)
        #expect(ticket.subject == text && ticket.description == text + "\n\t" + text)
        #expect(try await world.service.addNote(to: ticket.id, text: text, by: world.agent).text == text)
    }

    @Test("limits hold in characters and in bytes (4 per character)")
    func limits() async throws {
        let world = try await World.make()
        func subject(_ text: String) async throws -> Ticket {
            try await world.service.createTicket(NewTicket(customerID: CustomerID(1), subject: text), by: world.agent)
        }
        #expect(try await subject(String(repeating: "😀", count: 200)).subject.count == 200, "200 characters, 800 bytes")
        await expectValidation(field: "subject") { _ = try await subject(String(repeating: "😀", count: 201)) }
        await expectValidation(field: "subject") {
            _ = try await subject(String(repeating: "e\u{301}\u{302}", count: 200))
        }
        await expectError(.validation(field: "subject", reason: "must be at most 200 characters (got 201)")) {
            _ = try await subject(String(repeating: "x", count: 201))
        }
        await expectValidation(field: "description") {
            _ = try await world.service.createTicket(
                NewTicket(customerID: CustomerID(1), subject: "S", description: String(repeating: "x", count: 10_001)),
                by: world.agent)
        }
        await expectValidation(field: "text") {
            _ = try await world.service.addNote(
                to: TicketID(1), text: "a" + String(repeating: "\u{301}", count: 40_000), by: world.agent)
        }
    }
}

@Suite("Error messages never carry a control character raw")
struct SafeMessageTests {
    @Test("enumerations and settings quote what they refuse with code points", arguments: [
        "\u{1b}[2J", "a\nb", "\u{202e}x", "\u{7}", "\u{9b}1m",
    ])
    func quoted(_ text: String) async throws {
        var messages: [String] = []
        func collect(_ body: () throws -> Void) {
            do { try body() } catch { messages.append(String(describing: error)) }
        }
        collect { _ = try TicketStatus(validating: text) }
        collect { _ = try Priority(validating: text) }
        collect { _ = try CRMSettings(environment: ["CRM_NOW": text]) }
        collect { _ = try CRMSettings(environment: ["CRM_PUBLIC_TICKETS": text]) }
        let world = try await World.make()
        do { _ = try await world.service.auditLog(entity: "ticket/" + text, by: world.admin) } catch {
            messages.append(String(describing: error))
        }
        #expect(messages.count == 5)
        for message in messages {
            #expect(!message.unicodeScalars.contains { InputRules.shown(String($0)) != String($0) }, "\(message.debugDescription)")
            #expect(message.contains("U+"), "\(message.debugDescription)")
        }
    }
}
