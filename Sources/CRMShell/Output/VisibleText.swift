/// Text made safe to print on a terminal (DESIGN §3.6 "output defends too"): every control character — C0
/// (newline and tab included), DEL and C1 — shows as `\x` and two hex digits (`\x1b`), and every bidirectional
/// override or isolate (U+202A–U+202E, U+2066–U+2069) as `\u{` hex `}` (`\u{202e}`), so stored text can neither
/// drive the terminal nor reorder what is shown. Everything else, backslashes included, is shown as stored;
/// `--format json` is the lossless form.
enum VisibleText {
    /// `text` with every control character and bidi control escaped (the `table` format).
    static func escaped(_ text: String) -> String {
        self.escaped(text, keeping: [])
    }

    /// `text` escaped as for `table`, except line breaks and tabs, which CSV and TSV quote instead (RFC 4180).
    static func escapedKeepingLineBreaks(_ text: String) -> String {
        self.escaped(text, keeping: ["\n", "\r", "\t"])
    }

    private static func escaped(_ text: String, keeping kept: Set<Unicode.Scalar>) -> String {
        guard text.unicodeScalars.contains(where: { self.needsEscape($0) && !kept.contains($0) }) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            guard self.needsEscape(scalar), !kept.contains(scalar) else {
                result.append(scalar)
                continue
            }
            let hex = String(scalar.value, radix: 16)
            let escape = scalar.value <= 0xFF ? "\\x" + (hex.count == 1 ? "0" + hex : hex) : "\\u{" + hex + "}"
            result.append(contentsOf: escape.unicodeScalars)
        }
        return String(result)
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: true
        default: false
        }
    }
}
