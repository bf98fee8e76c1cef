import Foundation

/// Where each lesson was left, per user, in `$XDG_STATE_HOME/crm/training` (else `~/.local/state/crm/training`),
/// mode 0600. One line per lesson: the next step to do (from 1) or `done`, a space, and the lesson's key (a shipped
/// lesson's name, or the absolute path of a `--file` lesson).
struct TrainingProgress {
    /// How far a lesson got.
    enum Mark: Equatable, Sendable {
        /// The step to resume at (0-based).
        case step(Int)
        case done
    }

    let path: String
    private(set) var marks: [String: Mark] = [:]

    /// The progress file under the state folder of `environment` (the history's folder).
    static func path(environment: [String: String]) -> String {
        HistoryFile.stateDirectory(environment: environment) + "/training"
    }

    /// Reads the file; a missing file is no progress, and a line that cannot be read is skipped.
    init(path: String) {
        self.path = path
        guard let data = FileManager.default.contents(atPath: path) else { return }
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            guard let space = line.firstIndex(of: " ") else { continue }
            let key = String(line[line.index(after: space)...])
            switch line[..<space] {
            case "done": self.marks[key] = .done
            case let number: if let step = Int(number), step >= 1 { self.marks[key] = .step(step - 1) }
            }
        }
    }

    /// Records `mark` for `key` and writes the file (atomically, mode 0600, in a 0700 folder), keeping what other
    /// lessons, perhaps in another terminal, recorded since this one started.
    mutating func record(_ mark: Mark, for key: String) throws {
        self.marks = TrainingProgress(path: self.path).marks
        self.marks[key] = mark
        let folder = (self.path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(
            atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        var text = ""
        for (key, mark) in self.marks.sorted(by: { $0.key < $1.key }) {
            switch mark {
            case .done: text += "done \(key)\n"
            case .step(let index): text += "\(index + 1) \(key)\n"
            }
        }
        let temporary = self.path + ".\(getpid()).tmp"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw Self.failure("cannot write \(temporary)") }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: false)
        try handle.write(contentsOf: Data(text.utf8))
        try handle.close()
        guard rename(temporary, self.path) == 0 else {
            unlink(temporary)
            throw Self.failure("cannot replace \(self.path)")
        }
    }

    private static func failure(_ message: String) -> ShellError {
        .failed("\(message): \(String(cString: strerror(errno)))")
    }

    /// How a lesson of `count` steps stands, for the list: `3/6`, `done` or `-`.
    func summary(for key: String, steps count: Int) -> String {
        switch self.marks[key] {
        case .done: "done"
        case .step(let index): "\(min(index, count))/\(count)"
        case nil: "-"
        }
    }
}
