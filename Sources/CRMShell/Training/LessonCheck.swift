import CRMDomain

/// A lesson step's check: a small declarative condition on the state of the store (or of the trainee's session),
/// so any valid way of doing the step passes. Grammar (docs/training.md):
///
///     check: ticket ID|any|none  FIELD OP VALUE …     (a ticket, some ticket, no ticket: matching every condition)
///     check: customer ID|any|none  FIELD OP VALUE …
///     check: session  FIELD OP VALUE …                (who is logged in, the last command's exit status)
///
/// OP is `=`, `!=`, `<`, `<=`, `>`, `>=` (numbers) or `~` (contains, ignoring case). Values are words as the shell
/// splits them, so `subject~"log in"` works.
struct LessonCheck: Sendable, CustomStringConvertible {
    /// What the check looks at.
    enum Subject: String, Sendable, CaseIterable {
        case ticket, customer, session
    }

    /// Which records of the subject must match.
    enum Selection: Sendable, Equatable {
        case id(Int)
        /// At least one record matches.
        case any
        /// No record matches.
        case none
    }

    enum Operator: String, Sendable, CaseIterable {
        case notEqual = "!=", atLeast = ">=", atMost = "<=", equal = "=", more = ">", less = "<", contains = "~"
    }

    /// How a field's value compares.
    enum FieldKind: Sendable {
        /// A count or an ID: every comparison.
        case number
        /// Text: `=`, `!=`, `~`; `none` stands for no value.
        case text
        /// One of a few words: `=`, `!=`.
        case choice([String])
        /// A set of texts (tags, notes): `=` holds one, `!=` holds none, `~` one contains.
        case texts
    }

    struct Condition: Sendable {
        var field: String
        var op: Operator
        var value: String
    }

    /// The check as written.
    let description: String
    let subject: Subject
    let selection: Selection
    let conditions: [Condition]

    static func fields(of subject: Subject) -> [(name: String, kind: FieldKind)] {
        switch subject {
        case .ticket:
            [
                ("id", .number), ("customer", .number), ("status", .choice(TicketStatus.allCases.map(\.rawValue))),
                ("priority", .choice(Priority.allCases.map(\.rawValue))), ("assignee", .text), ("tag", .texts),
                ("subject", .text), ("description", .text), ("notes", .number), ("note", .texts), ("version", .number),
            ]
        case .customer:
            [("id", .number), ("name", .text), ("email", .text), ("company", .text), ("version", .number)]
        case .session:
            [("user", .text), ("role", .choice(["agent", "admin", "none"])), ("exit", .number),
             ("format", .choice(OutputFormat.allCases.map(\.rawValue)))]
        }
    }

    /// Parses a check; a malformed one throws a message naming what is wrong.
    init(parsing text: String) throws(LessonCheck.Malformed) {
        self.description = text
        guard case .words(let words) = Tokenizer.tokenize(text) else { throw Malformed("unterminated quote") }
        guard let first = words.first else { throw Malformed("empty check") }
        guard let subject = Subject(rawValue: first) else {
            throw Malformed("unknown subject '\(first)' (one of ticket, customer, session)")
        }
        self.subject = subject
        var rest = words.dropFirst()
        if subject == .session {
            self.selection = .any
        } else {
            guard let which = rest.popFirst() else { throw Malformed("\(first) needs an ID, 'any' or 'none'") }
            switch which {
            case "any": self.selection = .any
            case "none": self.selection = .none
            default:
                guard let id = Int(which), id > 0 else {
                    throw Malformed("'\(which)' is not a \(first) ID, 'any' or 'none'")
                }
                self.selection = .id(id)
            }
        }
        var conditions: [Condition] = []
        for word in rest { conditions.append(try Self.condition(word, of: subject)) }
        self.conditions = conditions
        if subject == .session && conditions.isEmpty { throw Malformed("session needs a condition") }
    }

    private static func condition(_ word: String, of subject: Subject) throws(Malformed) -> Condition {
        guard let start = word.firstIndex(where: { "=!<>~".contains($0) }) else {
            throw Malformed("'\(word)' is not FIELD OP VALUE (OP: = != < <= > >= ~)")
        }
        let field = String(word[..<start])
        let afterField = word[start...]
        guard let op = Operator.allCases.first(where: { afterField.hasPrefix($0.rawValue) }) else {
            throw Malformed("'\(word)' has no known operator (= != < <= > >= ~)")
        }
        let value = String(afterField.dropFirst(op.rawValue.count))
        let known = self.fields(of: subject)
        guard let kind = known.first(where: { $0.name == field })?.kind else {
            let names = known.map(\.name)
            throw Malformed(
                "unknown \(subject.rawValue) field '\(field)'\(Suggestion.hint(for: field, in: names)) "
                    + "(one of \(names.joined(separator: ", ")))")
        }
        guard !value.isEmpty else { throw Malformed("'\(word)' has no value") }
        switch kind {
        case .number:
            guard Int(value) != nil, op != .contains else {
                throw Malformed("'\(word)': \(field) is a number (compare with = != < <= > >=)")
            }
        case .text, .texts:
            guard [.equal, .notEqual, .contains].contains(op) else {
                throw Malformed("'\(word)': \(field) is text (compare with =, != or ~)")
            }
        case .choice(let values):
            guard [.equal, .notEqual].contains(op) else { throw Malformed("'\(word)': compare \(field) with = or !=") }
            guard values.contains(value) else {
                throw Malformed("'\(value)' is not a \(field) (one of \(values.joined(separator: ", ")))")
            }
        }
        return Condition(field: field, op: op, value: value)
    }

