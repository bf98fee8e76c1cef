import CRMDomain

/// `crm train --check`: proves a lesson works the way the tests prove code works. For each step in turn it makes
/// sure no check already holds at the step's start (else the step would pass by itself), replays the model solution
/// in the trainee's session, and requires every check to hold.
enum LessonChecker {
    /// Throws the first problem, naming the step and the line.
    static func check(_ lesson: Lesson, clockStart: Timestamp?) async throws(LessonError) {
        let folder: LessonFolder?
        do {
            folder = try LessonFolder(for: lesson)
        } catch {
            throw LessonError(source: lesson.source, message: "cannot write the lesson's files: \(error)")
        }
        defer { withExtendedLifetime(folder) {} }
        let world = try await LessonWorld(lesson: lesson, clockStart: clockStart, sink: MutableSink(DiscardingSink()))
        for (index, step) in lesson.steps.enumerated() {
            func failure(_ line: Int, _ message: String) -> LessonError {
                LessonError(source: lesson.source, line: line, step: (index + 1, step.title), message: message)
            }
            try await world.enter(step: index)
            if await world.failingCheck(of: index) == nil {
                throw failure(step.line, "every check already holds before the model solution runs, so the step would pass by itself")
            }
            await world.applySolution(of: index)
            if let failing = await world.failingCheck(of: index) {
                throw failure(failing.line, "check '\(failing.check)' does not hold after the model solution")
            }
        }
    }
}

/// An output sink that drops everything (model solutions replayed by `--check`).
final class DiscardingSink: OutputSink {
    func write(output: String) {}
    func write(error: String) {}
    func flush() {}
}
