import CRMTestSupport
import Foundation
import Testing

/// The built `crm` as a user runs it (DESIGN §5.1, §5.4, §5.5): walkthrough transcripts, stdin scripts, `-c`,
/// tokens from flags, environment and `.env`, output formats and exit codes.
struct BinaryTests {
    /// Runs crm in a fresh temporary working directory (so no stray `.env`) with the controlled environment.
    static func crm(
        _ arguments: [String], input: String? = nil, environment extra: [String: String] = [:],
        dotEnv: String? = nil, mergeOutput: Bool = false
    ) throws -> Run {
        try withTemporaryDirectory { folder in
            if let dotEnv { try folder.write(".env", dotEnv) }
            return try runCRM(
                arguments, in: folder.url, environment: Binary.environment(home: folder.path, extra: extra), input: input,
                mergeOutput: mergeOutput)
        }
    }

    // MARK: walkthroughs

    static let examples = ["first-day", "triage", "admin-session"]

    /// Runs an example exactly as its transcript was made: from the package root, with the relative path.
    static func example(_ name: String) throws -> Run {
        try withTemporaryDirectory { home in
            try runCRM(
                ["--echo", "--keep-going", "-f", "examples/\(name).crm"], in: Binary.packageRoot,
                environment: Binary.environment(home: home.path), mergeOutput: true)
        }
    }

    @Test(arguments: examples)
    func exampleReproducesItsTranscript(name: String) throws {
        let expected = try Data(
            contentsOf: Binary.packageRoot.appendingPathComponent("examples").appendingPathComponent("\(name).out"))
        let run = try Self.example(name)
        #expect(!run.timedOut)
        #expect(run.stdout == expected, "transcript differs:\n\(Self.firstDifference(run.stdout, expected))")
    }

    @Test(arguments: [("first-day", Int32(0)), ("triage", Int32(1)), ("admin-session", Int32(4))])
    func exampleExitsWithItsFirstFailure(name: String, status: Int32) throws {
        #expect(try Self.example(name).status == status)
    }

    @Test func theSameScriptTwiceGivesTheSameOutput() throws {
        let first = try Self.example("admin-session")
        let second = try Self.example("admin-session")
        #expect(!first.stdout.isEmpty)
        #expect(first.stdout == second.stdout)
        let script = "login agent123\nticket create --customer 1 --subject A\nticket show 1\nticket history 1\n"
        let once = try Self.crm(["--format", "json"], input: script)
        let twice = try Self.crm(["--format", "json"], input: script)
        #expect(once.out.contains("2025-01-06T09:00:00Z"))
        #expect(once.stdout == twice.stdout)
    }

