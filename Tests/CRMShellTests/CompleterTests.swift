@testable import CRMShell
import Testing

/// Tab completion (DESIGN §5.7), line by line, without a terminal or a store: commands, subcommands, flags, enum
/// values and live IDs from a cache filled by hand.
struct CompleterTests {
    static let completer = Completer(
        parser: CommandTable.parser,
        cache: CompletionCache(
            CompletionCache.Snapshot(tickets: [(1, "Printer jam"), (12, "VPN down")], customers: [(2, "John Smith")])))

    struct Case: Sendable, CustomTestStringConvertible {
        /// The text before the cursor.
        let line: String
        /// What Tab inserts.
        let insertion: String
        /// What Tab lists (nothing when there is one match).
        let candidates: [String]
        var testDescription: String { "'\(self.line)'" }

        init(_ line: String, _ insertion: String, _ candidates: [String] = []) {
            self.line = line
            self.insertion = insertion
            self.candidates = candidates
        }
    }

    @Test(arguments: [
        // Commands, in the order `help` lists them.
        Case(
            "", "",
            [
                "help", "set", "source", "exit", "quit", "login", "logout", "whoami", "customer", "ticket", "note",
                "audit", "user", "token", "server",
            ]),
        Case("tic", "ket "),
        Case("lo", "g", ["login", "logout"]),
        Case("frob", ""),
        // Subcommands.
        Case(
            "ticket ", "",
            ["list", "show", "create", "update", "assign", "resolve", "close", "reopen", "delete", "history"]),
        Case("ticket re", "", ["resolve", "reopen"]),
        Case("customer sh", "ow "),
        Case("frobnicate ", ""),
        // Flags, then their values.
        Case("ticket list --st", "atus "),
        Case("ticket delete 3 --", "", ["--yes", "--help"]),
        Case("ticket list --status in", "_progress "),
        Case("ticket list --assignee m", "e "),
        Case("audit --limit ", ""),
        Case("ticket list --customer ", "2 "),
        // Positional arguments: live IDs with their labels, enum values, users, command names.
        Case("ticket show ", "1", ["1  Printer jam", "12  VPN down"]),
        Case("ticket show 12", " "),
        Case("note add ", "1", ["1  Printer jam", "12  VPN down"]),
        Case("note add 1 Called", ""),
        Case("customer delete ", "2 "),
        Case("set ", "format "),
        Case("set format ", "", ["table", "json", "csv", "tsv"]),
        Case("ticket assign 3 ", "", ["me", "none"]),
        Case("help tick", "et "),
        // An open quote completes nothing.
        Case("note add 1 'half", ""),
    ])
    func completes(_ row: Case) {
        #expect(Self.completer.complete(row.line) == Completion(insertion: row.insertion, candidates: row.candidates))
    }

    @Test func aFreshCacheOffersNoIDs() {
        let completer = Completer(parser: CommandTable.parser, cache: CompletionCache())
        #expect(completer.complete("ticket show ") == Completion(insertion: "", candidates: []))
    }
}
