import CRMTestSupport
import Foundation
import Testing

@testable import CRMShell

/// Training mode through the built binary (DESIGN §8): `--check` on every shipped lesson and on broken ones, lessons
/// driven by piped input, progress kept per user (0600) and resumed, and real data never touched.
struct TrainingTests {
    static let lessons = ["first-day", "triage", "lifecycle", "scripting"]

    /// Runs `crm ARGUMENTS` in `folder` (its home too), with `input` on stdin.
    static func crm(
        _ arguments: [String], in folder: TemporaryDirectory, input: String = "", environment extra: [String: String] = [:]
    ) throws -> Run {
        try runCRM(
            arguments, in: folder.url, environment: Binary.environment(home: folder.path, extra: extra), input: input)
    }

    /// The progress file of a run in `folder` (whose HOME it is).
    static func progressPath(_ folder: TemporaryDirectory) -> String {
        folder.path + "/.local/state/crm/training"
    }

    // MARK: --check

    @Test(arguments: lessons)
    func checkPassesOnEveryShippedLesson(name: String) throws {
        let run = try Self.crm(["train", "--check", name], in: TemporaryDirectory())
        #expect(run.err == "")
        #expect(run.status == 0)
        #expect(run.out.hasPrefix("\(name).lesson: ok ("))
    }

