/// One word of a command line, and how it was written.
public struct Word: Sendable, Equatable {
    /// How a word was written, which decides whether it can be a flag.
    public enum Kind: Sendable, Equatable {
        /// Bare text: may be a flag (`--status`) or `--`.
        case plain
        /// Some of it was quoted or escaped: always a value, never a flag.
        case quoted
        /// A bare `--flag=` whose value was quoted or escaped (`--subject="two words"`): a flag like `--flag value`.
        case flagWithQuotedValue
        /// A rest-of-line TEXT argument, as typed (or the one quoted word it was): always that argument's value.
        case restOfLine
    }

    public var text: String
    public var kind: Kind

    public init(_ text: String, _ kind: Kind = .plain) {
        self.text = text
        self.kind = kind
    }

    /// Whether this word may be read as a flag or as the `--` that ends the flags.
    public var mayBeFlag: Bool { self.kind == .plain || self.kind == .flagWithQuotedValue }
}

/// Splits shell input into words per DESIGN §5.2: whitespace separates; `'…'` is literal; `"…"` knows
/// `\"`, `\\`, `\n`, `\t`; `\` escapes outside quotes; `#` at the start of a word comments out the rest of the line;
/// a rest-of-line TEXT argument (`note add ID TEXT…`) is the rest of the line as typed.
///
/// A value of this type is fed a script's lines one at a time and keeps its place, so a quote left open over many
/// lines is scanned once: tokenizing is linear in the input however the quotes fall.
public struct Tokenizer {
    /// What a piece of input tokenized to.
    public enum Result: Equatable, Sendable {
        /// The complete words (empty for a blank or comment line).
        case words([String])
        /// A quote or a trailing backslash is still open: the input continues on the next line.
        case incomplete
    }

    /// What a piece of input scanned to, keeping how each word was written.
    public enum Scan: Equatable, Sendable {
        /// A complete command line (no words for a blank or comment line).
        case complete([Word])
        /// A quote or a trailing backslash is still open: the input continues on the next line.
        case incomplete
    }

    /// Where a rest-of-line TEXT argument stands after the words so far.
    public enum TextStart: Sendable, Equatable {
        /// The next word is not the start of a TEXT argument.
        case no
        /// No word after these starts a TEXT argument (the command takes none, or the words so far already break
        /// its usage): the tokenizer stops asking for the rest of the command, which keeps it linear.
        case never
        /// The next word starts the TEXT argument; `flagsAllowed` when a bare `--word` there is still a flag.
        case next(flagsAllowed: Bool)
    }

    private enum State {
        case between, bare, single, double, doubleEscape, escape
    }

    private let textStart: ([Word]) -> TextStart
    private var bytes: [UInt8] = []
    private var index = 0
    private var state = State.between
    private var words: [Word] = []
    private var word: [UInt8] = []
    private var wordIsQuoted = false
    /// Whether the word's quoting began after a bare `--flag=`.
    private var wordQuotesFlagValue = false
    /// Where the TEXT argument began, when it began with a quoted word still being scanned.
    private var quotedTextStart: Int?
    /// Set once `textStart` answered `.never` for the current command.
    private var textCannotStart = false

    /// A tokenizer that asks `textStart`, before each word, whether a rest-of-line TEXT argument begins there.
    public init(textStart: @escaping ([Word]) -> TextStart) {
        self.textStart = textStart
    }

    /// A tokenizer for the shell's own command table.
    public init() {
        self.init { CommandTable.parser.textStart(after: $0) }
    }

    /// Tokenizes `input`, which may span several lines joined by `\n`, into plain words.
    public static func tokenize(_ input: String) -> Result {
        switch self.scan(input) {
        case .incomplete: .incomplete
        case .complete(let words): .words(words.map(\.text))
        }
    }

    /// Scans `input`, which may span several lines joined by `\n`, as one command line.
    public static func scan(_ input: String) -> Scan {
        var tokenizer = Tokenizer()
        return tokenizer.append(input)
    }

    /// Adds the next line of input (the first line of a command, or a continuation line) and scans only what is
    /// new. After a complete result the tokenizer starts afresh; after an incomplete one it waits for more.
    public mutating func append(_ line: String) -> Scan {
        if !self.bytes.isEmpty || self.state != .between || !self.words.isEmpty {
            self.bytes.append(UInt8(ascii: "\n"))
        }
        self.bytes.append(contentsOf: line.utf8)
        let result = self.scan()
        if case .complete = result { self.reset() }
        return result
    }

    private mutating func reset() {
        self.bytes.removeAll(keepingCapacity: true)
        self.index = 0
        self.state = .between
        self.words.removeAll()
        self.word.removeAll(keepingCapacity: true)
        self.wordIsQuoted = false
        self.wordQuotesFlagValue = false
        self.quotedTextStart = nil
        self.textCannotStart = false
    }

