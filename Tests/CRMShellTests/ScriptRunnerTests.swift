import CRMDomain
import CRMShell
import CRMTestSupport
import Foundation
import Testing

/// Scripts (DESIGN §5.1, §5.2, §5.5): stop or keep going, `FILE:LINE: ` prefixes, continuation lines, `--echo`
/// with masked tokens, and `source`.
struct ScriptRunnerTests {
    /// Runs `lines` as the script `name` in a fresh session; returns the status and what was written.
    static func script(
        _ lines: [String], name: String = "s.crm", options: ScriptOptions = ScriptOptions(), shell: TestShell = TestShell()
    ) async -> (status: ExitStatus, sink: CapturingSink) {
        let sink = CapturingSink()
        let runner = ScriptRunner(runner: shell.runner, options: options, sink: sink)
        var remaining = lines[...]
        let status = await runner.run(name: name) { remaining.popFirst() }
        return (status, sink)
    }

    @Test func aScriptThatSucceedsReturnsSuccess() async {
        let (status, sink) = await Self.script(["login agent123", "whoami", "", "# done"])
        #expect(status == .success)
        #expect(sink.errors.isEmpty)
        #expect(sink.output == "logged in as agent (agent)\nagent (agent); token 1 \"seed\", never expires\n")
    }

    struct StopCase: Sendable, CustomTestStringConvertible {
        let lines: [String]
        let status: ExitStatus
        let error: String
        /// Everything printed: only what ran before the failure.
        let output: String
        var testDescription: String { self.lines.joined(separator: " / ") }
    }

    @Test(arguments: [
        StopCase(
            lines: ["login agent123", "ticket show 999", "customer show 1"], status: .failure,
            error: "s.crm:2: error: ticket/999 not found", output: "logged in as agent (agent)\n"),
        StopCase(
            lines: ["whoami", "customer list", "whoami"], status: .denied,
            error: "s.crm:2: error: permission denied: customer.read requires login", output: "anonymous\n"),
        StopCase(
            lines: ["", "# comment", "tickt list", "whoami"], status: .usage,
            error: "s.crm:3: error: unknown command 'tickt'; did you mean 'ticket'?", output: ""),
        StopCase(lines: ["login nope", "whoami"], status: .denied, error: "s.crm:1: error: invalid token", output: ""),
    ])
    func stopsAtTheFirstFailureWithItsStatus(_ row: StopCase) async {
        let (status, sink) = await Self.script(row.lines)
        #expect(status == row.status)
        #expect(sink.errors == [row.error])
        #expect(sink.output == row.output)
    }

