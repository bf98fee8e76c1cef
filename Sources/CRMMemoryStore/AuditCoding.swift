import CRMDomain
/// The byte form of an audit record in the `AuditLog` arena: the time (8 bytes), the channel (1), the actor,
/// action and entity as length-prefixed UTF-8, then the changes as a count and, per field, its name and the old
/// and new values, each a tag byte and its payload. Integers are 8 bytes little-endian; lengths and counts are LEB128.
///
/// The reader trusts the arena: it reads only what `encode` wrote, so an unknown channel byte or value tag is a
/// bug and traps (`preconditionFailure`), and reads past the chunk trap on the buffer's bounds check in debug
/// builds. Strings are stored as their UTF-8 bytes, so decoding gives back exactly the text that was encoded.
enum AuditCoding {
    private enum Tag: UInt8 {
        case null, int, string, strings
    }

    /// The channel's byte; `Reader.channel()` reads it back.
    private static func byte(for channel: Channel) -> UInt8 {
        switch channel {
        case .shell: 0
        case .http: 1
        }
    }

    static func encode(_ record: AuditRecord, into bytes: inout [UInt8]) {
        Self.integer(UInt64(bitPattern: record.at.secondsSince1970), into: &bytes)
        bytes.append(Self.byte(for: record.via))
        Self.string(record.actor, into: &bytes)
        Self.string(record.action, into: &bytes)
        Self.string(record.entity, into: &bytes)
        Self.length(record.changes.count, into: &bytes)
        for (field, change) in record.changes {
            Self.string(field, into: &bytes)
            Self.value(change.old, into: &bytes)
            Self.value(change.new, into: &bytes)
        }
    }

    private static func value(_ value: AuditValue, into bytes: inout [UInt8]) {
        switch value {
        case .null:
            bytes.append(Tag.null.rawValue)
        case .int(let number):
            bytes.append(Tag.int.rawValue)
            Self.integer(UInt64(bitPattern: Int64(number)), into: &bytes)
        case .string(let text):
            bytes.append(Tag.string.rawValue)
            Self.string(text, into: &bytes)
        case .strings(let texts):
            bytes.append(Tag.strings.rawValue)
            Self.length(texts.count, into: &bytes)
            for text in texts { Self.string(text, into: &bytes) }
        }
    }

    private static func integer(_ value: UInt64, into bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// A LEB128 length.
    private static func length(_ value: Int, into bytes: inout [UInt8]) {
        var rest = UInt(value)
        while rest >= 0x80 {
            bytes.append(UInt8(rest & 0x7F) | 0x80)
            rest >>= 7
        }
        bytes.append(UInt8(rest))
    }

    private static func string(_ text: String, into bytes: inout [UInt8]) {
        Self.length(text.utf8.count, into: &bytes)
        bytes.append(contentsOf: text.utf8)
    }

    /// Reads one record back from where `encode` wrote it.
    struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var position: Int

        mutating func record() -> AuditRecord {
            let at = Timestamp(secondsSince1970: Int64(bitPattern: self.integer()))
            let via = self.channel()
            let actor = self.string()
            let action = self.string()
            let entity = self.string()
            var changes: [String: FieldChange] = [:]
            for _ in 0..<self.length() {
                let field = self.string()
                let old = self.value()
                changes[field] = FieldChange(old, self.value())
            }
            return AuditRecord(at: at, actor: actor, action: action, entity: entity, changes: changes, via: via)
        }

        /// The inverse of `AuditCoding.byte(for:)`.
        private mutating func channel() -> Channel {
            let byte = self.byte()
            switch byte {
            case 0: return .shell
            case 1: return .http
            default: preconditionFailure("audit arena corrupt: channel byte \(byte)")
            }
        }

        private mutating func value() -> AuditValue {
            let byte = self.byte()
            switch Tag(rawValue: byte) {
            case .null: return .null
            case .int: return .int(Int(Int64(bitPattern: self.integer())))
            case .string: return .string(self.string())
            case .strings: return .strings((0..<self.length()).map { _ in self.string() })
            case nil: preconditionFailure("audit arena corrupt: value tag \(byte)")
            }
        }

        private mutating func byte() -> UInt8 {
            defer { self.position += 1 }
            return self.bytes[self.position]
        }

        private mutating func integer() -> UInt64 {
            var value: UInt64 = 0
            for shift in stride(from: 0, to: 64, by: 8) { value |= UInt64(self.byte()) << UInt64(shift) }
            return value
        }

        private mutating func length() -> Int {
            var value = 0
            var shift = 0
            while true {
                let byte = self.byte()
                value |= Int(byte & 0x7F) << shift
                guard byte & 0x80 != 0 else { return value }
                shift += 7
            }
        }

        private mutating func string() -> String {
            let count = self.length()
            defer { self.position += count }
            return String(decoding: UnsafeBufferPointer(rebasing: self.bytes[self.position..<self.position + count]), as: UTF8.self)
        }
    }
}
