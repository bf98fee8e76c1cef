import CRMDomain
import Hummingbird

/// Reads a request's JSON body in one pass: over 1 MiB is 413, anything that is not strict RFC 8259 JSON
/// (or not UTF-8) 400, a body that is not an object, wrong types, missing or unknown fields 422 naming the field
/// (`unknownKeys` says which unknown fields are refused).
enum JSONBody {
    static func decode<Body: JSONBodyDecodable>(
        _ type: Body.Type, from request: Request, unknownKeys: UnknownKeys = Body.unknownKeys
    ) async throws -> Body {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > CRMRequestContext.maximumBodySize {
            throw APIError.payloadTooLarge
        }
        let buffer = try await request.body.collect(upTo: CRMRequestContext.maximumBodySize)
        return try self.decode(type, from: Array(buffer.readableBytesView), unknownKeys: unknownKeys)
    }

    /// The same for bytes already read.
    static func decode<Body: JSONBodyDecodable>(
        _ type: Body.Type, from bytes: [UInt8], unknownKeys: UnknownKeys = Body.unknownKeys
    ) throws -> Body {
        guard !bytes.isEmpty else { throw APIError.malformedJSON("the body is empty") }
        let value: JSONValue
        do {
            value = try StrictJSON.parse(bytes)
        } catch {
            throw APIError.malformedJSON(error.description)
        }
        guard case .object(let members) = value else {
            throw APIError.validation(field: "body", "must be a JSON object")
        }
        try unknownKeys.check(members.keys, for: Body.self)
        return try Body(JSONFields(members))
    }
}

/// A request body built from the fields of a JSON object.
protocol JSONBodyDecodable {
    /// The keys the body reads, in the order error messages list them.
    static var acceptedKeys: [String] { get }
    /// What the body's route does with other keys; `.refused` unless the route is one of the original's.
    static var unknownKeys: UnknownKeys { get }
    /// A hint for a refused key, by key (`tags` on a ticket PATCH names `add_tags` and `remove_tags`).
    static var keyHints: [String: String] { get }
    init(_ fields: JSONFields) throws(CRMError)
}

extension JSONBodyDecodable {
    static var unknownKeys: UnknownKeys { .refused }
    static var keyHints: [String: String] { [:] }
}

/// The members of a JSON object, read field by field with validation errors that name the field.
struct JSONFields {
    let members: [String: JSONValue]

    init(_ members: [String: JSONValue]) {
        self.members = members
    }

    /// Whether the key is present (even as null).
    func contains(_ key: String) -> Bool { self.members[key] != nil }

    /// A string that must be present.
    func requiredString(_ key: String) throws(CRMError) -> String {
        guard let value = self.members[key] else { throw .validation(field: key, reason: "is required") }
        guard let text = try self.string(key, value) else { throw .validation(field: key, reason: "must not be null") }
        return text
    }

    /// A string, nil when absent or null.
    func optionalString(_ key: String) throws(CRMError) -> String? {
        guard let value = self.members[key] else { return nil }
        return try self.string(key, value)
    }

    /// nil when absent, `.some(nil)` for null, else the string.
    func nullableString(_ key: String) throws(CRMError) -> String?? {
        guard let value = self.members[key] else { return nil }
        return .some(try self.string(key, value))
    }

    /// An array of strings, nil when absent or null.
    func strings(_ key: String) throws(CRMError) -> [String]? {
        guard let value = self.members[key] else { return nil }
        switch value {
        case .null: return nil
        case .array(let elements):
            var strings: [String] = []
            for element in elements {
                guard case .string(let text) = element else {
                    throw .validation(field: key, reason: "must be an array of strings")
                }
                strings.append(text)
            }
            return strings
        default: throw .validation(field: key, reason: "must be an array of strings")
        }
    }

    /// An ID read as the original read them: `1`, `"1"` and `1.0` are 1; `1.5`, `null`, `"abc"`, a number
    /// beyond 64 bits or a missing field are refused naming the field. The value is never computed with.
    func requiredID(_ key: String) throws(CRMError) -> Int {
        guard let value = self.members[key] else { throw .validation(field: key, reason: "is required") }
        let text: String
        switch value {
        case .number(let number): text = number
        case .string(let string): text = string
        case .null: throw .validation(field: key, reason: "must not be null")
        default: throw .validation(field: key, reason: "must be an integer")
        }
        guard let integer = ExactInteger.parse(text) else {
            throw .validation(field: key, reason: "must be an integer")
        }
        guard let id = integer else {
            throw .validation(field: key, reason: "must be an integer between \(Int.min) and \(Int.max)")
        }
        return id
    }

