import Foundation

/// Finds lessons: shipped ones by name, a trainer's by `--file` path; lists them with the trainee's progress.
enum LessonCatalog {
    /// A lesson to run, and the key its progress is kept under.
    struct Found {
        let lesson: Lesson
        let key: String
    }

    /// The shipped lesson `name`; an unknown name is a usage error that suggests the closest one.
    static func shipped(_ name: String) throws -> Found {
        guard let lesson = try ShippedLessons.lesson(named: name) else {
            throw ShellError.usage(
                "unknown lesson '\(name)'\(Suggestion.hint(for: name, in: ShippedLessons.names)) "
                    + "(`crm train` lists them; `crm train --file FILE` runs your own)")
        }
        return Found(lesson: lesson, key: name)
    }

    /// The lesson in the file at `path`, named after the file; its progress is kept under its absolute path.
    static func file(_ path: String) throws -> Found {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = String(cString: strerror(errno))
            throw ShellError.failed("cannot read '\(path)': \(reason)")
        }
        let url = URL(fileURLWithPath: path)
        let name = url.deletingPathExtension().lastPathComponent
        let lesson = try LessonParser.parse(bytes: Array(data), name: name, source: path)
        return Found(lesson: lesson, key: url.standardizedFileURL.path)
    }

    /// The shipped lessons with the trainee's progress on each.
    static func list(progress: TrainingProgress) -> String {
        var rows: [(String, String, String)] = []
        for name in ShippedLessons.names {
            guard let lesson = try? ShippedLessons.lesson(named: name) else { continue }
            let about = lesson.about.isEmpty ? lesson.title : "\(lesson.title): \(lesson.about)"
            rows.append((name, progress.summary(for: name, steps: lesson.steps.count), about))
        }
        let nameWidth = rows.map(\.0.count).max() ?? 0
        var text = "Lessons (`crm train NAME` starts or resumes one; progress is steps done):\n"
        for (name, done, about) in rows {
            text += "  " + name.padding(toLength: nameWidth, withPad: " ", startingAt: 0) + "  "
                + done.padding(toLength: 5, withPad: " ", startingAt: 0) + "  " + about + "\n"
        }
        return text
    }
}

/// The working folder of a lesson that provides files: created with the files in it, made the current directory
/// (so `source close.crm` finds them), and removed again when the lesson ends.
final class LessonFolder {
    private let url: URL
    private let previous: String

    /// Nil when the lesson provides no files (the current directory stays as it is).
    init?(for lesson: Lesson) throws {
        guard !lesson.files.isEmpty else { return nil }
        self.previous = FileManager.default.currentDirectoryPath
        self.url = FileManager.default.temporaryDirectory.appendingPathComponent("crm-lesson-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: self.url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        for file in lesson.files {
            try Data(file.contents.utf8).write(to: self.url.appendingPathComponent(file.name))
        }
        guard FileManager.default.changeCurrentDirectoryPath(self.url.path) else {
            try? FileManager.default.removeItem(at: self.url)
            throw ShellError.failed("cannot enter the lesson's folder \(self.url.path)")
        }
    }

    deinit {
        _ = FileManager.default.changeCurrentDirectoryPath(self.previous)
        try? FileManager.default.removeItem(at: self.url)
    }
}
