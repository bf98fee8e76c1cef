import Foundation

/// Reads the lesson format (docs/training.md): one `key: value` per line, `#` comments and blank lines ignored.
///
///     title: A first day at the desk          about: one line for the list     as: agent|admin
///     setup: COMMAND                          file: NAME, then its lines as `| text`
///     step: TITLE, then for that step:  text: …  setup: …  check: …  hint: …  solution: …
///
/// `setup:` before the first `step:` prepares the lesson; inside a step, it runs when the step begins.
enum LessonParser {
    static let keys = ["title", "about", "as", "setup", "file", "step", "text", "check", "hint", "solution"]
    /// Who a lesson may start as: the users of the demo seed.
    static let startingUsers = ["agent", "admin"]

    /// Parses `text`; `source` names the lesson in errors. Throws for the first malformed line, or for a lesson or
    /// step that misses something it needs.
    static func parse(_ text: String, name: String, source: String) throws(LessonError) -> Lesson {
        var lesson = Lesson(name: name, source: source, title: "")
        var title: (text: String, line: Int)?
        var openFile: Int?
        func fail(_ line: Int, _ message: String) -> LessonError {
            LessonError(
                source: source, line: line,
                step: lesson.steps.last.map { (lesson.steps.count, $0.title) }, message: message)
        }
        // Split on any line break: "\r\n" is one Character, so splitting on "\n" alone would miss it.
        for (index, line) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let number = index + 1
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("|") {
                guard let file = openFile else { throw fail(number, "a '|' line belongs after 'file: NAME'") }
                var content = trimmed.dropFirst()
                if content.first == " " { content = content.dropFirst() }
                lesson.files[file].contents += String(content) + "\n"
                continue
            }
            openFile = nil
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let colon = trimmed.firstIndex(of: ":") else {
                throw fail(number, "expected 'key: value' (keys: \(self.keys.joined(separator: ", ")))")
            }
            let key = String(trimmed[..<colon])
            let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard self.keys.contains(key) else {
                throw fail(
                    number,
                    "unknown key '\(key)'\(Suggestion.hint(for: key, in: self.keys)) "
                        + "(one of \(self.keys.joined(separator: ", ")))")
            }
            if value.isEmpty && key != "text" { throw fail(number, "'\(key):' needs a value") }
            let inStep = !lesson.steps.isEmpty
            switch key {
            case "title", "about", "as", "file":
                guard !inStep else { throw fail(number, "'\(key):' belongs before the first 'step:'") }
            case "text", "check", "hint", "solution":
                guard inStep else { throw fail(number, "'\(key):' belongs to a step: put a 'step: TITLE' line first") }
            default: break
            }
            switch key {
            case "title":
                guard title == nil else { throw fail(number, "a second 'title:' (the first is on line \(title!.line))") }
                title = (value, number)
            case "about":
                lesson.about = value
            case "as":
                guard self.startingUsers.contains(value) else {
                    throw fail(number, "'as: \(value)': a lesson starts as one of \(self.startingUsers.joined(separator: ", ")) (or, without 'as:', logged out)")
                }
                lesson.startsAs = value
            case "file":
                guard !value.contains("/"), value != ".", value != ".." else {
                    throw fail(number, "'file: \(value)': give a plain file name, without folders")
                }
                guard !lesson.files.contains(where: { $0.name == value }) else {
                    throw fail(number, "a second 'file: \(value)'")
                }
                lesson.files.append(LessonFile(name: value, contents: ""))
                openFile = lesson.files.count - 1
            case "step":
                lesson.steps.append(LessonStep(title: value, line: number))
            case "text":
                lesson.steps[lesson.steps.count - 1].text.append(value)
            case "hint":
                lesson.steps[lesson.steps.count - 1].hints.append(value)
            case "check":
                do {
                    lesson.steps[lesson.steps.count - 1].checks.append((try LessonCheck(parsing: value), number))
                } catch {
                    throw fail(number, "check: \(error)")
                }
            case "setup", "solution":
                guard case .complete = Tokenizer.scan(value) else {
                    throw fail(number, "\(key): unterminated quote (a command stands on one line)")
                }
                let command = LessonLine(command: value, line: number)
                if key == "solution" {
                    lesson.steps[lesson.steps.count - 1].solution.append(command)
                } else if inStep {
                    lesson.steps[lesson.steps.count - 1].setup.append(command)
                } else {
                    lesson.setup.append(command)
                }
            default: break
            }
        }
        guard let title else { throw LessonError(source: source, line: nil, message: "no 'title:' line") }
        lesson.title = title.text
        guard !lesson.steps.isEmpty else { throw LessonError(source: source, line: nil, message: "no 'step:' line") }
        for (index, step) in lesson.steps.enumerated() {
            let missing = [
                step.text.isEmpty ? "text" : nil, step.checks.isEmpty ? "check" : nil,
                step.solution.isEmpty ? "solution" : nil,
            ].compactMap { $0 }
            if !missing.isEmpty {
                throw LessonError(
                    source: source, line: step.line, step: (index + 1, step.title),
                    message: "has no \(missing.map { "'\($0):'" }.joined(separator: " or ")) line")
            }
        }
        return lesson
    }

    /// Decodes a lesson file's bytes: UTF-8 without NUL, like every input (DESIGN §3.6).
    static func parse(bytes: [UInt8], name: String, source: String) throws(LessonError) -> Lesson {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw LessonError(source: source, line: nil, message: "the file is not valid UTF-8")
        }
        if let nul = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).firstIndex(where: { $0.contains("\0") }) {
            throw LessonError(source: source, line: nul + 1, message: "the line contains a NUL byte")
        }
        return try self.parse(text, name: name, source: source)
    }
}
