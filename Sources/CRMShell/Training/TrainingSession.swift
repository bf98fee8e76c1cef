import CRMDomain
import Foundation

/// One trainee working through one lesson: shows each step, runs what the trainee types in the lesson's world,
/// checks the step after every command, and answers the `:` meta-commands. Writes to a sink; the front end
/// (`LessonRunner`) reads the lines.
final class TrainingSession {
    /// What the front end should do after a line.
    enum Next: Equatable {
        case keepGoing
        /// The lesson is complete.
        case finished
        /// The trainee left (`:quit`, `exit`).
        case quit
    }

    static let metaCommands = [":hint", ":show", ":reset", ":skip", ":back", ":lessons", ":quit", ":help"]

    let lesson: Lesson
    /// The key progress is kept under.
    let key: String
    private(set) var world: LessonWorld
    /// The step being worked on (0-based); `lesson.steps.count` once complete.
    private(set) var stepIndex: Int
    private var hintsShown = 0
    private var progress: TrainingProgress
    private let sink: any OutputSink
    private let colors: Bool
    private let clockStart: Timestamp?
    /// Lets the front end attach terminal prompts (confirmation, token) to each new session of the trainee.
    private var prepare: (Session) -> Void = { _ in }
    /// What `:lessons` prints.
    private let listLessons: () -> String

    /// Starts `lesson` where `progress` left it (a finished lesson starts over).
    init(
        lesson: Lesson, key: String, progress: TrainingProgress, clockStart: Timestamp?, sink: any OutputSink,
        colors: Bool, listLessons: @escaping () -> String
    ) async throws(LessonError) {
        self.lesson = lesson
        self.key = key
        self.progress = progress
        self.sink = sink
        self.colors = colors
        self.clockStart = clockStart
        self.listLessons = listLessons
        var start = 0
        if case .step(let saved) = progress.marks[key] { start = min(saved, lesson.steps.count - 1) }
        self.stepIndex = start
        self.world = try await LessonWorld.atStart(of: start, lesson: lesson, clockStart: clockStart, sink: sink)
    }

    /// Applies `prepare` (terminal prompts for confirmations and tokens) to the trainee's session now and to each
    /// new one (after `:reset` or `:back`).
    func attach(_ prepare: @escaping (Session) -> Void) {
        self.prepare = prepare
        prepare(self.world.session)
    }

    /// The prompt: progress, then the shell's own (`[2/6] crm(agent)> `).
    var prompt: String {
        "[\(min(self.stepIndex + 1, self.lesson.steps.count))/\(self.lesson.steps.count)] " + self.world.session.prompt
    }

    var session: Session { self.world.session }

    /// The lesson's title and the step to do.
    func begin() {
        var text = self.bold("Lesson: \(self.lesson.title)") + " (\(self.lesson.steps.count) steps)\n"
        text += "Type crm commands as usual. Lines starting with ':' talk to the lesson: "
            + Self.metaCommands.joined(separator: " ") + "\n"
        if self.stepIndex > 0 {
            text += "Resuming at step \(self.stepIndex + 1) (:reset starts it afresh, :back goes back).\n"
        }
        self.sink.write(output: text)
        self.showStep()
    }

    /// Runs a command the trainee typed, then checks the step.
    func command(_ words: [Word]) async throws(LessonError) -> Next {
        let result = await self.world.run(words)
        self.sink.write(output: result.output)
        if !result.error.isEmpty {
            self.sink.write(error: (self.colors ? "\u{1B}[31merror:\u{1B}[0m " : "error: ") + result.error)
        }
        if self.session.exitRequested { return self.quit() }
        return try await self.checkStep()
    }

