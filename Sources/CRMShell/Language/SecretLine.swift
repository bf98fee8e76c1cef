import CRMDomain

/// The one decision about lines that may carry a token (DESIGN §5.6): a line whose first word is `login`, close to
/// it (`logn`, `loign`) or a prefix of it (`log`), unless it is another command (`logout`), is never recorded in history, never echoed in clear, and an error
/// about it never quotes its words.
public enum SecretLine {
    /// Whether the line made of `words` looks like a login, so its words must not be shown or kept.
    public static func isLoginLike(words: [String]) -> Bool {
        guard let first = words.first?.lowercased(), !first.isEmpty else { return false }
        if first == "login" { return true }
        if CommandTable.parser.nouns.contains(first) { return false }
        if first.count >= 3 && "login".hasPrefix(first) { return true }
        return Suggestion.distance(first, "login") <= 2
    }

    /// Whether the line made of `words` may carry a token: a login-like line, or one holding a personal token
    /// (`crm_5_…`) anywhere. Such a line is never recorded in history.
    public static func mayCarryToken(words: [String]) -> Bool {
        Self.isLoginLike(words: words) || words.contains { TokenSecret.mayAppear(in: $0) }
    }

    /// The echo of a login-like line: its first word (close to `login`, so no secret) and a mask for the rest.
    static func masked(words: [String]) -> String {
        (words.first ?? "") + (words.count > 1 ? " ****" : "")
    }

    /// The error shown for a login-like line that failed to parse, built without any of its words.
    static func usageError(words: [String]) -> String {
        words.first == "login"
            ? "login takes at most one TOKEN; usage: \(SessionCommands.loginUsage)"
            : "unknown command; did you mean 'login'? (usage: \(SessionCommands.loginUsage))"
    }
}
