import ArgumentParser
import CRMDomain
import Foundation

/// `crm train`: training mode (DESIGN §8). Lists the lessons, runs one on a throw-away store, or checks lessons.
struct Train: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Practise with lessons that check what you did (training mode).",
        discussion: """
            crm train               list the lessons and your progress
            crm train LESSON        run (or resume) a lesson
            crm train --file F      run your own lesson (format: docs/training.md)
            crm train --check [LESSON | --file F]   replay the model solutions and check every step

            Lessons run on a throw-away in-memory store: your data (--db, CRM_DATABASE_URL) is never opened.
            Progress is kept in $XDG_STATE_HOME/crm/training.
            """)

    @Argument(help: "The lesson to run or check.")
    var lesson: String?

    @Option(name: .customLong("file"), help: "A lesson file of your own.")
    var file: String?

    @Flag(help: "Replay each step's model solution, check every step, exit non-zero naming the first that fails.")
    var check = false

    @Flag(help: "With piped input: print each command, prompt-style, before its output.")
    var echo = false

    /// `--echo` is a flag of the root command too, and ArgumentParser hands it to the root; training honours it
    /// wherever it stands. (The root's `--db` is never read here: lessons never open real data.)
    private var echoesCommands: Bool {
        self.echo || CommandLine.arguments.dropFirst().prefix { $0 != "--" }.contains("--echo")
    }

    func run() async throws {
        let streams = StandardStreams()
        defer { streams.flush() }
        let environment: [String: String]
        let clockStart: Timestamp?
        do {
            environment = try DotEnv.merged(with: ProcessInfo.processInfo.environment)
            clockStart = try CRMSettings(environment: environment).fixedNow
        } catch {
            streams.write(error: "error: \(error)")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
        if self.lesson != nil && self.file != nil {
            streams.write(error: "error: give a LESSON or --file FILE, not both")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
        let status: ExitStatus
        do {
            if self.check {
                status = try await self.checkLessons(clockStart: clockStart, streams: streams)
            } else if self.lesson == nil && self.file == nil {
                streams.write(output: LessonCatalog.list(progress: TrainingProgress(path: TrainingProgress.path(environment: environment))))
                status = .success
            } else {
                status = try await self.runLesson(environment: environment, clockStart: clockStart, streams: streams)
            }
        } catch let error as LessonError {
            streams.write(error: "error: \(error)")
            status = .failure
        } catch {
            streams.write(error: "error: \(error)")
            status = ExitStatus(for: error)
        }
        if status != .success { throw ExitCode(status.rawValue) }
    }

    private func found() throws -> LessonCatalog.Found {
        if let file = self.file { return try LessonCatalog.file(file) }
        return try LessonCatalog.shipped(self.lesson ?? "")
    }

    private func checkLessons(clockStart: Timestamp?, streams: StandardStreams) async throws -> ExitStatus {
        let lessons = self.lesson == nil && self.file == nil
            ? try ShippedLessons.names.map { try LessonCatalog.shipped($0).lesson } : [try self.found().lesson]
        for lesson in lessons {
            try await LessonChecker.check(lesson, clockStart: clockStart)
            streams.write(output: "\(lesson.source): ok (\(lesson.steps.count) steps)\n")
        }
        return .success
    }

    private func runLesson(environment: [String: String], clockStart: Timestamp?, streams: StandardStreams)
        async throws -> ExitStatus
    {
        let found = try self.found()
        let folder = try LessonFolder(for: found.lesson)
        defer { withExtendedLifetime(folder) {} }
        let progressPath = TrainingProgress.path(environment: environment)
        let interactive = isatty(0) == 1
        let colors = interactive && (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
        let training = try await TrainingSession(
            lesson: found.lesson, key: found.key, progress: TrainingProgress(path: progressPath),
            clockStart: clockStart, sink: streams, colors: colors
        ) { LessonCatalog.list(progress: TrainingProgress(path: progressPath)) }
        let runner = LessonRunner(training: training, sink: streams, echo: self.echoesCommands)
        return interactive ? try await runner.runOnTerminal() : try await runner.runPiped()
    }
}
