import CRMTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Scripts through the built `crm` (DESIGN §5.1, §5.2, §5.5, §5.6): piped input that stops early, every kind of
/// `-f` input, `-c` and `-f` in order, refused bytes, failed writes, `--token-file`, and Ctrl-C.
struct BinaryScriptTests {
    static func crm(_ arguments: [String], input: String? = nil) throws -> Run {
        try BinaryTests.crm(arguments, input: input)
    }

    /// Runs `command` with bash in a fresh folder, `$CRM` naming the built binary; returns status, stdout, stderr.
    /// Bash starts with SIGPIPE at its default, as in a user's terminal: the test process ignores it, `Process`
    /// passes that on, and `yes` or `cat` feeding a `crm` that stopped early would then print "Broken pipe".
    static func bash(_ command: String, in folder: TemporaryDirectory? = nil) throws -> Run {
        let scratch = try folder ?? TemporaryDirectory()
        defer { withExtendedLifetime(scratch) {} }  // removed only when the scope ends
        var environment = Binary.environment(home: scratch.path)
        environment["CRM"] = try crmExecutable().path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["--default-signal=PIPE", "/bin/bash", "-c", command]
        process.currentDirectoryURL = scratch.url
        process.environment = environment
        let out = scratch.url.appendingPathComponent(".bash-stdout")
        let err = scratch.url.appendingPathComponent(".bash-stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return Run(
            status: process.terminationStatus, stdout: try Data(contentsOf: out), stderr: try Data(contentsOf: err),
            timedOut: process.terminationReason == .uncaughtSignal)
    }

    // MARK: input that stops early (the SIGILL of issue 10)

    @Test(arguments: [
        ("bogus\nwhoami", Int32(2), "-:1: error: unknown command 'bogus'\n", ""),
        ("whoami\nexit\nwhoami\nwhoami", 0, "", "anonymous\n"),
        ("whoami\r\nbogus\r\nwhoami\r\nwhoami\r\n", 2, "-:2: error: unknown command 'bogus'\n", "anonymous\n"),
    ])
    func pipedInputThatStopsEarlyExitsCleanly(script: String, status: Int32, stderr: String, stdout: String) throws {
        for repeated in [script, script + String(repeating: "\nwhoami", count: 50_000)] {
            let run = try Self.crm([], input: repeated)
            #expect(!run.timedOut, "crm died of a signal")
            #expect(run.status == status)
            #expect(run.err == stderr)
            #expect(run.out == stdout)
        }
    }