    /// The first differing line of two transcripts, for a readable failure.
    static func firstDifference(_ actual: Data, _ expected: Data) -> String {
        let a = String(decoding: actual, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        let e = String(decoding: expected, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(a.count, e.count) {
            let left = index < a.count ? String(a[index]) : "<end>"
            let right = index < e.count ? String(e[index]) : "<end>"
            if left != right {
                return "line \(index + 1):\n  got      \(String(reflecting: left))\n  expected \(String(reflecting: right))"
            }
        }
        return "(no line differs)"
    }

    // MARK: stdin scripts

    struct StdinCase: Sendable, CustomTestStringConvertible {
        let script: String
        let status: Int32
        let stderr: String
        let stdout: String
        var testDescription: String { String(reflecting: self.script) }
    }

    @Test(arguments: [
        StdinCase(script: "login agent123\nwhoami\n", status: 0, stderr: "", stdout: "logged in as agent (agent)\nagent (agent); token 1 \"seed\", never expires\n"),
        StdinCase(script: "", status: 0, stderr: "", stdout: ""),
        StdinCase(script: "# only a comment\n\n", status: 0, stderr: "", stdout: ""),
        StdinCase(script: "whoami\nticket show 1\nwhoami\n", status: 1, stderr: "-:2: error: ticket/1 not found\n", stdout: "anonymous\n"),
        StdinCase(
            script: "\ntickt list\n", status: 2, stderr: "-:2: error: unknown command 'tickt'; did you mean 'ticket'?\n",
            stdout: ""),
        StdinCase(
            script: "customer list\n", status: 4, stderr: "-:1: error: permission denied: customer.read requires login\n",
            stdout: ""),
        StdinCase(script: "login wrong\n", status: 4, stderr: "-:1: error: invalid token\n", stdout: ""),
        StdinCase(
            script: "whoami\nnote add 1 'open\nquote\n", status: 2, stderr: "-:2: error: unterminated quote at end of input\n",
            stdout: "anonymous\n"),
        StdinCase(script: "whoami", status: 0, stderr: "", stdout: "anonymous\n"),
    ])
    func pipedStdinRunsAsAScript(_ row: StdinCase) throws {
        let run = try Self.crm([], input: row.script)
        #expect(run.status == row.status)
        #expect(run.err == row.stderr)
        #expect(run.out == row.stdout)
    }

    @Test func pipedStdinKeepGoingReturnsTheFirstFailure() throws {
        let run = try Self.crm(["--keep-going"], input: "customer list\nticket show 9\nwhoami\n")
        #expect(run.status == 4)
        #expect(run.err == "-:1: error: permission denied: customer.read requires login\n-:2: error: ticket/9 not found\n")
        #expect(run.out == "anonymous\n")
    }

    @Test func stdoutAndStderrInterleaveInOrder() throws {
        let run = try Self.crm(
            ["--keep-going", "--echo"], input: "whoami\nticket show 2\nwhoami\n", mergeOutput: true)
        #expect(run.status == 1)
        #expect(run.out == "crm> whoami\nanonymous\ncrm> ticket show 2\n-:2: error: ticket/2 not found\ncrm> whoami\nanonymous\n")
    }

    // MARK: -c and -f

    @Test func dashCIsRepeatable() throws {
        let run = try Self.crm(["-c", "login agent123", "-c", "whoami", "-c", "customer show 2"])
        #expect(run.status == 0)
        #expect(run.err == "")
        #expect(run.out.hasPrefix("logged in as agent (agent)\nagent (agent); token 1 \"seed\", never expires\nid:         2\nname:       John Smith\n"))
    }

    @Test func dashCErrorsArePrefixedWithTheirPosition() throws {
        let run = try Self.crm(["-c", "whoami", "-c", "ticket show 3", "-c", "whoami"])
        #expect(run.status == 1)
        #expect(run.err == "-c:2: error: ticket/3 not found\n")
        #expect(run.out == "anonymous\n")
    }

    @Test func dashCIgnoresStdin() throws {
        let run = try Self.crm(["-c", "whoami"], input: "login agent123\n")
        #expect(run.status == 0)
        #expect(run.out == "anonymous\n")
    }

    @Test func dashFRunsAFileAndNamesErrorsByItsPath() throws {
        try withTemporaryDirectory { folder in
            try folder.write("s.crm", "whoami\n\nticket show 8\n")
            let run = try folder.crm(["-f", "s.crm"])
            #expect(run.status == 1)
            #expect(run.out == "anonymous\n")
            #expect(run.err == "s.crm:3: error: ticket/8 not found\n")
        }
    }

    @Test func dashFOfAMissingFileFails() throws {
        let run = try Self.crm(["-f", "no-such-file.crm"])
        #expect(run.status == 1)
        #expect(run.err == "error: cannot read 'no-such-file.crm': No such file or directory\n")
    }

    // MARK: tokens

    @Test func tokenFlagLogsIn() throws {
        let run = try Self.crm(["--token", "agent123", "-c", "whoami", "-c", "customer list --limit 1"])
        #expect(run.status == 0)
        #expect(run.out.hasPrefix("agent (agent); token 1 \"seed\", never expires\n"))
        #expect(run.out.contains("Jane Doe"))
        let stdin = try Self.crm(["--token=admin123"], input: "whoami\n")
        #expect(stdin.out == "admin (admin); token 2 \"seed\", never expires\n")
    }

    @Test func crmTokenFromTheEnvironmentLogsIn() throws {
        let run = try Self.crm(["-c", "whoami"], environment: ["CRM_TOKEN": "admin123"])
        #expect(run.status == 0)
        #expect(run.out == "admin (admin); token 2 \"seed\", never expires\n")
    }

    @Test func aBadTokenExitsFourWithoutPrintingIt() throws {
        for run in [
            try Self.crm(["-c", "whoami"], environment: ["CRM_TOKEN": "Sup3rSecretT0ken"]),
            try Self.crm(["--token", "Sup3rSecretT0ken", "-c", "whoami"]),
            try Self.crm([], input: "whoami\n", environment: ["CRM_TOKEN": "Sup3rSecretT0ken"]),
        ] {
            #expect(run.status == 4)
            #expect(run.err == "error: invalid token\n")
            #expect(!run.err.contains("Sup3rSecret"))
            #expect(run.out.isEmpty)
        }
    }

    @Test func aLoginLineEchoesNoToken() throws {
        let run = try Self.crm(["--echo"], input: "login admin123\nlogin badtoken99\n", mergeOutput: true)
        #expect(run.status == 4)
        #expect(run.out == "crm> login ****\nlogged in as admin (admin)\ncrm(admin)> login ****\n-:2: error: invalid token\n")
    }

    @Test func dotEnvInTheWorkingDirectoryProvidesTokens() throws {
        let run = try Self.crm(
            ["-c", "login secret9", "-c", "whoami"], dotEnv: "# tokens for the demo\nCRM_AGENT_TOKEN=secret9\n")
        #expect(run.status == 0)
        #expect(run.out == "logged in as agent (agent)\nagent (agent); token 1 \"seed\", never expires\n")
        // The default token no longer works for the agent.
        let old = try Self.crm(["-c", "login agent123"], dotEnv: "CRM_AGENT_TOKEN=secret9\n")
        #expect(old.status == 4)
        // Without the file, secret9 is nobody's token.
        let none = try Self.crm(["-c", "login secret9"])
        #expect(none.status == 4)
    }

    @Test func theEnvironmentWinsOverDotEnv() throws {
        let run = try Self.crm(
            ["-c", "login fromenv1"], environment: ["CRM_ADMIN_TOKEN": "fromenv1"], dotEnv: "CRM_ADMIN_TOKEN=fromfile1\n")
        #expect(run.status == 0)
        #expect(run.out == "logged in as admin (admin)\n")
    }

    /// `crm` and `crm serve` start the same way: `.env` read, settings and store checked, the failure reported with
    /// its exit status before anything runs.
    @Test(arguments: [["-c", "whoami"], ["serve", "--port", "0"]])
    func everyModeRefusesBadSettingsAndStoresAlike(mode: [String]) throws {
        let setting = try Self.crm(mode, dotEnv: "CRM_PUBLIC_TICKETS=maybe\n")
        #expect(setting.status == 2)
        #expect(setting.err == "error: CRM_PUBLIC_TICKETS: 'maybe' is not one of 1, 0, true, false\n")
        #expect(setting.out.isEmpty)
        let store = try Self.crm(mode + ["--db", "no-such-folder/crm.db"])
        #expect(store.status == 1)
        #expect(store.err.hasPrefix("error: cannot open database 'no-such-folder/crm.db': "))
        #expect(store.out.isEmpty)
    }

    /// A port out of range is a usage error, as `server start` says it, not a port number wrapped around.
    @Test(arguments: ["99999", "65536", "65616", "-1"])
    func serveRefusesAPortOutOfRange(port: String) throws {
        let run = try Self.crm(["serve", "--port=\(port)"])
        #expect(run.status == 2, "\(run.err)")
        #expect(run.err.contains("--port must be 0-65535"), "\(run.err)")
        #expect(run.out.isEmpty)
    }

    @Test func privateTicketsNeedALogin() throws {
        let closed = try Self.crm(["-c", "ticket list"], environment: ["CRM_PUBLIC_TICKETS": "0"])
        #expect(closed.status == 4)
        #expect(closed.err == "-c:1: error: permission denied: ticket.read requires login\n")
        let open = try Self.crm(["-c", "ticket list"])
        #expect(open.status == 0)
        #expect(open.out.hasSuffix("(0 of 0 tickets)\n"))
        let loggedIn = try Self.crm(["--token", "agent123", "-c", "ticket list"], environment: ["CRM_PUBLIC_TICKETS": "0"])
        #expect(loggedIn.status == 0)
    }

    // MARK: formats

    @Test func jsonFormatWritesOneJSONValuePerLine() throws {
        let run = try Self.crm(
            [
                "--format", "json", "-c", "login agent123", "-c", "customer list", "-c", "customer show 1",
                "-c", "ticket create --customer 1 --subject 'Printer \"on fire\"' --tag hot", "-c", "ticket list",
                "-c", "note add 1 Called back, left voicemail", "-c", "ticket show 1",
            ])
        #expect(run.status == 0)
        #expect(run.err == "")
        #expect(run.out.hasSuffix("\n"))
        let lines = run.out.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 7)
        for line in lines {
            #expect(throws: Never.self, "\(line)") {
                _ = try JSONSerialization.jsonObject(with: Data(line.utf8))
            }
        }
        let ticket = try #require(try JSONSerialization.jsonObject(with: Data(lines[3].utf8)) as? [String: Any])
        #expect(ticket["subject"] as? String == #"Printer "on fire""#)
        #expect(ticket["customer_id"] as? Int == 1)
        #expect(ticket["tags"] as? [String] == ["hot"])
    }

