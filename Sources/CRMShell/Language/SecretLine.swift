import CRMDomain

/// The one decision about lines that may carry a token (DESIGN §5.6). A line is read as pieces: its runs of letters
/// and digits, whatever separates them (`login=admin123`, `login:…`, `login_…`, `# login …`, `…; login …` all hold
/// the piece `login`). A line whose first piece is `login`, close to it (`logn`, `loign`) or a prefix of it (`log`),
/// unless its first word is another command (`logout`), is login-like; so is one with a word starting `login` anywhere,
/// followed by more.
/// Such a line, or one holding a personal token (`crm_5_…`), even in a comment, is never recorded in history; it is
/// echoed masked, and an error about it never quotes its words.
public enum SecretLine {
    /// Whether the line made of `words` looks like a login, so its words must not be shown or kept.
    public static func isLoginLike(words: [String]) -> Bool {
        Self.loginPiece(in: words.joined(separator: " "), firstWord: words.first) != nil
    }

    /// Whether the line made of `words` may carry a token: a login-like line, or one holding a personal token
    /// (`crm_5_…`) anywhere.
    public static func mayCarryToken(words: [String]) -> Bool {
        Self.isLoginLike(words: words) || words.contains { TokenSecret.mayAppear(in: $0) }
    }

    /// Whether the line as typed may carry a token, its comment included (the tokenizer drops a comment, which
    /// may still hold one). Such a line is never recorded in history.
    public static func mayCarryToken(line: String) -> Bool {
        let firstWord = line.split(whereSeparator: \.isWhitespace).first.map(String.init)
        return Self.loginPiece(in: line, firstWord: firstWord) != nil || TokenSecret.mayAppear(in: line)
    }

    /// The line as typed, as an echo may show it: a login-like line up to its login-like piece, then a mask for
    /// the rest; any other line with the secret of each personal token masked.
    static func masked(line: String) -> String {
        let firstWord = line.split(whereSeparator: \.isWhitespace).first.map(String.init)
        guard let piece = Self.loginPiece(in: line, firstWord: firstWord) else { return TokenSecret.redacted(in: line) }
        let rest = line[piece.upperBound...]
        let kept = TokenSecret.redacted(in: String(line[..<piece.upperBound]))
        return rest.allSatisfy(\.isWhitespace) ? kept : kept + " ****"
    }

    /// The error shown for a login-like line that failed to parse, built without any of its words.
    static func usageError(words: [String]) -> String {
        if words.first == "login" { return "login takes at most one TOKEN; usage: \(SessionCommands.loginUsage)" }
        if let first = words.first, let piece = Self.pieces(of: first).first, Self.isCloseToLogin(first[piece].lowercased()) {
            return "unknown command; did you mean 'login'? (usage: \(SessionCommands.loginUsage))"
        }
        return "this line mentions login, so its words are not repeated; a login is the whole line: "
            + SessionCommands.loginUsage
    }

    /// The range of the line's login-like piece: its first piece when that is close to `login` (and `firstWord`
    /// is no other command), else the first piece that is the word `login` with something after it (which may be a
    /// token; "cannot login" ends harmlessly, and `source ~/login.crm` is no login); nil when there is none.
    private static func loginPiece(in line: String, firstWord: String?) -> Range<String.Index>? {
        let pieces = Self.pieces(of: line)
        guard let first = pieces.first else { return nil }
        let isOtherCommand = firstWord.map { CommandTable.parser.nouns.contains($0.lowercased()) } ?? false
        if !isOtherCommand && Self.isCloseToLogin(line[first].lowercased()) { return first }
        return zip(pieces, pieces.dropFirst()).first { piece, _ in
            line[piece].lowercased() == "login"
                && (piece.lowerBound == line.startIndex || Self.mayStandBefore(line[line.index(before: piece.lowerBound)]))
                && Self.mayStandAfter(line[piece.upperBound])
        }?.0
    }

    /// What may stand right before a login word: white space, a quote, a comment or a separator (not `/`).
    private static func mayStandBefore(_ character: Character) -> Bool {
        character.isWhitespace || "\"'#;|&".contains(character)
    }

    /// What may stand right after a login word before its token (not `.`: `source login.crm` is no login).
    private static func mayStandAfter(_ character: Character) -> Bool {
        character.isWhitespace || character == "=" || character == ":"
    }

    /// `login`, a prefix of it of three letters or more, or within two edits of it.
    private static func isCloseToLogin(_ piece: String) -> Bool {
        if piece == "login" { return true }
        if piece.count >= 3 && "login".hasPrefix(piece) { return true }
        return Suggestion.distance(piece, "login") <= 2
    }

    /// The ranges of the line's runs of letters and digits.
    private static func pieces(of line: String) -> [Range<String.Index>] {
        var pieces: [Range<String.Index>] = []
        var start: String.Index?
        var index = line.startIndex
        while index < line.endIndex {
            let isPart = line[index].isLetter || line[index].isNumber
            if isPart, start == nil { start = index }
            if !isPart, let begun = start {
                pieces.append(begun..<index)
                start = nil
            }
            index = line.index(after: index)
        }
        if let begun = start { pieces.append(begun..<line.endIndex) }
        return pieces
    }
}
