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
        var input = input
        return input.withUTF8(Self.tokenize(bytes:))
    }

    private static func tokenize(bytes: UnsafeBufferPointer<UInt8>) -> Result {
        var words: [String] = []
        var word: [UInt8] = []
        var inWord = false
        var index = 0
        func finishWord() {
            if inWord { words.append(String(decoding: word, as: UTF8.self)) }
            word.removeAll(keepingCapacity: true)
            inWord = false
        }
        while index < bytes.count {
            if !inWord, let end = Self.plainWordEnd(in: bytes, from: index) {
                words.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[index..<end]), as: UTF8.self))
                index = end
                continue
            }
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                finishWord()
            case UInt8(ascii: "#") where !inWord:
                while index < bytes.count, bytes[index] != UInt8(ascii: "\n") { index += 1 }
            case UInt8(ascii: "'"):
                inWord = true
                guard let end = bytes[index...].firstIndex(of: UInt8(ascii: "'")) else { return .incomplete }
                word.append(contentsOf: bytes[index..<end])
                index = end + 1
            case UInt8(ascii: "\""):
                inWord = true
                var closed = false
                while index < bytes.count {
                    let next = bytes[index]
                    index += 1
                    if next == UInt8(ascii: "\"") {
                        closed = true
                        break
                    }
                    guard next == UInt8(ascii: "\\") else {
                        word.append(next)
                        continue
                    }
                    guard index < bytes.count else { return .incomplete }
                    let escaped = bytes[index]
                    index += 1
                    switch escaped {
                    case UInt8(ascii: "n"): word.append(UInt8(ascii: "\n"))
                    case UInt8(ascii: "t"): word.append(UInt8(ascii: "\t"))
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"): word.append(escaped)
                    default: word.append(contentsOf: [UInt8(ascii: "\\"), escaped])
                    }
                }
                guard closed else { return .incomplete }
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { return .incomplete }
                let escaped = bytes[index]
                index += 1
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

    /// Where a word starting at `start` ends, when it is all plain bytes (no quote, escape or comment) up to
    /// whitespace or the end; nil otherwise, and for whitespace at `start`.
    private static func plainWordEnd(in bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                return index > start ? index : nil
            case UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "\\"):
                return nil
            case UInt8(ascii: "#") where index == start:
                return nil
            default:
                index += 1
            }
        }
        return index > start ? index : nil
    }
}
