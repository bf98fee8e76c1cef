import Testing

import CRMTestSupport

@testable import CRMShell

/// The check language of lessons (docs/training.md) evaluated against a lesson's world: domain reads only, so any
/// way of reaching a state passes.
struct LessonCheckTests {
    /// A world with two tickets (one assigned to the trainee, with notes and tags) and a customer with a company.
    static func world() async throws -> LessonWorld {
        let text = """
            title: Checks
            as: agent
            setup: customer create --name "Ann Lee" --email ann@example.com --company Acme
            setup: ticket create --customer 1 --subject "Cannot log in" --priority high --tag login --tag vip
            setup: ticket create --customer 3 --subject "Invoice missing" --description "March invoice"
            setup: ticket assign 1 agent
            setup: note add 1 Called Jane back
            setup: note add 1 Reset mail was in spam
            step: Anything
            text: -
            check: session exit=0
            solution: whoami
            """
        let lesson = try LessonParser.parse(text, name: "checks", source: "checks.lesson")
        return try await LessonWorld(lesson: lesson, clockStart: t0, sink: CapturingSink())
    }

    @Test(arguments: [
        ("ticket 1 status=open priority=high assignee=me customer=1", true),
        ("ticket 1 assignee=agent notes>=2 notes<3 note~spam tag=vip tag!=billing subject~\"LOG IN\"", true),
        ("ticket 1 notes>2", false),
        ("ticket 1 tag=billing", false),
        ("ticket 2 assignee=none description~march", true),
        ("ticket 2 assignee=me", false),
        ("ticket 3", false),
        ("ticket any customer=3 priority=normal", true),
        ("ticket any status=closed", false),
        ("ticket none status=closed", true),
        ("ticket none assignee=none", false),
        ("customer 3 company=Acme email=ann@example.com", true),
        ("customer 1 company=none", true),
        ("customer any name~lee", true),
        ("customer none email~example.com", false),
        ("session user=agent role=agent exit=0 format=table", true),
        ("session user=none", false),
        ("session exit!=0", false),
    ])
    func checksReadTheState(check: String, holds: Bool) async throws {
        let world = try await Self.world()
        let parsed = try LessonCheck(parsing: check)
        let context = CheckContext(
            service: world.service, reader: world.admin, trainee: world.session.caller, lastStatus: world.lastStatus,
            format: world.session.format)
        #expect(await parsed.holds(in: context) == holds)
    }

    @Test func theLastExitStatusIsTheTraineesLastCommand() async throws {
        let world = try await Self.world()
        let check = try LessonCheck(parsing: "session exit=2")
        func holds() async -> Bool {
            await check.holds(
                in: CheckContext(
                    service: world.service, reader: world.admin, trainee: world.session.caller,
                    lastStatus: world.lastStatus, format: world.session.format))
        }
        _ = await world.run([Word("ticket"), Word("lst")])
        #expect(await holds())
        _ = await world.run([Word("whoami")])
        #expect(!(await holds()))
    }
}

/// Tab in a lesson completes the meta-commands too.
struct MetaCommandCompletionTests {
    @Test(arguments: [
        (":h", "", [":hint", ":help"]),
        (":hi", "nt ", []),
        (":", "", TrainingSession.metaCommands),
        (":x", "", []),
    ])
    func tabCompletesMetaCommands(text: String, insertion: String, candidates: [String]) {
        #expect(LessonRunner.completeMetaCommand(text) == Completion(insertion: insertion, candidates: candidates))
    }
}
