/// A JSON value read by `StrictJSON`: numbers keep their text, so no client number is rounded or overflowed
/// before a field decides what it may be.
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number exactly as written (RFC 8259 grammar).
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Duplicate keys: the last one wins, as in the original service.
    case object([String: JSONValue])
}

/// Why a body is not JSON, with the byte offset where reading stopped.
struct JSONSyntaxError: Error, Equatable {
    let offset: Int
    let reason: String

    var description: String { "\(self.reason) at byte \(self.offset)" }
}

/// An RFC 8259 parser with nothing lax about it: no trailing commas, comments, single quotes, NaN, Infinity,
/// bare words, leading zeros, control characters in strings, lone surrogates or invalid UTF-8; nesting is
/// bounded so a deep body cannot exhaust the stack.
struct StrictJSON {
    /// The deepest nesting of arrays and objects accepted.
    static let maximumDepth = 64

    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0

    /// Parses one JSON text (a value with optional surrounding whitespace).
    static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONValue {
        var parser = StrictJSON(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.value()
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("unexpected text after the JSON value") }
        return value
    }

    private init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    private func error(_ reason: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: self.index, reason: reason)
    }

    private var current: UInt8? { self.index < self.bytes.count ? self.bytes[self.index] : nil }

    private mutating func skipWhitespace() {
        while let byte = self.current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
            self.index += 1
        }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(JSONSyntaxError) {
        guard self.current == byte else { throw self.error("expected \(what)") }
        self.index += 1
    }

    private mutating func value() throws(JSONSyntaxError) -> JSONValue {
        guard let byte = self.current else { throw self.error("unexpected end of the body") }
        switch byte {
        case UInt8(ascii: "{"): return try self.object()
        case UInt8(ascii: "["): return try self.array()
        case UInt8(ascii: "\""): return .string(try self.string())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try self.number())
        case UInt8(ascii: "t"): try self.literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try self.literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try self.literal("null"); return .null
        default: throw self.error("unexpected character")
        }
    }

    private mutating func literal(_ word: String) throws(JSONSyntaxError) {
        for byte in word.utf8 {
            guard self.current == byte else { throw self.error("unexpected character") }
            self.index += 1
        }
    }

    private mutating func nest() throws(JSONSyntaxError) {
        self.depth += 1
        guard self.depth <= Self.maximumDepth else { throw self.error("nested deeper than \(Self.maximumDepth) levels") }
    }

    private mutating func object() throws(JSONSyntaxError) -> JSONValue {
        var members: [String: JSONValue] = [:]
        try self.items(closedBy: UInt8(ascii: "}")) { parser throws(JSONSyntaxError) in
            guard parser.current == UInt8(ascii: "\"") else { throw parser.error("expected a string key") }
            let key = try parser.string()
            parser.skipWhitespace()
            try parser.expect(UInt8(ascii: ":"), "':'")
            parser.skipWhitespace()
            members[key] = try parser.value()
        }
        return .object(members)
    }

    private mutating func array() throws(JSONSyntaxError) -> JSONValue {
        var elements: [JSONValue] = []
        try self.items(closedBy: UInt8(ascii: "]")) { parser throws(JSONSyntaxError) in
            elements.append(try parser.value())
        }
        return .array(elements)
    }

    /// Reads an object's members or an array's elements, from the opening bracket to `close`: none, or one or
    /// more separated by commas, each read by `readOne` (called at the item's first non-blank byte).
    private mutating func items(
        closedBy close: UInt8, _ readOne: (inout StrictJSON) throws(JSONSyntaxError) -> Void
    ) throws(JSONSyntaxError) {
        try self.nest()
        self.index += 1
        self.skipWhitespace()
        if self.current == close {
            self.index += 1
            self.depth -= 1
            return
        }
        while true {
            self.skipWhitespace()
            try readOne(&self)
            self.skipWhitespace()
            if self.current == UInt8(ascii: ",") {
                self.index += 1
                continue
            }
            try self.expect(close, "',' or '\(Character(Unicode.Scalar(close)))'")
            self.depth -= 1
            return
        }
    }

    private mutating func number() throws(JSONSyntaxError) -> String {
        let start = self.index
        func digits(_ parser: inout StrictJSON) -> Int {
            var count = 0
            while let byte = parser.current, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) {
                parser.index += 1
                count += 1
            }
            return count
        }
        if self.current == UInt8(ascii: "-") { self.index += 1 }
        if self.current == UInt8(ascii: "0") {
            self.index += 1
        } else {
            guard digits(&self) > 0 else { throw self.error("expected a digit") }
        }
        if self.current == UInt8(ascii: ".") {
            self.index += 1
            guard digits(&self) > 0 else { throw self.error("expected a digit after '.'") }
        }
        if self.current == UInt8(ascii: "e") || self.current == UInt8(ascii: "E") {
            self.index += 1
            if self.current == UInt8(ascii: "+") || self.current == UInt8(ascii: "-") { self.index += 1 }
            guard digits(&self) > 0 else { throw self.error("expected a digit in the exponent") }
        }
        return String(decoding: self.bytes[start..<self.index], as: UTF8.self)
    }

    private mutating func string() throws(JSONSyntaxError) -> String {
        let start = self.index
        self.index += 1
        var buffer: [UInt8] = []
        while true {
            guard let byte = self.current else { throw self.error("unterminated string") }
            switch byte {
            case UInt8(ascii: "\""):
                self.index += 1
                guard let text = String(validating: buffer, as: UTF8.self) else {
                    throw JSONSyntaxError(offset: start, reason: "string is not valid UTF-8")
                }
                return text
            case UInt8(ascii: "\\"):
                self.index += 1
                try self.escape(into: &buffer)
            case 0x00..<0x20:
                throw self.error("control character in a string (escape it)")
            default:
                buffer.append(byte)
                self.index += 1
            }
        }
    }

    private mutating func escape(into buffer: inout [UInt8]) throws(JSONSyntaxError) {
        guard let byte = self.current else { throw self.error("unterminated string") }
        self.index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): buffer.append(byte)
        case UInt8(ascii: "b"): buffer.append(0x08)
        case UInt8(ascii: "f"): buffer.append(0x0C)
        case UInt8(ascii: "n"): buffer.append(0x0A)
        case UInt8(ascii: "r"): buffer.append(0x0D)
        case UInt8(ascii: "t"): buffer.append(0x09)
        case UInt8(ascii: "u"):
            var code = try self.hex4()
            if (0xD800..<0xDC00).contains(code) {
                guard self.current == UInt8(ascii: "\\") else { throw self.error("lone surrogate \\u escape") }
                self.index += 1
                guard self.current == UInt8(ascii: "u") else { throw self.error("lone surrogate \\u escape") }
                self.index += 1
                let low = try self.hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw self.error("lone surrogate \\u escape") }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00..<0xE000).contains(code) {
                throw self.error("lone surrogate \\u escape")
            }
            guard let scalar = Unicode.Scalar(code) else { throw self.error("invalid \\u escape") }
            UTF8.encode(scalar) { buffer.append($0) }
        default:
            throw self.error("invalid escape")
        }
    }

    private mutating func hex4() throws(JSONSyntaxError) -> UInt32 {
        var code: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = self.current, let digit = Self.hexValue(byte) else {
                throw self.error("expected four hex digits after \\u")
            }
            code = code << 4 | digit
            self.index += 1
        }
        return code
    }

    private static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
