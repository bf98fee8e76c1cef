import Foundation

/// Where history lives and what goes into it (DESIGN §5.6).
enum HistoryFile {
    /// The most lines kept.
    static let capacity: Int32 = 1_000

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

    /// Whether a line may be recorded: not blank, not starting with a space, never a `login` line.
    static func shouldRecord(_ line: String) -> Bool {
        guard let first = line.first, first != " ", first != "\t" else { return false }
        switch Tokenizer.tokenize(line) {
        case .words(let words): return words.first != "login"
        case .incomplete: return !line.hasPrefix("login")
        }
    }

    /// Creates the file's folder and the file itself with mode 0600 (and tightens an existing file to 0600).
    static func prepare(_ path: String) {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            try? FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        let descriptor = open(path, O_CREAT | O_WRONLY, 0o600)
        if descriptor >= 0 { close(descriptor) }
        chmod(path, 0o600)
    }
}
