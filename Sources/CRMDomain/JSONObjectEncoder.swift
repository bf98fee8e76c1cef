/// An entity's JSON form from its `Encodable` conformance, so its wire fields are stated once (its stored
/// properties, and its `CodingKeys` where it has them) rather than again in a hand-kept `write(to:)`.
extension JSONWritable where Self: Encodable {
    public func write(to json: inout JSONWriter) {
        let object = JSONObjectEncoder()
        do {
            try self.encode(to: object)
        } catch {
            preconditionFailure("\(Self.self) has no JSON object form: \(error)")
        }
        object.write(to: &json)
    }
}

/// Collects the fields one `Encodable` value gives and writes them as one JSON object in the wire format's
/// shape: keys in sorted order, property names in snake_case (`createdAt` → `created_at`), and a nil field as
/// `null` (Foundation's encoder leaves it out). A value may add fields to an object another value began
/// (`TicketDetail` adds `notes` to its ticket's). Each field's type is `String`, `Int`, `Bool`, `[String]`, an
/// enumeration with string raw values, or `JSONWritable`; anything else is a programming error.
final class JSONObjectEncoder: Encoder {
    private var fields: [(key: String, value: JSONWriter)] = []

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(Fields(object: self))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        preconditionFailure("a JSON object's value encodes keyed fields, not an array")
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        preconditionFailure("a JSON object's value encodes keyed fields, not a single value")
    }

    /// The object, its fields sorted by key.
    func write(to json: inout JSONWriter) {
        json.beginObject()
        for field in self.fields.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            json.key(field.key)
            json.append(field.value)
        }
        json.endObject()
    }

    fileprivate func add(_ key: some CodingKey, _ write: (inout JSONWriter) -> Void) {
        var value = JSONWriter(capacity: 32)
        write(&value)
        self.fields.append((Self.snakeCase(key.stringValue), value))
    }

    /// `createdAt` → `created_at`, `ticketID` → `ticket_id`; a key already in snake_case stays as it is.
    static func snakeCase(_ key: String) -> String {
        let uppercase = UInt8(ascii: "A")...UInt8(ascii: "Z")
        guard key.utf8.contains(where: uppercase.contains) else { return key }
        var result: [UInt8] = []
        var previous = UInt8(ascii: "_")
        for byte in key.utf8 {
            if uppercase.contains(byte) {
                if !uppercase.contains(previous) && previous != UInt8(ascii: "_") { result.append(UInt8(ascii: "_")) }
                result.append(byte - UInt8(ascii: "A") + UInt8(ascii: "a"))
            } else {
                result.append(byte)
            }
            previous = byte
        }
        return String(decoding: result, as: UTF8.self)
    }

    private struct Fields<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let object: JSONObjectEncoder

        var codingPath: [any CodingKey] { [] }

        mutating func encodeNil(forKey key: Key) {
            self.object.add(key) { $0.null() }
        }

        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) {
            self.object.add(key) { json in
                switch value {
                case let value as any JSONWritable: value.write(to: &json)
                case let value as String: json.string(value)
                case let value as Int: json.int(value)
                case let value as Bool: json.bool(value)
                case let value as [String]: json.strings(value)
                case let value as any RawRepresentable<String>: json.string(value.rawValue)
                default: preconditionFailure("\(T.self) has no JSON form (make it JSONWritable)")
                }
            }
        }

        mutating func encodeIfPresent(_ value: String?, forKey key: Key) {
            self.encodeOrNull(value, forKey: key)
        }

        mutating func encodeIfPresent(_ value: Int?, forKey key: Key) {
            self.encodeOrNull(value, forKey: key)
        }

        mutating func encodeIfPresent(_ value: Bool?, forKey key: Key) {
            self.encodeOrNull(value, forKey: key)
        }

        mutating func encodeIfPresent<T: Encodable>(_ value: T?, forKey key: Key) {
            self.encodeOrNull(value, forKey: key)
        }

        private mutating func encodeOrNull<T: Encodable>(_ value: T?, forKey key: Key) {
            if let value { self.encode(value, forKey: key) } else { self.encodeNil(forKey: key) }
        }

        mutating func nestedContainer<NestedKey: CodingKey>(
            keyedBy keyType: NestedKey.Type, forKey key: Key
        ) -> KeyedEncodingContainer<NestedKey> {
            preconditionFailure("a nested object is a JSONWritable field")
        }

        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            preconditionFailure("an array is a JSONWritable field")
        }

        mutating func superEncoder() -> any Encoder {
            self.object
        }

        mutating func superEncoder(forKey key: Key) -> any Encoder {
            preconditionFailure("a nested object is a JSONWritable field")
        }
    }
}