    private func string(_ key: String, _ value: JSONValue) throws(CRMError) -> String? {
        switch value {
        case .null: nil
        case .string(let text): text
        default: throw .validation(field: key, reason: "must be a string")
        }
    }
}

/// `POST /api/tickets`.
struct TicketCreateBody: JSONBodyDecodable {
    static let acceptedKeys = ["customer_id", "subject", "description", "priority", "assignee", "tags"]
    static let unknownKeys = UnknownKeys.ignoredUnlessCRMField
    let customerID: Int
    let subject: String
    let description: String?
    let priority: String?
    let assignee: String?
    let tags: [String]?

    init(_ fields: JSONFields) throws(CRMError) {
        self.customerID = try fields.requiredID("customer_id")
        self.subject = try fields.requiredString("subject")
        self.description = try fields.optionalString("description")
        self.priority = try fields.optionalString("priority")
        self.assignee = try fields.optionalString("assignee")
        self.tags = try fields.strings("tags")
    }

    func input() throws -> NewTicket {
        NewTicket(
            customerID: CustomerID(self.customerID), subject: self.subject, description: self.description,
            priority: try self.priority.map { try Priority(validating: $0) },
            assignee: self.assignee.map(AssigneeSelector.init(parsing:)), tags: self.tags)
    }
}

/// `PATCH /api/tickets/{id}`: absent fields stay; `"assignee": null` unassigns.
struct TicketPatchBody: JSONBodyDecodable {
    static let acceptedKeys = ["subject", "description", "status", "priority", "assignee", "add_tags", "remove_tags"]
    static let unknownKeys = UnknownKeys.ignoredUnlessCRMField
    static let keyHints = [
        "tags": "tags are changed with add_tags and remove_tags", "tag": "tags are changed with add_tags and remove_tags",
    ]
    let subject: String?
    let description: String?
    let status: String?
    let priority: String?
    let assignee: AssigneeSelector?
    let addTags: [String]
    let removeTags: [String]

    init(_ fields: JSONFields) throws(CRMError) {
        self.subject = try fields.optionalString("subject")
        self.description = try fields.optionalString("description")
        self.status = try fields.optionalString("status")
        self.priority = try fields.optionalString("priority")
        self.assignee = try fields.nullableString("assignee").map { $0.map(AssigneeSelector.init(parsing:)) ?? .nobody }
        self.addTags = try fields.strings("add_tags") ?? []
        self.removeTags = try fields.strings("remove_tags") ?? []
    }

    func changes(expectedVersion: Int?) throws -> TicketChanges {
        TicketChanges(
            subject: self.subject, description: self.description,
            status: try self.status.map { try TicketStatus(validating: $0) },
            priority: try self.priority.map { try Priority(validating: $0) }, assignee: self.assignee,
            addTags: self.addTags, removeTags: self.removeTags, expectedVersion: expectedVersion)
    }
}

/// `POST /api/customers`.
extension NewCustomer: JSONBodyDecodable {
    static let acceptedKeys = ["name", "email", "company"]

    init(_ fields: JSONFields) throws(CRMError) {
        self.init(
            name: try fields.requiredString("name"), email: try fields.requiredString("email"),
            company: try fields.optionalString("company"))
    }
}

/// `PATCH /api/customers/{id}`: absent fields stay; `"company": null` clears it.
struct CustomerPatchBody: JSONBodyDecodable {
    static let acceptedKeys = ["name", "email", "company"]
    let name: String?
    let email: String?
    let company: String??

    init(_ fields: JSONFields) throws(CRMError) {
        self.name = try fields.optionalString("name")
        self.email = try fields.optionalString("email")
        self.company = try fields.nullableString("company")
    }

    func changes(expectedVersion: Int?) -> CustomerChanges {
        CustomerChanges(name: self.name, email: self.email, company: self.company, expectedVersion: expectedVersion)
    }
}

/// `POST /api/notes/{ticket_id}` (which decodes it with `.ignoredUnlessCRMField`) and `POST /api/tickets/{id}/notes`.
struct NoteBody: JSONBodyDecodable {
    static let acceptedKeys = ["text"]
    let text: String

    init(_ fields: JSONFields) throws(CRMError) {
        self.text = try fields.requiredString("text")
    }
}
