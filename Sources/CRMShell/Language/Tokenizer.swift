/// Splits shell input into words per DESIGN §5.2: whitespace separates; `'…'` is literal; `"…"` knows
/// `\"`, `\\`, `\n`, `\t`; `\` escapes outside quotes; `#` at the start of a word comments out the rest of the line.
public enum Tokenizer {
    /// What a piece of input tokenized to.
    public enum Result: Equatable, Sendable {
        /// The complete words (empty for a blank or comment line).
        case words([String])
        /// A quote or a trailing backslash is still open: the input continues on the next line.
        case incomplete
    }

    /// Tokenizes `input`, which may span several lines joined by `\n`.
    public static func tokenize(_ input: String) -> Result {
        var words: [String] = []
        var word: [UInt8] = []
        var inWord = false
        var bytes = Array(input.utf8)[...]
        func finishWord() {
            if inWord { words.append(String(decoding: word, as: UTF8.self)) }
            word.removeAll(keepingCapacity: true)
            inWord = false
        }
        while let byte = bytes.popFirst() {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                finishWord()
            case UInt8(ascii: "#") where !inWord:
                while let next = bytes.first, next != UInt8(ascii: "\n") { bytes.removeFirst() }
            case UInt8(ascii: "'"):
                inWord = true
                guard let end = bytes.firstIndex(of: UInt8(ascii: "'")) else { return .incomplete }
                word.append(contentsOf: bytes[..<end])
                bytes = bytes[(end + 1)...]
            case UInt8(ascii: "\""):
                inWord = true
                var closed = false
                while let next = bytes.popFirst() {
                    if next == UInt8(ascii: "\"") {
                        closed = true
                        break
                    }
                    guard next == UInt8(ascii: "\\") else {
                        word.append(next)
                        continue
                    }
                    guard let escaped = bytes.popFirst() else { return .incomplete }
                    switch escaped {
                    case UInt8(ascii: "n"): word.append(UInt8(ascii: "\n"))
                    case UInt8(ascii: "t"): word.append(UInt8(ascii: "\t"))
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"): word.append(escaped)
                    default: word.append(contentsOf: [UInt8(ascii: "\\"), escaped])
                    }
                }
                guard closed else { return .incomplete }
            case UInt8(ascii: "\\"):
                guard let escaped = bytes.popFirst() else { return .incomplete }
                if escaped != UInt8(ascii: "\n") {
                    inWord = true
                    word.append(escaped)
                }
            default:
                inWord = true
                word.append(byte)
            }
        }
        finishWord()
        return .words(words)
    }
}