    @Test func aPipeThatStopsEarlyExitsCleanly() throws {
        let run = try Self.bash(#"yes whoami | head -c 2000000 | { printf 'bogus\n'; cat; } | "$CRM"; echo "status $?""#)
        #expect(run.out == "status 2\n")
        #expect(run.err == "-:1: error: unknown command 'bogus'\n")
    }

    // MARK: -f reads any kind of input

    @Test func dashFReadsProcessSubstitutionStdinAndDevStdin() throws {
        let substituted = try Self.bash(#""$CRM" -f <(printf 'whoami\nticket show 7\n')"#)
        #expect(substituted.status == 1)
        #expect(substituted.out == "anonymous\n")
        #expect(substituted.err.hasSuffix(":2: error: ticket/7 not found\n"))
        for file in ["-", "/dev/stdin"] {
            let piped = try Self.bash(#"printf 'whoami\nwhoami\n' | "$CRM" -f "# + file)
            #expect(piped.status == 0)
            #expect(piped.out == "anonymous\nanonymous\n", "-f \(file)")
        }
        let dash = try Self.crm(["-f", "-"], input: "whoami\ntickt\n")
        #expect(dash.status == 2)
        #expect(dash.err == "-:2: error: unknown command 'tickt'; did you mean 'ticket'?\n")
    }

    @Test func dashFReadsAFIFO() throws {
        let folder = try TemporaryDirectory()
        let fifo = folder.url.appendingPathComponent("script.fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        let run = try Self.bash(#"printf 'whoami\nlogin agent123\nwhoami\n' > script.fifo & "$CRM" -f script.fifo"#, in: folder)
        #expect(run.status == 0)
        #expect(run.out == "anonymous\nlogged in as agent (agent)\nagent (agent); token 1 \"seed\", never expires\n")
    }

    @Test func aFileThatCannotBeReadSaysWhy() throws {
        try withTemporaryDirectory { folder in
            try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("dir"), withIntermediateDirectories: true)
            let directory = try folder.crm(["-f", "dir"])
            #expect(directory.status == 1)
            #expect(directory.err == "error: cannot read 'dir': Is a directory\n")
            let missing = try Self.crm(["-f", "nope.crm"])
            #expect(missing.err == "error: cannot read 'nope.crm': No such file or directory\n")
            let source = try Self.crm(["-c", "source dir/nope.crm"])
            #expect(source.status == 1)
            #expect(source.err == "-c:1: error: cannot read 'dir/nope.crm': No such file or directory\n")
        }
    }

    // MARK: -c and -f together

    @Test func dashCAndDashFRunInTheOrderGiven() throws {
        try withTemporaryDirectory { folder in
            try folder.write("a.crm", "login agent123\n")
            try folder.write("b.crm", "logout\nwhoami\n")
            let run = try folder.crm(
                ["-c", "whoami", "-f", "a.crm", "-c", "whoami", "-f", "b.crm", "-c", "ticket show 5", "-c", "whoami"])
            #expect(run.status == 1)
            #expect(run.out == "anonymous\nlogged in as agent (agent)\nagent (agent); token 1 \"seed\", never expires\nlogged out\nanonymous\n")
            #expect(run.err == "-c:3: error: ticket/5 not found\n")
        }
    }

    @Test func anOpenQuoteInADashCIsAUsageErrorThatSwallowsNothing() throws {
        let run = try Self.crm(["-c", "note add 1 'open", "-c", "whoami"])
        #expect(run.status == 2)
        #expect(run.err == "-c:1: error: unterminated quote\n")
        #expect(run.out == "")
        let going = try Self.crm(["--keep-going", "-c", "ticket show 1 \"", "-c", "whoami"])
        #expect(going.status == 2)
        #expect(going.out == "anonymous\n")
    }

    // MARK: refused bytes

    @Test func invalidUTF8OrNULOnStdinIsRefusedWithItsLine() throws {
        try withTemporaryDirectory { folder in
            let input = folder.url.appendingPathComponent("in.crm")
            try (Data("whoami\nnote add 1 caf".utf8) + Data([0xE9]) + Data("\nwhoami\n\0\n".utf8)).write(to: input)
            let run = try folder.crm(["--keep-going"], stdinFile: input.path)
            #expect(run.status == 1)
            #expect(run.err == "-:2: error: the line is not valid UTF-8\n-:4: error: the line contains a NUL byte\n")
            #expect(run.out == "anonymous\nanonymous\n")
        }
    }

    // MARK: failed writes

    @Test func aFailedWriteToStdoutIsAnError() throws {
        let run = try Self.bash(#""$CRM" -c 'help' -c 'whoami' > /dev/full; echo "status $?""#)
        #expect(run.out == "status 1\n")
        #expect(run.err == "error: cannot write to stdout: No space left on device\n")
    }

    /// Input that never breaks its line is refused at 16 MiB instead of filling memory; a 1 MB line is fine.
    @Test func aLineWithoutEndIsRefusedAndALongOneIsKept() throws {
        let endless = try Self.bash(#""$CRM" -f /dev/zero; echo "status $?""#)
        #expect(endless.out == "status 1\n")
        #expect(endless.err == "/dev/zero:1: error: cannot read: a line is longer than 16 MiB (no line break in sight)\n")
        let long = try Self.bash(
            #"{ echo 'login agent123'; printf 'customer create --name "%s" --email a@example.com\n' "$(head -c 1000000 /dev/zero | tr '\0' x)"; } | "$CRM" --format csv; echo "status $?""#)
        #expect(long.err == "-:2: error: name: must be at most 200 characters and 800 bytes (got 1000000 bytes)\n")
        #expect(long.out.hasSuffix("status 1\n"))
    }

    // MARK: --db that is a mistyped URL

    /// A mistyped PostgreSQL URL is refused without its password and leaves no SQLite file of that name behind; a
    /// URL of another database is a usage error.
    @Test(arguments: [
        ("postgres:/postgres:s3cret@127.0.0.1/db", Int32(1), "error: bad database URL: it must start with postgres:// or postgresql://\n"),
        ("postgres:s3cret@localhost", 1, "error: bad database URL: it must start with postgres:// or postgresql://\n"),
        ("PostgreSQL:/u:s3cret@h/d", 1, "error: bad database URL: it must start with postgres:// or postgresql://\n"),
        ("mysql://u:s3cret@h/d", 2, "error: --db: crm cannot use a mysql:// database; give a postgres:// URL or a SQLite file path\n"),
    ])
    func aMistypedDatabaseURLIsRefusedWithoutItsPassword(url: String, status: Int32, stderr: String) throws {
        try withTemporaryDirectory { folder in
            let run = try folder.crm(["--db", url, "-c", "whoami"])
            #expect(run.status == status)
            #expect(run.err == stderr)
            #expect(!run.out.contains("s3cret"))
            let left = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }
            #expect(left.isEmpty, "\(left)")
        }
    }

    // MARK: --token-file

    @Test func tokenFileLogsInWithoutTheTokenOnTheCommandLine() throws {
        try withTemporaryDirectory { folder in
            let good = try folder.write("token", "agent123\r\n")
            chmod(good, 0o600)
            let run = try folder.crm(["--token-file", "token", "-c", "whoami"])
            #expect(run.status == 0)
            #expect(run.out == "agent (agent); token 1 \"seed\", never expires\n")
            let substituted = try Self.bash(#""$CRM" --token-file <(printf 'admin123\n') -c whoami"#)
            #expect(substituted.out == "admin (admin); token 2 \"seed\", never expires\n")

            let open = try folder.write("open-token", "admin123\n")
            chmod(open, 0o644)
            let refused = try folder.crm(["--token-file", "open-token", "-c", "whoami"])
            #expect(refused.status == 2)
            #expect(refused.err.contains("may be read by group or others"))
            let wrong = try folder.write("wrong-token", "Sup3rSecret\n")
            chmod(wrong, 0o600)
            let denied = try folder.crm(["--token-file", "wrong-token", "-c", "whoami"])
            #expect(denied.status == 4)
            let missing = try folder.crm(["--token-file", "missing", "-c", "whoami"])
            #expect(missing.status == 1)
            #expect(missing.err == "error: cannot read token file 'missing': No such file or directory\n")
            for run in [refused, denied, missing] {
                #expect(!run.err.contains("admin123") && !run.err.contains("Sup3rSecret"))
                #expect(run.out.isEmpty)
            }
        }
    }
}