    @Test func checkWithoutALessonChecksEveryShippedLesson() throws {
        let run = try Self.crm(["train", "--check"], in: TemporaryDirectory())
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.split(separator: "\n").map { String($0.prefix { $0 != ":" }) } == Self.lessons.map { "\($0).lesson" })
    }

    /// A lesson whose one step opens a ticket; `step` replaces the check and solution lines.
    static func lesson(title: String = "title: Broken on purpose", _ step: String) -> String {
        "# line 1\n\(title)\n\nstep: Open a ticket\ntext: Open a ticket for Jane.\n\(step)"
    }

    @Test(arguments: [
        (lesson("check: ticket 1 status=closed\nsolution: login agent123\nsolution: ticket create --customer 1 --subject A\n"),
         ":6: step 1 'Open a ticket': check 'ticket 1 status=closed' does not hold after the model solution"),
        (lesson("check: session exit=0\nsolution: login agent123\n"),
         ":4: step 1 'Open a ticket': every check already holds before the model solution runs"),
        (lesson("check: ticket any stat=open\nsolution: whoami\n"),
         ":6: step 1 'Open a ticket': check: unknown ticket field 'stat'; did you mean 'status'?"),
        (lesson("check: ticket any status=opened\nsolution: whoami\n"), ":6: step 1 'Open a ticket': check: 'opened' is not a status"),
        (lesson("chekc: ticket any\nsolution: whoami\n"), ":6: step 1 'Open a ticket': unknown key 'chekc'; did you mean 'check'?"),
        (lesson("check: ticket any\n"), ":4: step 1 'Open a ticket': has no 'solution:' line"),
        (lesson("check: ticket any\nsolution: note add 1 'open\n"), ":7: step 1 'Open a ticket': solution: unterminated quote"),
        (lesson("setup: ticket show 99\ncheck: ticket any\nsolution: whoami\n"),
         ":6: step 1 'Open a ticket': setup 'ticket show 99' failed: ticket/99 not found"),
        (lesson(title: "", "check: ticket any\nsolution: whoami\n"), ": no 'title:' line"),
        ("title: Nothing to do\n", ": no 'step:' line"),
        ("title: Stray\n| a file line\n", ":2: a '|' line belongs after 'file: NAME'"),
    ])
    func checkFailsOnABrokenLessonNamingTheStepAndLine(text: String, message: String) throws {
        let folder = try TemporaryDirectory()
        let path = try folder.write("broken.lesson", text)
        let run = try Self.crm(["train", "--check", "--file", path], in: folder)
        #expect(run.status == 1)
        #expect(run.out == "")
        #expect(run.err.hasPrefix("error: \(path)\(message)"), "\(run.err)")
    }

    @Test func theDocumentedExampleLessonPassesItsCheck() throws {
        let guide = try String(
            contentsOf: Binary.packageRoot.appendingPathComponent("docs/training.md"), encoding: .utf8)
        let start = try #require(guide.range(of: "### A complete example\n\n"))
        let block = guide[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false)
            .prefix { $0.isEmpty || $0.hasPrefix("    ") }
        let lesson = block.map { $0.dropFirst(min(4, $0.count)) }.joined(separator: "\n")
        #expect(lesson.contains("solution: note add 1"))
        let folder = try TemporaryDirectory()
        let path = try folder.write("my.lesson", lesson)
        let run = try Self.crm(["train", "--check", "--file", path], in: folder)
        #expect(run.err == "")
        #expect(run.out == "\(path): ok (2 steps)\n")
    }

    // MARK: piped lessons

    @Test func pipedInputDrivesAWholeLesson() throws {
        let folder = try TemporaryDirectory()
        let answers = """
            whoami
            :hint
            login agent123
            customer list
            ticket create --customer 1 --subject "Cannot log in"
            ticket assign 1 me
            ticket update 1 --status in_progress
            note add 1 Called Jane
            ticket update 1 --status resolved
            note add 1 Jane confirms
            ticket close 1

            """
        let run = try Self.crm(["train", "first-day"], in: folder, input: answers)
        #expect(run.err == "")
        #expect(run.status == 0)
        let out = run.out
        #expect(out.hasPrefix("Lesson: A first day at the desk (6 steps)\n"))
        #expect(out.contains("Step 1 of 6: Log in\n  Every session starts with a login."))
        // A command that does not do the step leaves it open, with nothing but its own output.
        #expect(out.contains("anonymous\nHint 1 of 2: The command is `login`, followed by the token.\nlogged in as agent (agent)\n✓ Log in\n"))
        #expect(out.contains("(1-2 of 2 customers)\ncreated ticket 1\n✓ Open a ticket for Jane Doe\n"))
        let marks = out.split(separator: "\n").filter { $0.hasPrefix("✓ ") }
        #expect(marks.count == 6)
        #expect(out.hasSuffix("Lesson complete: A first day at the desk. `crm train` lists the lessons.\n"))
        #expect(try String(contentsOfFile: Self.progressPath(folder), encoding: .utf8) == "done first-day\n")
    }

    @Test(arguments: lessons)
    func everyLessonCanBeDrivenByItsModelSolution(name: String) throws {
        let lesson = try #require(try ShippedLessons.lesson(named: name))
        let answers = lesson.steps.flatMap { $0.solution.map(\.command) }.joined(separator: "\n") + "\n"
        let run = try Self.crm(["train", name, "--echo"], in: TemporaryDirectory(), input: answers)
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.split(separator: "\n").filter { $0.hasPrefix("✓ ") }.count == lesson.steps.count)
        #expect(run.out.contains("[1/\(lesson.steps.count)] crm"))
    }

    @Test func metaCommandsOnPipedInput() throws {
        let folder = try TemporaryDirectory()
        let answers = """
            login agent123
            :show
            :skip
            :back
            whoami
            :reset
            whoami
            :hint
            :hint
            :hint
            :bogus
            :lessons
            :quit
            whoami

            """
        let run = try Self.crm(["train", "first-day", "--echo"], in: folder, input: answers)
        #expect(run.status == 0, "\(run.err)")
        let out = run.out
        #expect(out.contains("[2/6] crm(agent)> :show\nModel solution:\n  ticket create --customer 1 --subject \"Cannot log in\"\n"))
        #expect(out.contains("[2/6] crm(agent)> :skip\nSkipped; the model solution was run for you:\n"))
        #expect(out.contains("✓ Open a ticket for Jane Doe") == false)
        #expect(out.contains("Step 3 of 6: Take the ticket"))
        // :back returns to step 2 as it was at its start: logged in (step 1 replayed), no ticket yet.
        #expect(out.contains("[3/6] crm(agent)> :back\nBack to step 2, as it was at its start.\n"))
        #expect(out.contains("[2/6] crm(agent)> whoami\nagent (agent)"))
        #expect(out.contains("[2/6] crm(agent)> :reset\nStep 2 is back at its start.\n"))
        #expect(out.contains("Hint 2 of 2: `ticket create --customer ID --subject TEXT` opens a ticket"))
        #expect(out.contains("No more hints for this step; :show shows the model solution.\n"))
        #expect(out.contains("':bogus' is not a training command."))
        #expect(out.contains("[2/6] crm(agent)> :lessons\nLessons (`crm train NAME` starts or resumes one"))
        #expect(out.contains("  first-day  1/6    A first day at the desk"))
        #expect(out.hasSuffix("Progress saved at step 2 of 6; `crm train first-day` resumes here.\n"))
        #expect(try String(contentsOfFile: Self.progressPath(folder), encoding: .utf8) == "2 first-day\n")
    }

    @Test func aLessonResumesWhereItWasLeft() throws {
        let folder = try TemporaryDirectory()
        let first = try Self.crm(
            ["train", "lifecycle"], in: folder, input: "ticket update 1 --status in_progress\nticket update 1 --status pending\n")
        #expect(first.status == 1)
        #expect(first.err == "error: the input ended before the lesson did (step 3 of 7 is open)\n")
        let list = try Self.crm(["train"], in: folder)
        #expect(list.out.contains("lifecycle  2/7    The ticket lifecycle"))
        #expect(list.out.contains("first-day  -      A first day at the desk"))
        let second = try Self.crm(["train", "lifecycle", "--echo"], in: folder, input: "ticket show 1\n:quit\n")
        #expect(second.status == 0)
        #expect(second.out.contains("Resuming at step 3"))
        #expect(second.out.contains("Step 3 of 7: Resolve it"))
        #expect(second.out.contains("pending"))
    }

    @Test func twoLessonsKeepEachOthersProgress() throws {
        let folder = try TemporaryDirectory()
        #expect(try Self.crm(["train", "triage"], in: folder, input: ":skip\n:quit\n").status == 0)
        #expect(try Self.crm(["train", "lifecycle"], in: folder, input: ":skip\n:skip\n:quit\n").status == 0)
        #expect(try String(contentsOfFile: Self.progressPath(folder), encoding: .utf8) == "3 lifecycle\n2 triage\n")
    }

    @Test func progressIsPrivateAndFollowsXDGStateHome() throws {
        let folder = try TemporaryDirectory()
        let state = folder.path + "/state"
        let run = try Self.crm(["train", "triage"], in: folder, input: ":skip\n:quit\n", environment: ["XDG_STATE_HOME": state])
        #expect(run.status == 0)
        var status = stat()
        #expect(stat(state + "/crm/training", &status) == 0)
        #expect(status.st_mode & 0o777 == 0o600)
        #expect(try String(contentsOfFile: state + "/crm/training", encoding: .utf8) == "2 triage\n")
        #expect(!FileManager.default.fileExists(atPath: Self.progressPath(folder)))
    }

    @Test func realDataIsNeverTouched() throws {
        let folder = try TemporaryDirectory()
        let database = folder.path + "/real.sqlite"
        let absent = folder.path + "/absent.sqlite"
        let made = try Self.crm(
            ["--db", database, "-c", "login admin123", "-c", "customer create --name Real --email real@example.com"],
            in: folder)
        #expect(made.status == 0, "\(made.err)")
        let before = try Data(contentsOf: URL(fileURLWithPath: database))
        let answers = "login agent123\ncustomer show 3\n:quit\n"
        let runs = [
            try Self.crm(["train", "first-day", "--db", database], in: folder, input: answers),
            try Self.crm(["train", "first-day", "--db", absent], in: folder, input: answers),
            try Self.crm(["--db", database, "train", "first-day"], in: folder, input: answers),
            try Self.crm(["train", "first-day"], in: folder, input: answers, environment: ["CRM_DATABASE_URL": database]),
        ]
        for run in runs {
            #expect(run.status == 0)
            #expect(run.err.contains("error: customer/3 not found"), "the lesson's store has only the demo data")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == before)
        #expect(!FileManager.default.fileExists(atPath: absent))
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(!files.contains { $0.hasPrefix("real.sqlite-") || $0.hasPrefix("absent") })
    }

    @Test func anUnknownLessonIsAUsageErrorThatSuggests() throws {
        let run = try Self.crm(["train", "triag"], in: TemporaryDirectory())
        #expect(run.status == 2)
        #expect(run.err.hasPrefix("error: unknown lesson 'triag'; did you mean 'triage'?"))
    }

    @Test func aScriptLessonRunsInItsOwnFolder() throws {
        let folder = try TemporaryDirectory()
        let run = try Self.crm(["train", "scripting"], in: folder, input: "source morning.crm\nsource broken.crm\n:quit\n")
        #expect(run.status == 0)
        #expect(run.out.contains("✓ Run a script\n"))
        #expect(run.out.contains("✓ A script stops at its first error\n"))
        #expect(run.err.contains("broken.crm:3: error: "))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).allSatisfy { !$0.hasSuffix(".crm") })
    }

    @Test func aLessonWithWindowsLineEndingsReadsLikeAnyOther() throws {
        let text = Self.lesson("check: ticket any\nsolution: login agent123\nsolution: ticket create --customer 1 --subject A\n")
        let lesson = try LessonParser.parse(text.replacingOccurrences(of: "\n", with: "\r\n"), name: "crlf", source: "crlf.lesson")
        #expect(lesson.title == "Broken on purpose")
        #expect(lesson.steps.count == 1)
        #expect(lesson.steps[0].solution.map(\.command) == ["login agent123", "ticket create --customer 1 --subject A"])
        #expect(lesson.steps[0].checks.map(\.line) == [6])
    }

    // MARK: the check language

    @Test(arguments: [
        ("ticket", "ticket needs an ID, 'any' or 'none'"),
        ("tickets any", "unknown subject 'tickets'"),
        ("ticket abc", "'abc' is not a ticket ID, 'any' or 'none'"),
        ("ticket any status", "'status' is not FIELD OP VALUE"),
        ("ticket any notes~2", "notes is a number"),
        ("ticket any subject>=2", "subject is text"),
        ("ticket any priority=high assignee=", "'assignee=' has no value"),
        ("session", "session needs a condition"),
        ("customer 1 email~\"open", "unterminated quote"),
    ])
    func malformedChecksAreRefused(text: String, message: String) {
        #expect(throws: LessonCheck.Malformed.self) { try LessonCheck(parsing: text) }
        do {
            _ = try LessonCheck(parsing: text)
        } catch {
            #expect(error.description.contains(message), "\(error)")
        }
    }
}
