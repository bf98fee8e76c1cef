/// A lesson of training mode (DESIGN §8): steps that each say what to do and check the result in the store.
/// Read from the line-oriented format of `docs/training.md` by `LessonParser`.
struct Lesson: Sendable {
    /// How the lesson is called on the command line: the file name without `.lesson`.
    var name: String
    /// Where the lesson came from, for error messages (`first-day.lesson`, or the path given to `--file`).
    var source: String
    var title: String
    /// One line for the list of lessons.
    var about = ""
    /// Who the trainee is logged in as when the lesson starts (nil: nobody, as a fresh `crm`).
    var startsAs: String?
    /// Commands run as admin on the fresh store before the first step; their output is not shown.
    var setup: [LessonLine] = []
    /// Files the lesson puts in its working folder (scripts to `source`).
    var files: [LessonFile] = []
    var steps: [LessonStep] = []
}

/// One step: what to do, how to tell it was done, and how to do it.
struct LessonStep: Sendable {
    var title: String
    /// Where the step starts in the lesson file.
    var line: Int
    /// What the trainee reads: one entry per `text:` line.
    var text: [String] = []
    /// Commands run as admin when the step begins (a customer writing in, a colleague's change).
    var setup: [LessonLine] = []
    /// Every check must hold for the step to be done.
    var checks: [(check: LessonCheck, line: Int)] = []
    /// Shown one at a time by `:hint`.
    var hints: [String] = []
    /// The model solution: commands that do the step, run in the trainee's session.
    var solution: [LessonLine] = []
}

/// A command of a lesson, with the line it stands on.
struct LessonLine: Sendable {
    var command: String
    var line: Int
}

/// A file a lesson provides in its working folder.
struct LessonFile: Sendable {
    /// A plain file name (no folders).
    var name: String
    var contents: String
}

/// What is wrong with a lesson: malformed, or its model solution does not pass; names the step and line.
struct LessonError: Error, CustomStringConvertible {
    var source: String
    var line: Int? = nil
    /// The step's number (from 1) and title, when the problem is in a step.
    var step: (number: Int, title: String)? = nil
    var message: String

    var description: String {
        var text = self.source + (self.line.map { ":\($0)" } ?? "") + ": "
        if let step { text += "step \(step.number) '\(step.title)': " }
        return text + self.message
    }
}
