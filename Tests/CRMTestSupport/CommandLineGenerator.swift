import Foundation

/// The differential store tests' input (CRMSQLiteTests, CRMPostgresTests): the same seed gives the same lines.
/// Random shell command lines, valid and invalid, from a seed (SplitMix64): every command with its flags, list
/// filters, searches and paging, texts in many scripts and with control characters, and numbers from zero and
/// negative to beyond 64 bits.
public final class CommandLineGenerator {
    private var state: UInt64

    public init(seed: UInt64) {
        self.state = seed
    }

    static let texts = [
        "Printer", "Café ÉCRAN", "écran", "ÉCRAN", "cafe\u{301}", "日本語のテキスト", "日本", "😀 emoji 👍🏽", "👍", "naïve",
        "Straße", "STRASSE", "İstanbul", "ǅ", "e\u{301}\u{302}\u{303}", "a" + String(repeating: "\u{301}", count: 300),
        "\u{1b}[31mred", "bell\u{7}", "tab\there", "line\\nbreak", "\u{202e}evil", "\u{200b}", "\u{200b}\u{200d}", " ",
        "", "x", String(repeating: "y", count: 201), String(repeating: "é", count: 200), "%", "_", "100%_done",
        "back\\\\slash", "O'Brien", "quote \\\"this\\\"", "#hashtag", "--not-a-flag", "null\u{0}byte", "\u{85}next",
        "\u{feff}bom", "  padded  ", "UPPER lower", "Mixed Case Subject", "crlf\r", "\u{2028}sep",
    ]
    static let numbers = [
        "0", "-1", "1", "2", "3", "4", "5", "7", "12", "9223372036854775807", "-9223372036854775808",
        "99999999999999999999", "abc", "1.5", "+1", "01", "",
    ]
    static let emails = ["a@b.co", "jane@example.com", "bad", "x@y", "ü@exämple.de", "\u{1b}@x.y", ""]
    static let statuses = ["open", "in_progress", "pending", "resolved", "closed", "done", ""]
    static let priorities = ["low", "normal", "high", "urgent", "huge"]
    static let users = ["agent", "admin", "me", "none", "nobody", "Agent", "\u{1b}", "日本"]
    static let tags = ["billing", "hw", "vip", "BIG", "x-y_z", "a b", "日本", "", String(repeating: "t", count: 33)]

    func random(_ bound: Int) -> Int {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Int((z ^ (z >> 31)) % UInt64(bound))
    }

    func pick(_ values: [String]) -> String { values[self.random(values.count)] }

    func chance(_ percent: Int) -> Bool { self.random(100) < percent }

    /// A word quoted for the shell: double quotes, with `"` and `\` escaped (texts hold their own escapes).
    func quoted(_ text: String) -> String { "\"" + text + "\"" }

    /// Texts every field accepts, picked more often than the rest so that many writes succeed.
    static let plainTexts = ["Printer", "Café ÉCRAN", "écran", "日本語のテキスト", "😀 emoji 👍🏽", "naïve", "Straße", "e\u{301}cran"]

    func text() -> String { self.quoted(self.chance(60) ? self.pick(Self.plainTexts) : self.pick(Self.texts)) }

    /// Mostly one of the few customers there are, sometimes anything.
    func customerID() -> String {
        self.chance(90) ? String(1 + self.random(6)) : self.pick(Self.numbers)
    }

    /// Mostly a small existing ID, sometimes anything.
    func id() -> String {
        self.chance(85) ? String(1 + self.random(25)) : self.pick(Self.numbers)
    }

    func flag(_ name: String, _ percent: Int, _ value: @autoclosure () -> String) -> String {
        self.chance(percent) ? " --\(name) \(value())" : ""
    }

