import CRMTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Ctrl-C in a script (DESIGN §5.3, §5.5): it stops at a command boundary, says `interrupted` and exits 130, and
/// the output ends on a whole record.
struct InterruptionTests {
    /// Starts crm with `arguments` and stdin from `input`, waits until it has written some output, sends SIGINT,
    /// and returns what it did.
    static func interrupt(_ arguments: [String], input: Any, in folder: TemporaryDirectory) throws -> Run {
        let out = folder.url.appendingPathComponent("stdout")
        let err = folder.url.appendingPathComponent("stderr")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let process = Process()
        process.executableURL = try crmExecutable()
        process.arguments = arguments
        process.currentDirectoryURL = folder.url
        process.environment = Binary.environment(home: folder.path)
        process.standardInput = input
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        try process.run()
        let deadline = Date().addingTimeInterval(60)
        while process.isRunning, Date() < deadline,
            ((try? FileManager.default.attributesOfItem(atPath: out.path)[.size] as? Int) ?? 0) < 20_000
        {
            usleep(10_000)  // polling the output file's size: there is no event to wait on
        }
        #expect(process.isRunning, "the script ended before it could be interrupted")
        kill(process.processIdentifier, SIGINT)
        let watchdog = DispatchWorkItem { if process.isRunning { process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 30, execute: watchdog)
        process.waitUntilExit()
        watchdog.cancel()
        return Run(
            status: process.terminationStatus, stdout: try Data(contentsOf: out), stderr: try Data(contentsOf: err),
            timedOut: process.terminationReason == .uncaughtSignal)
    }

    /// Every line of JSON Lines output is a whole JSON value.
    static func expectWholeRecords(_ run: Run, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!run.timedOut, "crm died of a signal", sourceLocation: sourceLocation)
        #expect(run.status == 130, sourceLocation: sourceLocation)
        #expect(run.err == "interrupted\n", sourceLocation: sourceLocation)
        #expect(run.out.hasSuffix("\n"), sourceLocation: sourceLocation)
        for line in run.out.split(separator: "\n") {
            #expect(
                (try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "a cut record: \(line)",
                sourceLocation: sourceLocation)
        }
    }

    @Test func sigintStopsAFileScriptAtACommandBoundary() throws {
        try withTemporaryDirectory { folder in
            let script = "login agent123\n" + String(repeating: "customer list\nticket create --customer 1 --subject S\n", count: 200_000)
            let path = try folder.write("long.crm", script)
            let run = try Self.interrupt(["--format", "json", "-f", path], input: FileHandle.nullDevice, in: folder)
            Self.expectWholeRecords(run)
        }
    }

    @Test func sigintStopsAPipedScriptAtACommandBoundary() throws {
        try withTemporaryDirectory { folder in
            let pipe = Pipe()
            let producer = Process()
            producer.executableURL = URL(fileURLWithPath: "/usr/bin/yes")
            producer.arguments = ["customer show 1"]
            producer.standardOutput = pipe
            try producer.run()
            defer { producer.terminate() }
            let run = try Self.interrupt(
                ["--format", "json", "--token", "agent123"], input: pipe.fileHandleForReading, in: folder)
            try? pipe.fileHandleForReading.close()
            Self.expectWholeRecords(run)
        }
    }
}

/// Ctrl-C while `source FILE` runs in the interactive shell stops the source at a command boundary and returns to
/// the prompt; the shell keeps going (DESIGN §5.3).
@Suite(.serialized)
struct InteractiveInterruptionTests {
    /// Ctrl-C on the shell's controlling terminal during a `source` keeps a line typed ahead meanwhile: it runs at
    /// the next prompt (the terminal flushed it with the SIGINT before).
    @Test func ctrlCKeepsWhatWasTypedAhead() throws {
        let folder = try TemporaryDirectory()
        try folder.write("long.crm", String(repeating: "whoami\n", count: 500_000))
        let shell = try InteractiveTests.Shell(folder: folder, controlling: true).started()
        try shell.terminal.type("source long.crm\r", until: "anonymous")
        try shell.terminal.send("login agent123\r")
        try shell.terminal.send("\u{03}")
        try shell.terminal.waitFor("interrupted", timeout: 20)
        try shell.terminal.waitFor("logged in as agent (agent)")
        try shell.terminal.waitFor("crm(agent)> ")
        #expect(try shell.leave() == 0)
    }

    @Test func ctrlCStopsASourceAndReturnsToThePrompt() throws {
        let folder = try TemporaryDirectory()
        try folder.write("long.crm", String(repeating: "whoami\n", count: 500_000))
        let shell = try InteractiveTests.Shell(folder: folder).started()
        try shell.terminal.type("source long.crm\r")
        try shell.terminal.waitFor("anonymous")
        // What Ctrl-C on a controlling terminal sends (the test's pty is not the shell's controlling terminal).
        kill(shell.terminal.process.processIdentifier, SIGINT)
        let shown = try shell.terminal.waitFor("interrupted", timeout: 20)
        #expect(!shown.contains("crm> "), "the source was still running when Ctrl-C came")
        try shell.terminal.waitFor("crm> ")
        try shell.command("login agent123", shows: "logged in as agent (agent)")
        #expect(try shell.leave() == 0)
    }
}
