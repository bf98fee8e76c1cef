/// One value in an audit change: what a field held before or after.
public enum AuditValue: Hashable, Sendable, Decodable, JSONWritable, CustomStringConvertible {
    case null
    case int(Int)
    case string(String)
    case strings([String])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Int.self) {
            self = .int(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else {
            self = .strings(try container.decode([String].self))
        }
    }

    public func write(to json: inout JSONWriter) {
        switch self {
        case .null: json.null()
        case .int(let value): json.int(value)
        case .string(let value): json.string(value)
        case .strings(let value): json.strings(value)
        }
    }

    /// An optional string as a value (`null` when absent).
    public init(_ text: String?) {
        self = text.map(AuditValue.string) ?? .null
    }

    public var description: String {
        switch self {
        case .null: "null"
        case .int(let value): String(value)
        case .string(let value): value
        case .strings(let value): "[" + value.joined(separator: ",") + "]"
        }
    }
}

/// A field's old and new value, encoded as `[old, new]`.
public struct FieldChange: Hashable, Sendable, Decodable, JSONWritable {
    public var old: AuditValue
    public var new: AuditValue

    public init(_ old: AuditValue, _ new: AuditValue) {
        self.old = old
        self.new = new
    }

    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        self.old = try container.decode(AuditValue.self)
        self.new = try container.decode(AuditValue.self)
    }

    public func write(to json: inout JSONWriter) {
        json.beginArray()
        self.old.write(to: &json)
        self.new.write(to: &json)
        json.endArray()
    }
}

extension FieldChange {
    /// Writes `{field: [old, new]}` with the fields in sorted order.
    public static func write(_ changes: [String: FieldChange], to json: inout JSONWriter) {
        json.beginObject()
        for field in changes.keys.sorted() {
            json.key(field)
            changes[field]?.write(to: &json)
        }
        json.endObject()
    }
}

/// What a mutation records before the store gives it an ID.
public struct AuditRecord: Hashable, Sendable, Decodable {
    public var at: Timestamp
    /// The user name, or `anonymous`.
    public var actor: String
    /// What happened, e.g. `ticket.update`.
    public var action: String
    /// What it happened to, e.g. `ticket/3`.
    public var entity: String
    /// `{field: [old, new]}`.
    public var changes: [String: FieldChange]
    public var via: Channel

    public init(
        at: Timestamp, actor: String, action: String, entity: String, changes: [String: FieldChange], via: Channel
    ) {
        self.at = at
        self.actor = actor
        self.action = action
        self.entity = entity
        self.changes = changes
        self.via = via
    }
}

/// One entry of the append-only audit log: a record and the ID the store gave it. The record's fields read as
/// the event's own (`event.actor`), and its JSON form is one flat object.
@dynamicMemberLookup
public struct AuditEvent: Hashable, Sendable, Decodable, JSONWritable {
    public var id: AuditEventID
    public var record: AuditRecord

    public init(id: AuditEventID, record: AuditRecord) {
        self.id = id
        self.record = record
    }

    private enum CodingKeys: String, CodingKey {
        case id
    }

    public init(from decoder: any Decoder) throws {
        self.id = try decoder.container(keyedBy: CodingKeys.self).decode(AuditEventID.self, forKey: .id)
        self.record = try AuditRecord(from: decoder)
    }

    public subscript<Value>(dynamicMember field: WritableKeyPath<AuditRecord, Value>) -> Value {
        get { self.record[keyPath: field] }
        set { self.record[keyPath: field] = newValue }
    }

    public func write(to json: inout JSONWriter) {
        json.beginObject()
        json.field("action", self.action)
        json.field("actor", self.actor)
        json.field("at", self.at)
        json.key("changes")
        FieldChange.write(self.changes, to: &json)
        json.field("entity", self.entity)
        json.field("id", self.id)
        json.field("via", self.via.rawValue)
        json.endObject()
    }
}