    @Test func keepGoingRunsEverythingAndReturnsTheFirstFailure() async {
        let lines = [
            "ticket show 999",  // 1: failure
            "tickt",  // 2: usage
            "customer list",  // 3: denied
            "login agent123",  // 4
            "customer show 1",  // 5
        ]
        let (status, sink) = await Self.script(lines, options: ScriptOptions(keepGoing: true))
        #expect(status == .failure)
        #expect(
            sink.errors == [
                "s.crm:1: error: ticket/999 not found",
                "s.crm:2: error: unknown command 'tickt'; did you mean 'ticket'?",
                "s.crm:3: error: permission denied: customer.read requires login",
            ])
        #expect(sink.output.contains("name:       Jane Doe\n"))
    }

    @Test func keepGoingReturnsTheFirstFailuresStatusNotTheWorst() async {
        let (denied, _) = await Self.script(["customer list", "ticket show 999"], options: ScriptOptions(keepGoing: true))
        #expect(denied == .denied)
        let (usage, _) = await Self.script(["ticket show x", "customer list"], options: ScriptOptions(keepGoing: true))
        #expect(usage == .usage)
    }

    @Test func errorsCarryTheScriptNameAndLineNumber() async {
        let lines = ["# header", "", "login agent123", "   ", "ticket show 41   # missing"]
        let (status, sink) = await Self.script(lines, name: "queue/today.crm")
        #expect(status == .failure)
        #expect(sink.errors == ["queue/today.crm:5: error: ticket/41 not found"])
        let (_, stdin) = await Self.script(["ticket show 7"], name: "-")
        #expect(stdin.errors == ["-:1: error: ticket/7 not found"])
    }

    @Test func aQuoteOverSeveralLinesIsOneCommand() async throws {
        let shell = TestShell()
        let lines = [
            "login agent123",
            "ticket create --customer 1 --subject 'Printer' --description \"first line",
            "second line",
            "third line\" --tag x",
            "ticket show 99",
        ]
        let (status, sink) = await Self.script(lines, shell: shell)
        #expect(status == .failure)
        #expect(sink.errors == ["s.crm:5: error: ticket/99 not found"])
        #expect(sink.output == "logged in as agent (agent)\ncreated ticket 1\n")
        shell.session.format = .json
        let shown = await shell.ok("ticket show 1")
        let ticket = try JSONDecoder().decode(Ticket.self, from: Data(shown.utf8))
        #expect(ticket.description == "first line\nsecond line\nthird line")
        #expect(ticket.tags == ["x"])
    }

    @Test func aFailingCommandOverSeveralLinesReportsTheLineItStartsOn() async {
        let lines = ["login agent123", "", "ticket create --customer 99 --subject s --description 'one", "two", "three'", "whoami"]
        let (status, sink) = await Self.script(lines)
        #expect(status == .failure)
        #expect(sink.errors == ["s.crm:3: error: customer/99 not found"])
        let (_, keepGoing) = await Self.script(
            ["ticket show 'a", "b'", "ticket show \"c", "d\""], options: ScriptOptions(keepGoing: true))
        #expect(
            keepGoing.errors == [
                "s.crm:1: error: ID must be a positive whole number, got 'a\nb'",
                "s.crm:3: error: ID must be a positive whole number, got 'c\nd'",
            ])
    }

    @Test func anUnterminatedQuoteAtTheEndIsAUsageErrorWithItsLine() async {
        let (status, sink) = await Self.script(["login agent123", "note add 1 'oops", "more text", ""])
        #expect(status == .usage)
        #expect(sink.errors == ["s.crm:2: error: unterminated quote at end of input"])
        #expect(sink.output == "logged in as agent (agent)\n")

        let (trailing, backslash) = await Self.script(["whoami \\"])
        #expect(trailing == .usage)
        #expect(backslash.errors == ["s.crm:1: error: unterminated quote at end of input"])
    }

    @Test func anUnterminatedQuoteAfterAnEarlierFailureKeepsTheFirstStatus() async {
        let (status, sink) = await Self.script(
            ["ticket show 5", "whoami \"open"], options: ScriptOptions(keepGoing: true))
        #expect(status == .failure)
        #expect(sink.errors == ["s.crm:1: error: ticket/5 not found", "s.crm:2: error: unterminated quote at end of input"])
    }

    @Test func echoPrintsEachCommandPromptStyleAndMasksTokens() async {
        let lines = [
            "  # a comment is narration",
            "login agent123",
            "whoami",
            "",
            "note add 1 'multi",
            "line'",
            "login   admin123   ",
            "logout",
            "login 'agent123'",
        ]
        let (status, sink) = await Self.script(lines, options: ScriptOptions(echo: true, keepGoing: true))
        #expect(status == .failure)
        #expect(
            sink.merged == """
                # a comment is narration
                crm> login ****
                logged in as agent (agent)
                crm(agent)> whoami
                agent (agent); token 1 "seed", never expires
                crm(agent)> note add 1 'multi
                ...> line'
                s.crm:5: error: ticket/1 not found
                crm(agent)> login ****
                logged in as admin (admin)
                crm(admin)> logout
                logged out
                crm> login ****
                logged in as agent (agent)

                """)
        #expect(!sink.merged.contains("123"))
    }

    @Test func echoMasksABadTokenToo() async {
        let (status, sink) = await Self.script(["login s3cr3t-value"], options: ScriptOptions(echo: true))
        #expect(status == .denied)
        #expect(sink.merged == "crm> login ****\ns.crm:1: error: invalid token\n")
        #expect(!sink.merged.contains("s3cr3t"))
    }

    @Test func withoutEchoNoCommandIsPrinted() async {
        let (_, sink) = await Self.script(["login agent123", "whoami"])
        #expect(!sink.output.contains("crm"))
        #expect(!sink.output.contains("login"))
    }

    @Test func exitEndsTheScriptSuccessfully() async {
        let (status, sink) = await Self.script(["whoami", "exit", "ticket show 999"])
        #expect(status == .success)
        #expect(sink.errors.isEmpty)
        #expect(sink.output == "anonymous\n")
        let (afterFailure, _) = await Self.script(["ticket show 1", "quit"], options: ScriptOptions(keepGoing: true))
        #expect(afterFailure == .failure)
    }

    @Test func runFileReadsLinesAndNamesErrorsByPath() async throws {
        try await withTemporaryDirectory { folder in
            let path = try folder.write("crlf.crm", "login agent123\r\nwhoami\r\n\r\nticket show 3\r\n")
            let sink = CapturingSink()
            let runner = ScriptRunner(runner: TestShell().runner, options: ScriptOptions(), sink: sink)
            let status = await runner.run(file: path)
            #expect(status == .failure)
            #expect(sink.output == "logged in as agent (agent)\nagent (agent); token 1 \"seed\", never expires\n")
            #expect(sink.errors == ["\(path):4: error: ticket/3 not found"])
        }
    }

    @Test func runFileOfAMissingFileFails() async throws {
        try await withTemporaryDirectory { folder in
            let path = folder.url.appendingPathComponent("nope.crm").path
            let sink = CapturingSink()
            let status = await ScriptRunner(runner: TestShell().runner, options: ScriptOptions(), sink: sink).run(file: path)
            #expect(status == .failure)
            #expect(sink.errors == ["error: cannot read '\(path)': No such file or directory"])
            let directory = await ScriptRunner(runner: TestShell().runner, options: ScriptOptions(), sink: sink)
                .run(file: folder.path)
            #expect(directory == .failure)
            #expect(sink.errors.last == "error: cannot read '\(folder.path)': Is a directory")
        }
    }

    /// DESIGN §3.6, §5.1: a line that is not valid UTF-8 or holds a NUL is refused with FILE:LINE, never decoded
    /// with replacement characters; with --keep-going the script goes on after it.
    @Test(arguments: [
        (Data([0x6E, 0x6F, 0x74, 0x65, 0x20, 0xFF, 0xFE]), "the line is not valid UTF-8"),
        (Data("note add 1 a\u{0}b".utf8), "the line contains a NUL byte"),
        (Data([0xC3]), "the line is not valid UTF-8"),
    ])
    func aBadLineIsRefusedWithItsLine(bad: Data, reason: String) async throws {
        try await withTemporaryDirectory { folder in
            let path = folder.url.appendingPathComponent("bad.crm").path
            var content = Data("whoami\n".utf8)
            content += bad + Data("\nwhoami\n".utf8)
            try content.write(to: URL(fileURLWithPath: path))
            for keepGoing in [false, true] {
                let sink = CapturingSink()
                let runner = ScriptRunner(runner: TestShell().runner, options: ScriptOptions(keepGoing: keepGoing), sink: sink)
                #expect(await runner.run(file: path) == .failure)
                #expect(sink.errors == ["\(path):2: error: \(reason)"])
                #expect(sink.output == (keepGoing ? "anonymous\nanonymous\n" : "anonymous\n"))
                #expect(!sink.merged.contains("\u{FFFD}"))
            }
        }
    }

    @Test func aLoginLikeLineIsEchoedMasked() async {
        let (_, sink) = await Self.script(
            ["logn admin123", "log admin123 more", "login"], options: ScriptOptions(echo: true, keepGoing: true))
        #expect(!sink.merged.contains("admin123"), "\(sink.merged)")
        #expect(sink.output.hasPrefix("crm> logn ****\ncrm> log ****\ncrm> login\n"))
    }

    /// Each -c is a whole command: an open quote in it is a usage error and does not swallow the next one.
    @Test func aDashCCommandIsWhole() async {
        let sink = CapturingSink()
        let runner = ScriptRunner(runner: TestShell().runner, options: ScriptOptions(), sink: sink)
        #expect(await runner.run(command: "note add 1 'open", position: 2) == .usage)
        #expect(await runner.run(command: "whoami'", position: 3) == .usage)
        #expect(await runner.run(command: "whoami", position: 4) == .success)
        #expect(sink.errors == ["-c:2: error: unterminated quote", "-c:3: error: unterminated quote"])
        #expect(sink.output == "anonymous\n")
    }

    // MARK: source

    @Test func sourceRunsANestedFileInTheSameSession() async throws {
        try await withTemporaryDirectory { folder in
            let inner = try folder.write("login.crm", "# log in\nlogin agent123\ncustomer show 1\n")
            let shell = TestShell()
            let (status, sink) = await Self.script(
                ["source \(inner)", "whoami"], options: ScriptOptions(echo: true), shell: shell)
            #expect(status == .success)
            #expect(sink.errors.isEmpty)
            #expect(sink.output.hasPrefix("crm> source \(inner)\n# log in\ncrm> login ****\nlogged in as agent (agent)\ncrm(agent)> customer show 1\n"))
            #expect(sink.output.hasSuffix("crm(agent)> whoami\nagent (agent); token 1 \"seed\", never expires\n"))
            #expect(shell.session.caller.principal.name == "agent")
        }
    }

    @Test func aFailureInASourcedFileStopsTheOuterScript() async throws {
        try await withTemporaryDirectory { folder in
            let inner = try folder.write("inner.crm", "login agent123\n\nticket show 404\nwhoami\n")
            let (status, sink) = await Self.script(["whoami", "source '\(inner)'", "customer show 1"], name: "outer.crm")
            #expect(status == .failure)
            #expect(sink.errors == ["\(inner):3: error: ticket/404 not found"])
            #expect(sink.output == "anonymous\nlogged in as agent (agent)\n")
        }
    }

    @Test func aSourcedFilesFailureKeepsItsStatus() async throws {
        try await withTemporaryDirectory { folder in
            let inner = try folder.write("denied.crm", "audit\n")
            let (status, sink) = await Self.script(["source \(inner)"], name: "outer.crm")
            #expect(status == .denied)
            #expect(sink.errors == ["\(inner):1: error: permission denied: audit.read requires login"])
        }
    }

    @Test func sourceNestsAndReportsTheInnermostLocation() async throws {
        try await withTemporaryDirectory { folder in
            let deepest = try folder.write("c.crm", "whoami\nfrobnicate\n")
            let middle = try folder.write("b.crm", "# middle\nsource \(deepest)\nwhoami\n")
            let (status, sink) = await Self.script(["source \(middle)", "whoami"], name: "a.crm")
            #expect(status == .usage)
            #expect(sink.errors == ["\(deepest):2: error: unknown command 'frobnicate'"])
            #expect(sink.output == "anonymous\n")
        }
    }

    @Test func sourceOfAMissingFileIsAnErrorOfTheOuterLine() async throws {
        try await withTemporaryDirectory { folder in
            let missing = folder.url.appendingPathComponent("missing.crm").path
            let (status, sink) = await Self.script(["", "source \(missing)", "whoami"], name: "outer.crm")
            #expect(status == .failure)
            #expect(sink.errors == ["outer.crm:2: error: cannot read '\(missing)': No such file or directory"])
            #expect(sink.output.isEmpty)
        }
    }

    @Test func sourcesOneAfterAnotherDoNotNest() async throws {
        try await withTemporaryDirectory { folder in
            let inner = try folder.write("inner.crm", "whoami\n")
            let middle = try folder.write("middle.crm", "source \(inner)\n")
            let (status, sink) = await Self.script(Array(repeating: "source \(middle)", count: 20))
            #expect(status == .success)
            #expect(sink.errors.isEmpty)
            #expect(sink.output == String(repeating: "anonymous\n", count: 20))
        }
    }

    @Test func sourceNeedsAScriptOrTheInteractiveShell() async {
        await TestShell().fails("source any.crm", .failure, "source runs only in a script or the interactive shell")
    }

    @Test func aFileThatSourcesItselfStopsAtTheNestingLimit() async throws {
        try await withTemporaryDirectory { folder in
            let path = folder.url.appendingPathComponent("loop.crm").path
            try folder.write("loop.crm", "source \(path)\n")
            let (status, sink) = await Self.script(["source \(path)"], name: "outer.crm")
            #expect(status == .failure)
            #expect(sink.errors == ["\(path):1: error: source: nested too deeply at '\(path)'"])
        }
    }
}
