/// A sequential, never-reused ID typed by the entity it names, so a ticket ID can't be passed as a customer ID.
public struct Identifier<Entity>: Hashable, Comparable, Sendable, Decodable, JSONWritable, CustomStringConvertible {
    /// The integer on the wire and in the shell (1, 2, 3, ...).
    public let rawValue: Int

    /// Wraps a raw integer ID.
    public init(_ rawValue: Int) {
        self.rawValue = rawValue
    }

    /// Reads a caller's number as an ID: IDs are positive (DESIGN §3.6), so zero or a negative number is nil.
    /// The one place that rule lives; each adapter maps nil to its own answer (a usage error, a 404).
    public init?(validating rawValue: Int) {
        guard rawValue > 0 else { return nil }
        self.init(rawValue)
    }

    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(Int.self)
    }

    public func write(to json: inout JSONWriter) {
        json.int(self.rawValue)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { String(self.rawValue) }
}

public typealias CustomerID = Identifier<Customer>
public typealias TicketID = Identifier<Ticket>
public typealias NoteID = Identifier<Note>
public typealias AuditEventID = Identifier<AuditEvent>
