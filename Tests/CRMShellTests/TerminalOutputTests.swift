import CRMDomain
import CRMShell
import Testing

/// What the shell prints is safe and aligned on a terminal (DESIGN §3.6 last sentence, §5.4): columns line up by
/// terminal cells, and control characters that reached storage are shown escaped, never raw.
struct TerminalOutputTests {
    @Test(arguments: [
        ("abc", 3), ("", 0), ("José", 4), ("Zoë", 3), ("e\u{301}", 1), ("e\u{301}\u{302}x", 2),
        ("日本語", 6), ("山田", 4), ("한국", 4), ("Ａ", 2), ("ｶ", 1), ("。", 2),
        ("👩‍💻", 2), ("👍🏽", 2), ("🇫🇷", 2), ("😀x", 3), ("❤", 1), ("❤️", 2), ("1️⃣", 2), ("a\u{200B}b", 2),
    ])
    func cellWidth(text: String, cells: Int) {
        #expect(CellWidth.of(text) == cells, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
    }

    /// A shell over a store whose seed holds `customers`, which no command could have stored.
    static func shell(customers: [NewCustomer]) async -> TestShell {
        let shell = TestShell(seed: Seed(customers: customers, accounts: Seed.demo().accounts))
        await shell.login(as: "agent")
        return shell
    }

    @Test func tableColumnsAlignByTerminalCells() async {
        let names = ["山田太郎", "👩‍💻 Zoë", "Jose\u{301} Müller", "Ada"]
        let shell = await Self.shell(
            customers: names.enumerated().map { NewCustomer(name: $1, email: "c\($0)@example.com") })
        let table = await shell.ok("customer list")
        let lines = table.split(separator: "\n").dropLast().map(String.init)
        #expect(lines.count == names.count + 1, "\(table)")
        // The email column starts at the same terminal cell on every line.
        let starts = lines.map { line in
            CellWidth.of(String(line[..<(line.range(of: "email") ?? line.range(of: "@example")!).lowerBound]))
        }
        let firstEmail = lines[1].range(of: "c0@")!.lowerBound
        #expect(Set(starts.dropFirst()).count == 1, "\(table)")
        #expect(starts[0] == CellWidth.of(String(lines[1][..<firstEmail])), "\(table)")
        #expect(lines[1].hasPrefix("1   山田太郎     c0@example.com"), "\(table)")
    }

    static let hostile = NewCustomer(
        name: "Evil\u{1B}]0;owned\u{07}\u{202E}cba", email: "e@example.com", company: "x\u{9B}2Jy\u{7F}")

    @Test func tableShowsControlAndBidiCharactersEscaped() async {
        let shell = await Self.shell(customers: [Self.hostile])
        let list = await shell.ok("customer list")
        #expect(list.contains(#"Evil\x1b]0;owned\x07\u{202e}cba"#), "\(list)")
        #expect(list.contains(#"x\x9b2Jy\x7f"#), "\(list)")
        let record = await shell.ok("customer show 1")
        #expect(record.contains(#"name:       Evil\x1b]0;owned\x07\u{202e}cba"#), "\(record)")
        for output in [list, record] {
            #expect(!output.unicodeScalars.contains { [0x1B, 0x07, 0x9B, 0x7F, 0x202E].contains($0.value) })
        }
    }

    @Test(arguments: ["csv", "tsv"])
    func delimitedFormatsEscapeControlCharactersButQuoteLineBreaks(format: String) async {
        let multiLine = NewCustomer(name: "Two\nlines\ttab", email: "m@example.com")
        let shell = await Self.shell(customers: [Self.hostile, multiLine])
        await shell.ok("set format \(format)")
        let output = await shell.ok("customer list")
        #expect(output.contains(#"Evil\x1b]0;owned\x07\u{202e}cba"#), "\(output)")
        #expect(output.contains("\"Two\nlines\ttab\""), "\(output)")
        #expect(!output.unicodeScalars.contains { [0x1B, 0x07, 0x9B, 0x7F, 0x202E].contains($0.value) })
    }

    /// A comma or quote followed by a combining mark is one Character but still a comma or quote to a CSV reader
    /// (found by the FuzzRenderers fuzzer).
    @Test func csvQuotesACommaOrQuoteCarryingACombiningMark() async {
        let shell = await Self.shell(customers: [NewCustomer(name: "a,\u{301}b \"\u{301}c", email: "m@example.com")])
        await shell.ok("set format csv")
        let output = await shell.ok("customer list")
        #expect(output.contains("\"a,\u{301}b \"\"\u{301}c\""), "\(output.debugDescription)")
    }

    @Test func jsonKeepsTheStoredTextExactly() async {
        let shell = await Self.shell(customers: [Self.hostile])
        await shell.ok("set format json")
        let output = await shell.ok("customer show 1")
        #expect(output.contains(#""name":"Evil\u001b]0;owned\u0007\#u{202E}cba""#), "\(output)")
    }

    @Test func errorsNeverPrintControlCharacters() async {
        let shell = await Self.shell(customers: [])
        let result = await shell.run("bogus\u{1B}]0;owned\u{07}")
        #expect(result.error.contains(#"bogus\x1b]0;owned\x07"#), "\(result.error)")
        #expect(!result.error.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
    }

    @Test func thePromptShowsAUserNameEscaped() {
        let shell = TestShell()
        shell.session.caller = Caller(.user(User(name: "eve\u{1B}[2J", role: .agent)), via: .shell)
        #expect(shell.session.prompt == #"crm(eve\x1b[2J)> "#)
    }
}