    private mutating func scan() -> Scan {
        while self.index < self.bytes.count {
            let byte = self.bytes[self.index]
            switch self.state {
            case .between:
                if Self.isSpace(byte) {
                    self.index += 1
                    continue
                }
                let start: TextStart = self.textCannotStart ? .never : self.textStart(self.words)
                if start == .never { self.textCannotStart = true }
                if case .next(let flagsAllowed) = start, !(flagsAllowed && self.startsFlag(at: self.index)) {
                    guard byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") else {
                        return self.completeWithRawText(from: self.index)
                    }
                    self.quotedTextStart = self.index
                } else if byte == UInt8(ascii: "#") {
                    while self.index < self.bytes.count, self.bytes[self.index] != UInt8(ascii: "\n") { self.index += 1 }
                    continue
                }
                self.state = .bare
            case .bare:
                self.index += 1
                switch byte {
                case _ where Self.isSpace(byte):
                    if let result = self.finishWord() { return result }
                case UInt8(ascii: "'"):
                    self.markQuoted()
                    self.state = .single
                case UInt8(ascii: "\""):
                    self.markQuoted()
                    self.state = .double
                case UInt8(ascii: "\\"):
                    self.state = .escape
                default:
                    self.word.append(byte)
                }
            case .single:
                self.index += 1
                if byte == UInt8(ascii: "'") { self.state = .bare } else { self.word.append(byte) }
            case .double:
                self.index += 1
                switch byte {
                case UInt8(ascii: "\""): self.state = .bare
                case UInt8(ascii: "\\"): self.state = .doubleEscape
                default: self.word.append(byte)
                }
            case .doubleEscape:
                self.index += 1
                switch byte {
                case UInt8(ascii: "n"): self.word.append(UInt8(ascii: "\n"))
                case UInt8(ascii: "t"): self.word.append(UInt8(ascii: "\t"))
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): self.word.append(byte)
                default: self.word.append(contentsOf: [UInt8(ascii: "\\"), byte])
                }
                self.state = .double
            case .escape:
                self.index += 1
                if byte != UInt8(ascii: "\n") {
                    self.markQuoted()
                    self.word.append(byte)
                }
                self.state = .bare
            }
        }
        switch self.state {
        case .single, .double, .doubleEscape, .escape:
            return .incomplete
        case .bare:
            if let result = self.finishWord() { return result }
        case .between:
            break
        }
        return .complete(self.words)
    }

    /// Ends the word being scanned; the whole line is complete when that word began a quoted TEXT argument.
    private mutating func finishWord() -> Scan? {
        self.state = .between
        let isEmptyEscape = self.word.isEmpty && !self.wordIsQuoted
        let kind: Word.Kind = self.wordQuotesFlagValue ? .flagWithQuotedValue : self.wordIsQuoted ? .quoted : .plain
        defer {
            self.word.removeAll(keepingCapacity: true)
            self.wordIsQuoted = false
            self.wordQuotesFlagValue = false
        }
        if let start = self.quotedTextStart {
            let rest = self.bytes[self.index...]
            guard rest.allSatisfy(Self.isSpace) else { return self.completeWithRawText(from: start) }
            self.words.append(Word(String(decoding: self.word, as: UTF8.self), .restOfLine))
            return .complete(self.words)
        }
        // A backslash-newline alone (`a \⏎ b`) continues the line without making a word.
        guard !isEmptyEscape else { return nil }
        self.words.append(Word(String(decoding: self.word, as: UTF8.self), kind))
        return nil
    }

    /// Notes that the word being scanned has a quoted or escaped part; when that part follows a bare `--flag=`,
    /// the word is still that flag, with the quoted value (DESIGN §5.3 `--flag=value`).
    private mutating func markQuoted() {
        if !self.wordIsQuoted, self.word.count > 3, self.word.starts(with: "--".utf8),
            self.word[2] != UInt8(ascii: "="), self.word.contains(UInt8(ascii: "="))
        {
            self.wordQuotesFlagValue = true
        }
        self.wordIsQuoted = true
    }

    /// The line is complete: everything from `start` to the end, trailing whitespace dropped, is the TEXT.
    private mutating func completeWithRawText(from start: Int) -> Scan {
        var end = self.bytes.count
        while end > start, Self.isSpace(self.bytes[end - 1]) { end -= 1 }
        self.words.append(Word(String(decoding: self.bytes[start..<end], as: UTF8.self), .restOfLine))
        return .complete(self.words)
    }

    /// Whether a bare `--` or `--flag` begins at `position`.
    private func startsFlag(at position: Int) -> Bool {
        position + 1 < self.bytes.count && self.bytes[position] == UInt8(ascii: "-")
            && self.bytes[position + 1] == UInt8(ascii: "-")
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n")
            || byte == UInt8(ascii: "\r")
    }
}