    /// Answers a meta-command (a line starting with `:`).
    func meta(_ line: String) async throws(LessonError) -> Next {
        let command = line.trimmingCharacters(in: .whitespaces).lowercased()
        let step = self.lesson.steps[self.stepIndex]
        switch command {
        case ":hint":
            if self.hintsShown < step.hints.count {
                self.hintsShown += 1
                self.sink.write(output: "Hint \(self.hintsShown) of \(step.hints.count): \(step.hints[self.hintsShown - 1])\n")
            } else {
                self.sink.write(output: "No more hints for this step; :show shows the model solution.\n")
            }
        case ":show":
            self.sink.write(output: "Model solution:\n" + self.solutionText(step))
        case ":reset":
            try await self.move(to: self.stepIndex)
            self.sink.write(output: "Step \(self.stepIndex + 1) is back at its start.\n")
            self.showStep()
        case ":back":
            guard self.stepIndex > 0 else {
                self.sink.write(output: "This is the first step.\n")
                return .keepGoing
            }
            try await self.move(to: self.stepIndex - 1)
            self.sink.write(output: "Back to step \(self.stepIndex + 1), as it was at its start.\n")
            self.showStep()
        case ":skip":
            self.sink.write(output: "Skipped; the model solution was run for you:\n" + self.solutionText(step))
            await self.world.applySolution(of: self.stepIndex)
            return try await self.advance()
        case ":lessons":
            self.sink.write(output: self.listLessons())
        case ":quit", ":q":
            return self.quit()
        default:
            self.sink.write(
                output: (command == ":help" ? "" : "'\(command)' is not a training command. ")
                    + "Training commands: :hint (one hint at a time), :show (the model solution), :reset (this step "
                    + "afresh), :skip, :back, :lessons, :quit.\n")
        }
        return .keepGoing
    }

    /// Saves progress and says how to come back.
    func quit() -> Next {
        self.save(.step(self.stepIndex))
        self.sink.write(
            output: "Progress saved at step \(self.stepIndex + 1) of \(self.lesson.steps.count); "
                + "`crm train \(self.lesson.name)` resumes here.\n")
        return .quit
    }

    /// Checks the step; when it holds, ✓ and on to the next (which may already hold too).
    private func checkStep() async throws(LessonError) -> Next {
        guard await self.world.failingCheck(of: self.stepIndex) == nil else { return .keepGoing }
        self.sink.write(output: (self.colors ? "\u{1B}[32m✓\u{1B}[0m " : "✓ ") + self.lesson.steps[self.stepIndex].title + "\n")
        return try await self.advance()
    }

    private func advance() async throws(LessonError) -> Next {
        self.stepIndex += 1
        self.hintsShown = 0
        guard self.stepIndex < self.lesson.steps.count else {
            self.save(.done)
            self.sink.write(
                output: self.bold("Lesson complete: \(self.lesson.title).") + " `crm train` lists the lessons.\n")
            return .finished
        }
        self.save(.step(self.stepIndex))
        try await self.world.enter(step: self.stepIndex)
        self.showStep()
        if await self.world.failingCheck(of: self.stepIndex) == nil { return try await self.checkStep() }
        return .keepGoing
    }

    /// Rebuilds the world at the start of step `index`.
    private func move(to index: Int) async throws(LessonError) {
        self.world = try await LessonWorld.atStart(
            of: index, lesson: self.lesson, clockStart: self.clockStart, sink: self.sink)
        self.prepare(self.world.session)
        self.stepIndex = index
        self.hintsShown = 0
        self.save(.step(index))
    }

    private func showStep() {
        let step = self.lesson.steps[self.stepIndex]
        var text = "\n" + self.bold("Step \(self.stepIndex + 1) of \(self.lesson.steps.count): \(step.title)") + "\n"
        for line in step.text { text += "  \(line)\n" }
        self.sink.write(output: text)
        self.sink.flush()
    }

    private func solutionText(_ step: LessonStep) -> String {
        step.solution.map { "  \($0.command)\n" }.joined()
    }

    private func save(_ mark: TrainingProgress.Mark) {
        do {
            try self.progress.record(mark, for: self.key)
        } catch {
            self.sink.write(error: "error: progress not saved: \(error)")
        }
    }

    private func bold(_ text: String) -> String {
        self.colors ? "\u{1B}[1m\(text)\u{1B}[0m" : text
    }
}