    /// The next command line.
    public func next() -> String {
        switch self.random(30) {
        case 0:
            return self.pick([
                "login admin123", "login admin123", "login agent123", "login agent123", "logout", "whoami", "login wrong",
            ])
        case 1: return self.pick(["set format json", "set format table", "set format csv", "set format tsv", "set format"])
        case 2: return "customer list" + self.flag("limit", 40, self.pick(Self.numbers)) + self.flag("offset", 40, self.pick(Self.numbers))
        case 3: return "customer show \(self.customerID())"
        case 4, 5:
            return "customer create" + self.flag("name", 95, self.text()) + self.flag("email", 90, self.pick(Self.emails))
                + self.flag("company", 40, self.text())
        case 6:
            return "customer update \(self.customerID())" + self.flag("name", 40, self.text())
                + self.flag("email", 30, self.pick(Self.emails)) + self.flag("company", 30, self.text())
        case 7: return "customer delete \(self.customerID()) --yes"
        case 8, 9, 10:
            return "ticket list" + self.flag("customer", 20, self.customerID()) + self.flag("status", 20, self.pick(Self.statuses))
                + self.flag("priority", 15, self.pick(Self.priorities)) + self.flag("assignee", 15, self.pick(Self.users))
                + self.flag("tag", 15, self.pick(Self.tags)) + self.flag("search", 40, self.text())
                + self.flag("limit", 20, self.pick(Self.numbers)) + self.flag("offset", 20, self.pick(Self.numbers))
        case 11: return "ticket show \(self.id())"
        case 12, 13, 14, 15:
            var line = "ticket create" + self.flag("customer", 95, self.customerID()) + self.flag("subject", 95, self.text())
                + self.flag("description", 40, self.text()) + self.flag("priority", 30, self.pick(Self.priorities))
                + self.flag("assignee", 20, self.pick(Self.users))
            for _ in 0..<self.random(3) { line += " --tag \(self.quoted(self.pick(Self.tags)))" }
            return line
        case 16, 17:
            var line = "ticket update \(self.id())" + self.flag("subject", 30, self.text())
                + self.flag("description", 20, self.text()) + self.flag("status", 30, self.pick(Self.statuses))
                + self.flag("priority", 20, self.pick(Self.priorities)) + self.flag("assignee", 15, self.pick(Self.users))
            if self.chance(20) { line += " --add-tag \(self.quoted(self.pick(Self.tags)))" }
            if self.chance(15) { line += " --remove-tag \(self.quoted(self.pick(Self.tags)))" }
            return line
        case 18: return "ticket assign \(self.id()) \(self.quoted(self.pick(Self.users)))"
        case 19: return "ticket \(self.pick(["resolve", "close", "reopen"])) \(self.id())"
        case 20: return "ticket delete \(self.id()) --yes"
        case 21: return "ticket history \(self.id())"
        case 22, 23: return "note add \(self.id()) \(self.text())"
        case 24: return "note list \(self.id())"
        case 25:
            return "audit" + self.flag("actor", 30, self.pick(Self.users))
                + self.flag("entity", 30, self.pick(["ticket/1", "customer/2", "ticket/\(self.id())", "bogus", "ticket/-1"]))
                + self.flag("limit", 30, self.pick(Self.numbers))
        case 26: return self.pick(["help", "help ticket list", "bogus", "ticket", "customer frobnicate 1", "\"open quote"])
        case 27: return "ticket list --search \(self.text())"
        case 28: return "customer list --limit 1000"
        default: return "ticket list --limit 1000" + self.flag("offset", 30, self.pick(Self.numbers))
        }
    }
}

extension CommandLineGenerator {
    /// The differential runs' seed: `CRM_DIFFERENTIAL_SEED` replays another run; every failure prints it.
    public static let differentialSeed: UInt64 =
        ProcessInfo.processInfo.environment["CRM_DIFFERENTIAL_SEED"].flatMap { UInt64($0) } ?? 20_251_206

    /// A differential run's input: a login as admin, then `count - 1` generated lines from `seed`.
    public static func script(seed: UInt64 = differentialSeed, count: Int = 10_000) -> [String] {
        let generator = CommandLineGenerator(seed: seed)
        return ["login admin123"] + (1..<count).map { _ in generator.next() }
    }
}