    @Test func csvFormatFromTheCommandLine() throws {
        let run = try Self.crm(["--format", "csv", "--token", "agent123", "-c", "customer list"])
        #expect(run.status == 0)
        #expect(
            run.out
                == "id,name,email,company,created_at,updated_at,version\r\n"
                + "1,Jane Doe,jane@example.com,,2025-01-06T09:00:00Z,2025-01-06T09:00:00Z,1\r\n"
                + "2,John Smith,john@example.com,,2025-01-06T09:00:00Z,2025-01-06T09:00:00Z,1\r\n")
    }

    @Test(arguments: ["xml", "JSON", ""])
    func anUnknownFormatIsAUsageError(format: String) throws {
        let run = try Self.crm(["--format", format, "-c", "whoami"])
        #expect(run.status == 2)
        #expect(run.err.contains("error: unknown format '\(format)'"))
        #expect(run.out.isEmpty)
    }

    // MARK: process flags

    @Test func anUnknownProcessFlagIsAUsageError() throws {
        let run = try Self.crm(["--frobnicate", "-c", "whoami"])
        #expect(run.status == 2)
        #expect(run.out.isEmpty)
        #expect(run.err.contains("--frobnicate"))
    }

    @Test func versionAndHelp() throws {
        let version = try Self.crm(["--version"])
        #expect(version.status == 0)
        #expect(version.out == "0.1.0\n")
        let help = try Self.crm(["--help"])
        #expect(help.status == 0)
        #expect(help.out.contains("--keep-going"))
        #expect(help.out.contains("--token"))
    }

    @Test func aMalformedClockSettingIsRejected() throws {
        let run = try Self.crm(["-c", "whoami"], environment: ["CRM_NOW": "yesterday"])
        #expect(run.status == 2)
        #expect(run.err.contains("CRM_NOW"))
    }
}
