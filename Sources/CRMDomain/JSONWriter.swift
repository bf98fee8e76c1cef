/// Something with a JSON form of its own: the wire format the HTTP API, the shell's `--format json` and the
/// SQLite audit column share.
public protocol JSONWritable {
    /// Writes this value as one JSON value.
    func write(to json: inout JSONWriter)
}

/// Writes compact JSON text by hand, with no reflection and one growing buffer: object keys are written in the
/// order given (callers give them sorted, the wire format's order), `/` is not escaped, and strings are escaped
/// exactly as Foundation's `JSONEncoder` does, so the bytes match what it would write with
/// `[.sortedKeys, .withoutEscapingSlashes]`.
public struct JSONWriter: Sendable {
    /// The JSON text written so far, as UTF-8.
    public private(set) var bytes: [UInt8] = []
    /// Whether the next key or array element needs a comma before it.
    private var needsComma = false

    /// An empty writer with room for `capacity` bytes before it grows.
    public init(capacity: Int = 256) {
        self.bytes.reserveCapacity(capacity)
    }

    /// The JSON text of one value.
    public static func text(of value: some JSONWritable) -> String {
        var json = JSONWriter()
        value.write(to: &json)
        return json.text
    }

    /// The JSON text written so far.
    public var text: String { String(decoding: self.bytes, as: UTF8.self) }

    /// Appends a newline (between JSON Lines records); not itself JSON.
    public mutating func newline() {
        self.bytes.append(UInt8(ascii: "\n"))
        self.needsComma = false
    }

    /// Opens an object; follow with `key` and value pairs, then `endObject`.
    public mutating func beginObject() {
        self.open(UInt8(ascii: "{"))
    }

    /// Closes the innermost object.
    public mutating func endObject() {
        self.close(UInt8(ascii: "}"))
    }

    /// Opens an array; follow with its elements, then `endArray`.
    public mutating func beginArray() {
        self.open(UInt8(ascii: "["))
    }

    /// Closes the innermost array.
    public mutating func endArray() {
        self.close(UInt8(ascii: "]"))
    }

    /// Opens an object or array: its first member needs no comma.
    private mutating func open(_ bracket: UInt8) {
        self.separate()
        self.bytes.append(bracket)
        self.needsComma = false
    }

    /// Closes an object or array, which is then a finished value: what follows it needs a comma.
    private mutating func close(_ bracket: UInt8) {
        self.bytes.append(bracket)
        self.needsComma = true
    }

    /// Writes `"name":`; the next call writes its value.
    public mutating func key(_ name: String) {
        self.string(name)
        self.bytes.append(UInt8(ascii: ":"))
        self.needsComma = false
    }

    /// Writes `null`.
    public mutating func null() {
        self.separate()
        self.bytes.append(contentsOf: [UInt8(ascii: "n"), UInt8(ascii: "u"), UInt8(ascii: "l"), UInt8(ascii: "l")])
        self.needsComma = true
    }

    /// Writes an integer in decimal.
    /// Writes `true` or `false`.
    public mutating func bool(_ value: Bool) {
        self.separate()
        self.bytes.append(contentsOf: Array((value ? "true" : "false").utf8))
        self.needsComma = true
    }

    public mutating func int(_ value: Int) {
        self.separate()
        guard value != 0 else {
            self.bytes.append(UInt8(ascii: "0"))
            self.needsComma = true
            return
        }
        if value < 0 { self.bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        let start = self.bytes.count
        while magnitude > 0 {
            self.bytes.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        }
        self.bytes[start...].reverse()
        self.needsComma = true
    }

    /// Writes a string, quoted and escaped.
    public mutating func string(_ value: String) {
        self.separate()
        self.bytes.append(UInt8(ascii: "\""))
        var value = value
        value.withUTF8 { utf8 in
            var clean = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                self.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[clean..<index]))
                self.escape(byte)
                clean = index + 1
            }
            self.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[clean...]))
        }
        self.bytes.append(UInt8(ascii: "\""))
        self.needsComma = true
    }

    /// A string, or `null` for nil.
    public mutating func string(_ value: String?) {
        if let value { self.string(value) } else { self.null() }
    }

    /// An array of strings.
    public mutating func strings(_ values: [String]) {
        self.beginArray()
        for value in values { self.string(value) }
        self.endArray()
    }

    /// Any writable value.
    public mutating func value(_ value: some JSONWritable) {
        value.write(to: &self)
    }

    /// Writes `"name":` and a string.
    public mutating func field(_ name: String, _ value: String) {
        self.key(name)
        self.string(value)
    }

    /// Writes `"name":` and a string, or `null` for nil.
    public mutating func field(_ name: String, _ value: String?) {
        self.key(name)
        self.string(value)
    }

    /// Writes `"name":` and an integer.
    public mutating func field(_ name: String, _ value: Int) {
        self.key(name)
        self.int(value)
    }

    /// Writes `"name":` and `true` or `false`.
    public mutating func field(_ name: String, _ value: Bool) {
        self.key(name)
        self.bool(value)
    }

    /// Writes `"name":` and an array of strings.
    public mutating func field(_ name: String, _ values: [String]) {
        self.key(name)
        self.strings(values)
    }

    /// Writes `"name":` and any writable value.
    public mutating func field(_ name: String, _ value: some JSONWritable) {
        self.key(name)
        self.value(value)
    }

    /// Writes `"name":` and any writable value, or `null` for nil.
    public mutating func field(_ name: String, _ value: (some JSONWritable)?) {
        self.key(name)
        if let value { self.value(value) } else { self.null() }
    }

    private mutating func separate() {
        if self.needsComma { self.bytes.append(UInt8(ascii: ",")) }
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "a") + value - 10
    }

    private mutating func escape(_ byte: UInt8) {
        self.bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"): self.bytes.append(byte)
        case 0x08: self.bytes.append(UInt8(ascii: "b"))
        case 0x0C: self.bytes.append(UInt8(ascii: "f"))
        case UInt8(ascii: "\n"): self.bytes.append(UInt8(ascii: "n"))
        case UInt8(ascii: "\r"): self.bytes.append(UInt8(ascii: "r"))
        case UInt8(ascii: "\t"): self.bytes.append(UInt8(ascii: "t"))
        default:
            self.bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
            self.bytes.append(Self.hexDigit(byte >> 4))
            self.bytes.append(Self.hexDigit(byte & 0x0F))
        }
    }
}

extension Array: JSONWritable where Element: JSONWritable {
    public func write(to json: inout JSONWriter) {
        json.beginArray()
        for element in self { element.write(to: &json) }
        json.endArray()
    }
}
