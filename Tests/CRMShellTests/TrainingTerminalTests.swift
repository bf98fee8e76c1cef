import CRMTestSupport
import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Training mode and walkthroughs on a real terminal (DESIGN §8, §5.4): a lesson typed key by key, with a wrong
/// command, a hint, ✓, `:back`, `:reset`, `:quit` and a resumed session; `--step` keys; dimmed narration.
@Suite(.serialized)
struct TrainingTerminalTests {
    /// `crm ARGUMENTS` on a terminal in `folder` (its home), with a history file the lesson must never write.
    static func terminal(_ arguments: [String], in folder: TemporaryDirectory, colors: Bool = false) throws -> PseudoTerminal {
        var extra = ["TERM": "xterm", "CRM_HISTFILE": folder.path + "/history"]
        if !colors { extra["NO_COLOR"] = "1" }
        return try PseudoTerminal(
            arguments: arguments, environment: Binary.environment(home: folder.path, extra: extra), directory: folder.url)
    }

    @Test func aLessonTypedOnATerminal() throws {
        let folder = try TemporaryDirectory()
        let terminal = try Self.terminal(["train", "first-day"], in: folder)
        try terminal.waitFor("Step 1 of 6: Log in")
        try terminal.waitFor("[1/6] crm> ")
        // A wrong command: its own output, the step stays open, nothing discouraging.
        try terminal.type("whoami\r")
        let wrong = try terminal.waitFor("[1/6] crm> ")
        #expect(wrong.contains("anonymous"))
        #expect(!wrong.contains("✓") && !wrong.contains("error"))
        try terminal.type(":hint\r", until: "Hint 1 of 2: The command is `login`, followed by the token.", "[1/6] crm> ")
        try terminal.type(
            "login agent123\r", until: "✓ Log in", "Step 2 of 6: Open a ticket for Jane Doe", "[2/6] crm(agent)> ")
        // :back is step 1 as it began: logged out again.
        try terminal.type(":back\r", until: "Back to step 1, as it was at its start.", "[1/6] crm> ")
        try terminal.type("login agent123\r", until: "✓ Log in")
        try terminal.type(
            "ticket create --customer 1 --subject \"Cannot log in\"\r",
            until: "✓ Open a ticket for Jane Doe", "[3/6] crm(agent)> ")
        try terminal.type("ticket assign 1 me\r", until: "[3/6] crm(agent)> ")
        // :reset undoes the assignment: step 3 as it began.
        try terminal.type(":reset\r", until: "Step 3 is back at its start.", "[3/6] crm(agent)> ")
        try terminal.type("ticket list --assignee none\r")
        #expect(try terminal.waitFor("[3/6] crm(agent)> ").contains("Cannot log in"))
        try terminal.type(":quit\r", until: "Progress saved at step 3 of 6; `crm train first-day` resumes here.")
        #expect(try terminal.waitForExit() == 0)
        #expect(!FileManager.default.fileExists(atPath: folder.path + "/history"), "the user's history is never written")

        let resumed = try Self.terminal(["train", "first-day"], in: folder)
        try resumed.waitFor("Resuming at step 3")
        try resumed.waitFor("Step 3 of 6: Take the ticket")
        try resumed.waitFor("[3/6] crm(agent)> ")
        try resumed.type("ticket assign 1 me\r")
        try resumed.waitFor("[3/6] crm(agent)> ")
        try resumed.type("ticket update 1 --status in_progress\r")
        try resumed.waitFor("✓ Take the ticket")
        try resumed.waitFor("[4/6] crm(agent)> ")
        try resumed.type("\u{04}")
        try resumed.waitFor("Progress saved at step 4 of 6")
        #expect(try resumed.waitForExit() == 0)
    }

    @Test func stepReadsAKeyWithoutEcho() throws {
        let folder = try TemporaryDirectory()
        try folder.write("walk.crm", "# Who am I?\nwhoami\nlogin agent123\nwhoami\ncustomer list\nwhoami\n")
        let terminal = try Self.terminal(["--step", "-f", "walk.crm"], in: folder)
        try terminal.waitFor("# Who am I?\r\ncrm> whoami\r\n")
        try terminal.type("\r", until: "anonymous\r\ncrm> login ****\r\n")
        try terminal.type("s")
        let skipped = try terminal.waitFor("(skipped)\r\ncrm> whoami\r\n")
        #expect(skipped == "(skipped)\r\ncrm> whoami\r\n", "the key is not echoed")
        try terminal.type("x\r", until: "anonymous\r\ncrm> customer list\r\n")
        try terminal.type("q")
        #expect(try terminal.waitForExit() == 0)
        #expect(!terminal.unread.contains("Jane"))
    }

    @Test func narrationIsDimmedOnATerminal() throws {
        let folder = try TemporaryDirectory()
        try folder.write("walk.crm", "# Jane writes in.\nwhoami\n")
        let terminal = try Self.terminal(["--echo", "-f", "walk.crm"], in: folder, colors: true)
        try terminal.waitFor("\u{1B}[2m# Jane writes in.\u{1B}[0m\r\ncrm> whoami\r\nanonymous")
        #expect(try terminal.waitForExit() == 0)
    }
}
