import CRMDomain
import CRMMemoryStore
import Foundation

/// The throw-away world a lesson runs in: a fresh in-memory store with the demo seed (never the user's data, whatever
/// `--db` or the environment say), the lesson's setup applied as admin, and the trainee's own shell session.
final class LessonWorld {
    /// The demo seed's tokens, which lessons teach with.
    static let seedTokens = ["agent": "agent123", "admin": "admin123"]

    let lesson: Lesson
    let service: CRMService
    /// An admin caller: runs setup commands and reads the store for checks.
    let admin: Caller
    /// The trainee's session, through which every typed command and model solution runs.
    let runner: CommandRunner
    /// The exit status of the trainee's last command (what a script would have exited with).
    var lastStatus: ExitStatus = .success
    private let setupRunner: CommandRunner
    private let sink: MutableSink

    /// A fresh world for `lesson`: seeded, set up, with the trainee logged in as the lesson says. Output goes to
    /// `sink` (what `source` prints) unless muted. `clockStart` fixes the clock (`CRM_NOW`); nil for the wall clock.
    init(lesson: Lesson, clockStart: Timestamp?, sink: any OutputSink) async throws(LessonError) {
        self.lesson = lesson
        let clock: any CRMClock = clockStart.map { SteppingClock(start: $0) } ?? SystemClock()
        let store = InMemoryCRMStore(seed: .demo(), seededAt: clockStart ?? SystemClock().now())
        let service = CRMService(store: store, clock: clock)
        self.service = service
        let admin: Caller
        do {
            admin = try await service.login(token: Self.seedTokens["admin"]!, via: .shell)
        } catch {
            throw LessonError(source: lesson.source, message: "cannot log in as admin on the lesson's store: \(error)")
        }
        self.admin = admin
        self.setupRunner = CommandRunner(session: Session(service: service, caller: admin))
        let session = Session(service: service)
        let mutableSink = MutableSink(sink)
        self.sink = mutableSink
        session.scriptSource = ScriptSource(options: ScriptOptions(), sink: mutableSink)
        self.runner = CommandRunner(session: session)
        try await self.runSetup(lesson.setup, step: nil)
        if let user = lesson.startsAs, let token = Self.seedTokens[user] {
            do {
                session.caller = try await self.service.login(token: token, via: .shell)
            } catch {
                throw LessonError(source: lesson.source, message: "cannot log in as \(user): \(error)")
            }
        }
    }

    var session: Session { self.runner.session }

    /// The step's setup, run as admin when the step begins; a failing command is the lesson's fault.
    func enter(step index: Int) async throws(LessonError) {
        try await self.runSetup(self.lesson.steps[index].setup, step: index)
    }

    /// Runs the step's model solution in the trainee's session without showing its output.
    func applySolution(of index: Int) async {
        self.sink.muted = true
        defer { self.sink.muted = false }
        for line in self.lesson.steps[index].solution {
            self.lastStatus = await self.runner.run(line.command).status
        }
    }

    /// Runs one command typed by the trainee.
    func run(_ words: [Word]) async -> CommandResult {
        let result = await self.runner.execute(words)
        self.lastStatus = result.status
        return result
    }

    /// The first of the step's checks that does not hold now (with its line), or nil when the step is done.
    func failingCheck(of index: Int) async -> (check: LessonCheck, line: Int)? {
        let context = CheckContext(
            service: self.service, reader: self.admin, trainee: self.session.caller, lastStatus: self.lastStatus,
            format: self.session.format)
        for check in self.lesson.steps[index].checks {
            if !(await check.check.holds(in: context)) { return check }
        }
        return nil
    }

    /// A world at the start of step `index`: fresh, set up, every earlier step's solution applied, and the step
    /// entered.
    static func atStart(of index: Int, lesson: Lesson, clockStart: Timestamp?, sink: any OutputSink)
        async throws(LessonError) -> LessonWorld
    {
        let world = try await LessonWorld(lesson: lesson, clockStart: clockStart, sink: sink)
        for earlier in 0..<index {
            try await world.enter(step: earlier)
            await world.applySolution(of: earlier)
        }
        if index < lesson.steps.count { try await world.enter(step: index) }
        world.lastStatus = .success
        return world
    }

    private func runSetup(_ lines: [LessonLine], step: Int?) async throws(LessonError) {
        for line in lines {
            let result = await self.setupRunner.run(line.command)
            guard result.status == .success else {
                throw LessonError(
                    source: self.lesson.source, line: line.line,
                    step: step.map { ($0 + 1, self.lesson.steps[$0].title) },
                    message: "setup '\(line.command)' failed: \(result.error)")
            }
        }
    }
}

/// An output sink that can be muted (while a model solution replays) and passes everything on otherwise.
final class MutableSink: OutputSink {
    private let target: any OutputSink
    var muted = false

    init(_ target: any OutputSink) {
        self.target = target
    }

    func write(output: String) {
        if !self.muted { self.target.write(output: output) }
    }

    func write(error: String) {
        if !self.muted { self.target.write(error: error) }
    }

    func flush() {
        self.target.flush()
    }
}
