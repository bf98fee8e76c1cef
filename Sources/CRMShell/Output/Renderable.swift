import CRMDomain

/// An entity the shell can show as a record, a table row, CSV or JSON (the same JSON as the HTTP API).
public protocol Renderable: JSONWritable, Sendable {
    /// Every field, by wire name, in display order.
    static var fields: [String] { get }
    /// The fields shown as columns of a `table` list.
    static var listFields: [String] { get }
    /// The values of `fields`, as text.
    var values: [String] { get }
}

extension Customer: Renderable {
    public static let fields = ["id", "name", "email", "company", "created_at", "updated_at", "version"]
    public static let listFields = ["id", "name", "email", "company"]
    public var values: [String] {
        [
            self.id.description, self.name, self.email, self.company ?? "", self.createdAt.iso8601,
            self.updatedAt.iso8601, String(self.version),
        ]
    }
}

extension Ticket: Renderable {
    public static let fields = [
        "id", "customer_id", "subject", "description", "status", "priority", "assignee", "tags", "created_at",
        "updated_at", "version",
    ]
    public static let listFields = ["id", "customer_id", "status", "priority", "assignee", "tags", "subject"]
    public var values: [String] {
        [
            self.id.description, self.customerID.description, self.subject, self.description, self.status.rawValue,
            self.priority.rawValue, self.assignee ?? "", self.tags.joined(separator: ","), self.createdAt.iso8601,
            self.updatedAt.iso8601, String(self.version),
        ]
    }
}

extension Note: Renderable {
    public static let fields = ["id", "ticket_id", "author", "text", "created_at"]
    public static let listFields = ["id", "created_at", "author", "text"]
    public var values: [String] {
        [self.id.description, self.ticketID.description, self.author, self.text, self.createdAt.iso8601]
    }
}

extension AuditEvent: Renderable {
    public static let fields = ["id", "at", "actor", "action", "entity", "changes", "via"]
    public static let listFields = ["id", "at", "actor", "action", "entity", "changes"]
    public var values: [String] {
        let changes = self.changes.keys.sorted().map { key in
            let change = self.changes[key]!
            return "\(key): \(change.old) -> \(change.new)"
        }
        return [
            self.id.description, self.at.iso8601, self.actor, self.action, self.entity,
            changes.joined(separator: "; "), self.via.rawValue,
        ]
    }
}

/// Who the session is acting as (`whoami`, `login`).
struct SessionInfo: Renderable {
    let user: String
    let role: String?

    static let fields = ["user", "role"]
    static let listFields = fields
    var values: [String] { [self.user, self.role ?? ""] }

    func write(to json: inout JSONWriter) {
        json.beginObject()
        if let role = self.role {
            json.field("role", role)
        }
        json.field("user", self.user)
        json.endObject()
    }

    init(_ principal: Principal) {
        self.user = principal.name
        self.role = principal.user?.role.rawValue
    }
}

/// The acknowledgement of a delete.
struct Deletion: Renderable {
    let deleted: String

    static let fields = ["deleted"]
    static let listFields = fields
    var values: [String] { [self.deleted] }

    func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("deleted", self.deleted)
        json.endObject()
    }
}
