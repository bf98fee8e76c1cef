import CLibEdit
import Foundation

/// Where history lives, what goes into it, and how two shells share the file (DESIGN §5.6).
enum HistoryFile {
    /// The most lines kept.
    static let capacity: Int32 = 1_000
    /// The first line of every libedit history file.
    static let header = "_HiStOrY_V2_"

    /// Why a history file is not used.
    struct Refusal: Error, CustomStringConvertible {
        let description: String
    }

    /// `--history`, else `CRM_HISTFILE`, else `$XDG_STATE_HOME/crm/history`, else `~/.local/state/crm/history`.
    static func path(flag: String?, environment: [String: String]) -> String {
        if let flag, !flag.isEmpty { return flag }
        if let file = environment["CRM_HISTFILE"], !file.isEmpty { return file }
        return self.stateDirectory(environment: environment) + "/history"
    }

    /// `$XDG_STATE_HOME/crm`, else `~/.local/state/crm`: where history and the server log live.
    static func stateDirectory(environment: [String: String]) -> String {
        let state = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state"
        return state + "/crm"
    }

    /// Whether a line may be recorded: not blank, not starting with a space, never a line that may carry a token.
    static func shouldRecord(_ line: String) -> Bool {
        guard let first = line.first, first != " ", first != "\t" else { return false }
        return !self.mayCarrySecret(line)
    }

    /// Whether a line may carry a token: the language layer's one rule on the line as typed, comment included
    /// (`login` and near misses such as `logn` or `login=…`, or a personal token `crm_5_…` anywhere); a line with an
    /// open quote may, since its words cannot be known.
    private static func mayCarrySecret(_ line: String) -> Bool {
        switch Tokenizer.scan(line) {
        case .complete(let words): SecretLine.mayCarryToken(line: line) || SecretLine.mayCarryToken(words: words.map(\.text))
        case .incomplete: true
        }
    }

    /// Loads the file's lines into `history`, if the file exists; refuses a symbolic link, anything but a regular
    /// file, and a file that is not a history file (an absent one is created on the first recorded line).
    static func load(_ path: String, into history: OpaquePointer) throws(Refusal) {
        var status = stat()
        guard lstat(path, &status) == 0 else { return }
        let descriptor = try self.openLocked(path, creating: false)
        defer { close(descriptor) }
        var event = HistEvent()
        crm_history_load(history, &event, "/dev/fd/\(descriptor)")
    }

    /// Adds `line` to the file without losing what other shells added since: under an exclusive lock it reads the
    /// file as it is now, enters the line (consecutive duplicates dropped, capped) and writes the result back in
    /// place, mode 0600.
    static func append(_ line: String, to path: String) throws(Refusal) {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try? FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let descriptor = try self.openLocked(path, creating: true)
        defer { close(descriptor) }
        guard let merged = history_init() else { throw Refusal(description: "cannot allocate a history buffer") }
        defer { history_end(merged) }
        var event = HistEvent()
        crm_history_setsize(merged, &event, self.capacity)
        crm_history_setunique(merged, &event, 1)
        crm_history_load(merged, &event, "/dev/fd/\(descriptor)")
        crm_history_enter(merged, &event, line)
        guard ftruncate(descriptor, 0) == 0, let file = fdopen(dup(descriptor), "w") else {
            throw Refusal(description: "cannot write history file \(path): \(String(cString: strerror(errno)))")
        }
        let saved = crm_history_save_fp(merged, &event, file)
        let closed = fclose(file)
        guard saved >= 0, closed == 0 else {
            throw Refusal(description: "cannot write history file \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Opens the file without following a symbolic link, locks it (exclusively when `creating`), checks that it
    /// is a regular file holding libedit history (or nothing yet) and makes it private (0600).
    private static func openLocked(_ path: String, creating: Bool) throws(Refusal) -> Int32 {
        let flags = O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | (creating ? O_CREAT : 0)
        let descriptor = open(path, flags, 0o600)
        guard descriptor >= 0 else {
            if errno == ELOOP {
                throw Refusal(
                    description: "history file \(path) is a symbolic link, which crm does not follow "
                        + "(give --history a regular file, or --no-history)")
            }
            throw Refusal(description: "cannot open history file \(path): \(String(cString: strerror(errno)))")
        }
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else {
            close(descriptor)
            throw Refusal(description: "history file \(path) is not a regular file")
        }
        flock(descriptor, creating ? LOCK_EX : LOCK_SH)
        var start = [UInt8](repeating: 0, count: self.header.utf8.count + 1)
        let count = pread(descriptor, &start, start.count, 0)
        let isHistory = count == 0 || (count == start.count && start.elementsEqual(Array((self.header + "\n").utf8)))
        guard isHistory else {
            close(descriptor)
            throw Refusal(
                description: "\(path) is not a crm history file (its first line is not \(self.header)); "
                    + "crm leaves it untouched (give --history another file, or --no-history)")
        }
        fchmod(descriptor, 0o600)
        return descriptor
    }
}
