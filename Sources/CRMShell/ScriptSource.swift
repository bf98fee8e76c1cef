/// What `source FILE` runs with: the options and output of whoever reads the lines (a script runner or the
/// interactive shell), and how many `source` commands already enclose this one. The session holds it as a plain
/// value; a bare `CommandRunner` has none, so `source` is refused there.
struct ScriptSource {
    /// How deeply `source` may nest (a file that sources itself stops here).
    static let nestingLimit = 16

    let options: ScriptOptions
    let sink: any OutputSink
    /// How many `source` commands enclose the lines being run (0 at the top).
    var depth = 0

    /// Runs the script at `path` in `session`, nested in the lines that ran `source`; Ctrl-C stops it at a command
    /// boundary, also in the interactive shell (DESIGN §5.3). Throws `ScriptStopped` when it failed, after reporting
    /// its errors with their own `FILE:LINE: ` prefixes.
    func run(_ path: String, in session: Session) async throws {
        guard self.depth < Self.nestingLimit else { throw ShellError.failed("source: nested too deeply at '\(path)'") }
        let input = try ScriptInput(path: path)
        var nested = self
        nested.depth += 1
        let script = ScriptRunner(runner: CommandRunner(session: session), source: nested)
        defer { session.scriptSource = self }
        let status = await Interruption.catching {
            await script.run(name: path) { try await input.lines.next() }
        }
        if status != .success { throw ScriptStopped(status: status) }
    }
}

/// Thrown by `source` when the sourced script failed; its errors were already reported.
struct ScriptStopped: Error {
    let status: ExitStatus
}
