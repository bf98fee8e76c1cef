/// The clear text of a personal token, `crm_<id>_<secret>`, where the secret is 32 bytes from the system's
/// CSPRNG in base64url. It exists only between `token create` and the one place that shows it; its
/// `description` masks the secret, so a stray interpolation into a log or an error cannot leak it.
public struct TokenSecret: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public let id: TokenID
    private let secret: String

    /// The prefix every personal token starts with.
    public static let prefix = "crm_"
    /// How many random bytes a secret holds.
    public static let secretByteCount = 32

    /// Binds a random secret (from `randomSecret()`) to the ID its token got.
    public init(id: TokenID, secret: String) {
        self.id = id
        self.secret = secret
    }

    /// 32 bytes from `SystemRandomNumberGenerator` (the system's CSPRNG), base64url without padding.
    public static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Self.secretByteCount)
        // Eight bytes per call: one system call each, not one per byte.
        while bytes.count < Self.secretByteCount {
            withUnsafeBytes(of: generator.next() as UInt64) { bytes += $0 }
        }
        return Base64URL.encode(Array(bytes.prefix(Self.secretByteCount)))
    }

    /// The whole token, to be shown once to whoever created it.
    public var text: String {
        "\(Self.prefix)\(self.id.rawValue)_\(self.secret)"
    }

    /// The digest crm stores: SHA-256 of the whole token text.
    public var hash: TokenHash {
        TokenHash(token: self.text)
    }

    public var description: String { "\(Self.prefix)\(self.id.rawValue)_****" }
    public var debugDescription: String { self.description }

    /// The ID a presented token names when it has the personal form `crm_<id>_<secret>`; nil for anything
    /// else (a seeded token such as `agent123`, or a malformed one).
    public static func id(in token: String) -> TokenID? {
        var rest = Substring(token)
        guard rest.hasPrefix(Self.prefix) else { return nil }
        rest = rest.dropFirst(Self.prefix.count)
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        rest = rest.dropFirst(digits.count)
        guard !digits.isEmpty, digits.count <= 18, digits.first != "0", rest.first == "_", rest.count > 1,
            let id = Int(digits)
        else { return nil }
        return TokenID(id)
    }

    /// Whether `text` holds something of a personal token's form (`crm_` and digits and `_`) anywhere, so a
    /// line carrying one is kept out of history and echo.
    public static func mayAppear(in text: String) -> Bool {
        Self.secretRanges(in: text).first != nil
    }

    /// `text` with the secret of everything of a personal token's form masked (`crm_5_****`), for echo and errors.
    public static func redacted(in text: String) -> String {
        let ranges = Self.secretRanges(in: text)
        guard !ranges.isEmpty else { return text }
        var result = ""
        var position = text.startIndex
        for range in ranges {
            result += text[position..<range.lowerBound] + "****"
            position = range.upperBound
        }
        return result + text[position...]
    }

    /// The ranges of the secrets (what follows `crm_<digits>_`, up to the first character no secret holds).
    private static func secretRanges(in text: String) -> [Range<String.Index>] {
        var ranges: [Range<String.Index>] = []
        var search = text[...]
        while let range = search.range(of: Self.prefix) {
            let after = search[range.upperBound...]
            let digits = after.prefix { $0.isASCII && $0.isNumber }
            let rest = after.dropFirst(digits.count)
            guard !digits.isEmpty, rest.first == "_" else {
                search = after
                continue
            }
            let secret = rest.dropFirst().prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
            ranges.append(secret.startIndex..<secret.endIndex)
            search = text[secret.endIndex...]
        }
        return ranges
    }
}

/// RFC 4648 §5 base64url, without padding.
enum Base64URL {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [UInt8] = []
        output.reserveCapacity((bytes.count * 4 + 2) / 3)
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value = UInt32(0)
            for (offset, byte) in chunk.enumerated() { value |= UInt32(byte) << (16 - 8 * offset) }
            for position in 0...chunk.count {
                output.append(Self.alphabet[Int((value >> (18 - 6 * position)) & 0x3F)])
            }
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}
