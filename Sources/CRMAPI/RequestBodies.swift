import CRMDomain
import Foundation
import Hummingbird

/// Reads a request's JSON body: over 1 MiB is 413, unparsable JSON 400, wrong types or missing fields 422
/// naming the field. Unknown fields are ignored.
enum JSONBody {
    static func decode<Body: Decodable>(_ type: Body.Type, from request: Request) async throws -> Body {
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > CRMRequestContext.maximumBodySize {
            throw APIError.payloadTooLarge
        }
        let buffer = try await request.body.collect(upTo: CRMRequestContext.maximumBodySize)
        let data = Data(buffer.readableBytesView)
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw APIError.malformedJSON(data.isEmpty ? "the body is empty" : "syntax error")
        }
        guard let object = parsed as? [String: Any] else {
            throw APIError.validation(field: "body", "must be a JSON object")
        }
        do {
            return try JSONDecoder().decode(Body.self, from: data)
        } catch let error as DecodingError {
            throw Self.apiError(for: error, in: object)
        }
    }

    private static func apiError(for error: DecodingError, in object: [String: Any]) -> APIError {
        func name(_ path: [any CodingKey]) -> String {
            path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            return .validation(field: name(context.codingPath + [key]), "is required")
        case .valueNotFound(_, let context):
            return .validation(field: name(context.codingPath), "must not be null")
        case .typeMismatch(let type, let context):
            return .validation(field: name(context.codingPath), "must be \(Self.describe(type))")
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            // corelibs-foundation's JSONDecoder reports a number that doesn't fit the Int it wants (1.5, 1e30)
            // as "not valid JSON" with no coding path; the body did parse, so name the number that can't be one.
            let key = object.keys.sorted().first { key in
                (object[key] as? Double).map { Int(exactly: $0) == nil } ?? false
            }
            return key.map { .validation(field: $0, "must be an integer") }
                ?? .validation(field: "body", context.debugDescription)
        case .dataCorrupted(let context):
            return .validation(field: name(context.codingPath), context.debugDescription)
        @unknown default:
            return .validation(field: "body", "could not be read")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is Int.Type: "an integer"
        case is String.Type: "a string"
        case is [String].Type: "an array of strings"
        default: "of type \(type)"
        }
    }
}

/// `POST /api/tickets`.
struct TicketCreateBody: Decodable {
    let customerID: Int
    let subject: String
    let description: String?
    let priority: String?
    let assignee: String?
    let tags: [String]?

    enum CodingKeys: String, CodingKey {
        case customerID = "customer_id"
        case subject, description, priority, assignee, tags
    }

    func input() throws -> NewTicket {
        NewTicket(
            customerID: CustomerID(self.customerID), subject: self.subject, description: self.description ?? "",
            priority: try self.priority.map { try Priority(validating: $0) } ?? .normal,
            assignee: self.assignee.map(AssigneeSelector.init(parsing:)) ?? .nobody, tags: self.tags ?? [])
    }
}

/// `PATCH /api/tickets/{id}`: absent fields stay; `"assignee": null` unassigns.
struct TicketPatchBody: Decodable {
    let subject: String?
    let description: String?
    let status: String?
    let priority: String?
    let assignee: AssigneeSelector?
    let addTags: [String]
    let removeTags: [String]

    enum CodingKeys: String, CodingKey {
        case subject, description, status, priority, assignee
        case addTags = "add_tags"
        case removeTags = "remove_tags"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.subject = try container.decodeIfPresent(String.self, forKey: .subject)
        self.description = try container.decodeIfPresent(String.self, forKey: .description)
        self.status = try container.decodeIfPresent(String.self, forKey: .status)
        self.priority = try container.decodeIfPresent(String.self, forKey: .priority)
        if container.contains(.assignee) {
            self.assignee = try container.decodeNil(forKey: .assignee)
                ? .nobody : AssigneeSelector(parsing: try container.decode(String.self, forKey: .assignee))
        } else {
            self.assignee = nil
        }
        self.addTags = try container.decodeIfPresent([String].self, forKey: .addTags) ?? []
        self.removeTags = try container.decodeIfPresent([String].self, forKey: .removeTags) ?? []
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
struct CustomerCreateBody: Decodable {
    let name: String
    let email: String
    let company: String?

    var input: NewCustomer { NewCustomer(name: self.name, email: self.email, company: self.company) }
}

/// `PATCH /api/customers/{id}`: absent fields stay; `"company": null` clears it.
struct CustomerPatchBody: Decodable {
    let name: String?
    let email: String?
    let company: String??

    enum CodingKeys: String, CodingKey { case name, email, company }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.name = try container.decodeIfPresent(String.self, forKey: .name)
        self.email = try container.decodeIfPresent(String.self, forKey: .email)
        self.company = container.contains(.company) ? .some(try container.decodeIfPresent(String.self, forKey: .company)) : nil
    }

    var changes: CustomerChanges { CustomerChanges(name: self.name, email: self.email, company: self.company) }
}

/// `POST /api/notes/{ticket_id}` and `POST /api/tickets/{id}/notes`.
struct NoteBody: Decodable {
    let text: String
}
