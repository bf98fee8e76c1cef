/// The input rules of DESIGN §3.6, in one place: what text a field may hold, whatever channel it came from.
/// Every refusal names the field and says why, showing an offending character by its code point (`U+001B`),
/// never raw.
public enum InputRules {
    /// At most this many UTF-8 bytes per allowed character: a 200-character field holds at most 800 bytes.
    public static let bytesPerCharacter = 4

    /// A one-line field (subject, name, company, email, label, tag, assignee): trimmed of surrounding
    /// whitespace; no control character, line break, bidirectional override or isolate; not blank nor made only
    /// of invisible characters; at most `maximum` characters and `4 × maximum` bytes.
    public static func oneLine(_ text: String, field: String, maximum: Int) throws(CRMError) -> String {
        try Self.checkPaddedSize(text, field: field, maximum: maximum)
        for scalar in text.unicodeScalars {
            if let problem = Self.oneLineProblem(scalar) { throw Self.refusal(field, problem, scalar) }
        }
        return try Self.visible(text.trimmingWhitespace, field: field, maximum: maximum)
    }

    /// A multi-line field (description, note text): line feeds and tabs allowed, no other control character
    /// (a carriage return included: lines end with `\n`); at most `maximum` characters and `4 × maximum` bytes.
    /// With `required`, it must hold something visible; it is then trimmed of surrounding whitespace.
    public static func multiLine(
        _ text: String, field: String, maximum: Int, required: Bool
    ) throws(CRMError) -> String {
        try Self.checkPaddedSize(text, field: field, maximum: maximum)
        for scalar in text.unicodeScalars {
            if let problem = Self.multiLineProblem(scalar) { throw Self.refusal(field, problem, scalar) }
        }
        guard required else {
            try Self.checkSize(text, field: field, maximum: maximum)
            return text
        }
        return try Self.visible(text.trimmingWhitespace, field: field, maximum: maximum)
    }

    /// A trimmed text that must show something and fit the limits.
    private static func visible(_ trimmed: String, field: String, maximum: Int) throws(CRMError) -> String {
        guard !trimmed.isEmpty else { throw .validation(field: field, reason: "must not be empty") }
        guard trimmed.unicodeScalars.contains(where: { !Self.isInvisible($0) }) else {
            throw .validation(field: field, reason: "must not be made only of invisible characters")
        }
        try Self.checkSize(trimmed, field: field, maximum: maximum)
        return trimmed
    }

    /// Why a character may not appear in a one-line field, or nil when it may.
    static func oneLineProblem(_ scalar: Unicode.Scalar) -> String? {
        switch scalar.value {
        case 0x00: "contains a NUL character"
        case 0x0A, 0x0D, 0x0B, 0x0C, 0x85, 0x2028, 0x2029: "contains a line break"
        case 0x01...0x1F, 0x7F...0x9F: "contains a control character"
        case 0x202A...0x202E, 0x2066...0x2069: "contains a bidirectional override or isolate"
        default: nil
        }
    }

    /// Why a character may not appear in a multi-line field, or nil when it may.
    static func multiLineProblem(_ scalar: Unicode.Scalar) -> String? {
        switch scalar.value {
        case 0x00: "contains a NUL character"
        case 0x0A, 0x09: nil
        case 0x0D: "contains a carriage return (lines must end with \\n alone)"
        case 0x01...0x1F, 0x7F...0x9F: "contains a control character"
        default: nil
        }
    }

    /// Whether a character shows nothing by itself: whitespace, a default-ignorable code point (ZWSP, ZWJ,
    /// U+FEFF, Hangul fillers...), a format character, a combining mark, or the blank Braille pattern.
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        if properties.isWhitespace || properties.isDefaultIgnorableCodePoint || scalar.value == 0x2800 { return true }
        switch properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .spacingMark, .format, .control, .lineSeparator, .paragraphSeparator,
            .spaceSeparator:
            return true
        default:
            return false
        }
    }

    /// The size limits, bytes first so a huge text is refused without counting its characters.
    private static func checkSize(_ text: String, field: String, maximum: Int) throws(CRMError) {
        let bytes = text.utf8.count
        guard bytes <= maximum * Self.bytesPerCharacter else { throw Self.tooLarge(field, maximum, bytes: bytes) }
        let characters = text.count
        guard characters <= maximum else {
            throw .validation(field: field, reason: "must be at most \(maximum) characters (got \(characters))")
        }
    }

    /// Refuses a text too large even before trimming (twice the byte limit), so that a huge input costs one
    /// look at its length, never a walk over its characters.
    private static func checkPaddedSize(_ text: String, field: String, maximum: Int) throws(CRMError) {
        let bytes = text.utf8.count
        guard bytes <= 2 * maximum * Self.bytesPerCharacter else { throw Self.tooLarge(field, maximum, bytes: bytes) }
    }

    private static func tooLarge(_ field: String, _ maximum: Int, bytes: Int) -> CRMError {
        .validation(
            field: field,
            reason: "must be at most \(maximum) characters and \(maximum * Self.bytesPerCharacter) bytes (got \(bytes) bytes)")
    }

    private static func refusal(_ field: String, _ problem: String, _ scalar: Unicode.Scalar) -> CRMError {
        .validation(field: field, reason: "\(problem) (\(Self.codePoint(scalar)))")
    }

    /// A text as an error message may quote it: every character a one-line field refuses (control characters,
    /// line breaks, bidirectional overrides) shown as its code point (`<U+001B>`), so no message can drive the
    /// terminal it is printed on.
    public static func shown(_ text: String) -> String {
        var shown = ""
        for scalar in text.unicodeScalars {
            if Self.oneLineProblem(scalar) != nil {
                shown += "<" + Self.codePoint(scalar) + ">"
            } else {
                shown.unicodeScalars.append(scalar)
            }
        }
        return shown
    }

    /// `U+001B`: a character named by its code point, safe to print anywhere.
    public static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