    /// Why a check cannot be read.
    struct Malformed: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }
}

/// What a check is evaluated against: domain reads through `CRMService` as an admin, and the trainee's session.
struct CheckContext {
    let service: CRMService
    /// Reads with every permission, so a check sees the whole store whoever the trainee is.
    let reader: Caller
    let trainee: Caller
    let lastStatus: ExitStatus
    let format: OutputFormat
}

extension LessonCheck {
    /// Whether the check holds now; a read that fails counts as not holding.
    func holds(in context: CheckContext) async -> Bool {
        do {
            switch self.subject {
            case .session:
                return self.matches(self.sessionValues(context), context)
            case .ticket:
                let tickets = try await self.selected { id in
                    try await context.service.ticket(TicketID(id), by: context.reader)
                } page: { page in
                    try await context.service.listTickets(TicketFilter(), page, by: context.reader)
                }
                var matching = 0
                for ticket in tickets {
                    if self.matches(try await self.values(of: ticket, context), context) { matching += 1 }
                }
                return self.holds(matching: matching)
            case .customer:
                let customers = try await self.selected { id in
                    try await context.service.customer(CustomerID(id), by: context.reader)
                } page: { page in
                    try await context.service.listCustomers(page, by: context.reader)
                }
                return self.holds(matching: customers.filter { self.matches(Self.values(of: $0), context) }.count)
            }
        } catch {
            return false
        }
    }

    /// The records the check reads: the one its selection names by ID, else all of them, page by page.
    private func selected<Item>(
        one: (Int) async throws -> Item, page: (PageRequest) async throws -> Page<Item>
    ) async throws -> [Item] {
        if case .id(let id) = self.selection { return [try await one(id)] }
        return try await Self.all(page)
    }

    /// The verdict from how many selected records match: none for `Selection.none`, at least one otherwise.
    private func holds(matching: Int) -> Bool {
        self.selection == .none ? matching == 0 : matching > 0
    }

    /// A field's value on one record.
    private enum Value {
        case number(Int)
        case text(String?)
        case texts([String])
    }

    private static func all<Item>(_ list: (PageRequest) async throws -> Page<Item>) async throws -> [Item] {
        var items: [Item] = []
        while true {
            let page = try await list(PageRequest(limit: PageRequest.maximumLimit, offset: items.count))
            items += page.items
            if page.items.isEmpty || items.count >= page.total { return items }
        }
    }

    private func values(of ticket: Ticket, _ context: CheckContext) async throws -> [String: Value] {
        var values: [String: Value] = [
            "id": .number(ticket.id.rawValue), "customer": .number(ticket.customerID.rawValue),
            "status": .text(ticket.status.rawValue), "priority": .text(ticket.priority.rawValue),
            "assignee": .text(ticket.assignee), "tag": .texts(ticket.tags), "subject": .text(ticket.subject),
            "description": .text(ticket.description), "version": .number(ticket.version),
        ]
        if self.conditions.contains(where: { $0.field == "notes" || $0.field == "note" }) {
            let notes = try await context.service.notes(on: ticket.id, by: context.reader)
            values["notes"] = .number(notes.count)
            values["note"] = .texts(notes.map(\.text))
        }
        return values
    }

    private static func values(of customer: Customer) -> [String: Value] {
        [
            "id": .number(customer.id.rawValue), "name": .text(customer.name), "email": .text(customer.email),
            "company": .text(customer.company), "version": .number(customer.version),
        ]
    }

    private func sessionValues(_ context: CheckContext) -> [String: Value] {
        let user = context.trainee.principal.user
        return [
            "user": .text(user?.name), "role": .text(user?.role.rawValue ?? "none"),
            "exit": .number(Int(context.lastStatus.rawValue)), "format": .text(context.format.rawValue),
        ]
    }

    /// Whether every condition holds on a record's values; `assignee=me` means the trainee.
    private func matches(_ values: [String: Value], _ context: CheckContext) -> Bool {
        self.conditions.allSatisfy { condition in
            guard let value = values[condition.field] else { return false }
            var expected = condition.value
            if condition.field == "assignee", expected == "me" {
                guard let me = context.trainee.principal.user?.name else { return false }
                expected = me
            }
            return Self.compare(value, condition.op, expected)
        }
    }

    private static func compare(_ value: Value, _ op: Operator, _ expected: String) -> Bool {
        switch value {
        case .number(let number):
            guard let target = Int(expected) else { return false }
            switch op {
            case .equal: return number == target
            case .notEqual: return number != target
            case .atLeast: return number >= target
            case .atMost: return number <= target
            case .more: return number > target
            case .less: return number < target
            case .contains: return false
            }
        case .text(let text):
            switch op {
            case .equal: return (text ?? "none") == expected
            case .notEqual: return (text ?? "none") != expected
            case .contains: return text.map { TicketQuery.text($0, contains: expected.lowercased()) } ?? false
            default: return false
            }
        case .texts(let texts):
            switch op {
            case .equal: return texts.contains(expected)
            case .notEqual: return !texts.contains(expected)
            case .contains: return texts.contains { TicketQuery.text($0, contains: expected.lowercased()) }
            default: return false
            }
        }
    }
}
