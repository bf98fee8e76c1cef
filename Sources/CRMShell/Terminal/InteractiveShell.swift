import CLibEdit
import CRMDomain
import Foundation

/// The interactive shell: banner, prompt, libedit, history, completion; it never exits on a bad command.
final class InteractiveShell {
    private let session: Session
    private let runner: CommandRunner
    private let history: String?
    private let colors: Bool
    private let sink: StandardStreams
    private let cache = CompletionCache()

    init(session: Session, history: String?, colors: Bool, sink: StandardStreams) {
        self.session = session
        self.runner = CommandRunner(session: session)
        // `source FILE` runs with default script options and writes where the shell writes.
        session.scriptSource = ScriptSource(options: ScriptOptions(), sink: sink)
        self.history = history
        self.colors = colors
        self.sink = sink
    }

    /// Reads and runs commands until `exit` or Ctrl-D on an empty command line; always ends with status 0, unless
    /// the history file is refused (usage error) before the first prompt.
    func run() async -> ExitStatus {
        signal(SIGINT, SIG_IGN)
        TerminalLocale.useUTF8()
        let completer = Completer(parser: CommandTable.parser, cache: self.cache)
        let editor: EditorThread
        do {
            editor = try EditorThread(historyPath: self.history) { completer.complete($0) }
        } catch {
            self.sink.write(error: "error: \(error)")
            return .usage
        }
        self.session.askThrough(editor)
        await self.cache.refresh(from: self.session.service, as: self.session.caller)
        let banner = "crm \(CRM.configuration.version) — type 'help' for commands, Tab to complete, Ctrl-D to leave"
        // On the terminal, like the prompt: with stdout piped (`crm | tee log`) the log holds only results.
        editor.show((self.colors ? "\u{1B}[1m\(banner)\u{1B}[0m" : banner) + "\n")
        var command = ContinuedCommand()
        while !self.session.exitRequested {
            let prompt = command.isContinuing ? "...> " : self.session.prompt
            switch await editor.read(prompt: prompt) {
            case .endOfInput where command.isContinuing:
                // Ctrl-D at the continuation prompt abandons the unfinished command only.
                editor.show("\n")
                command.abandon()
            case .endOfInput:
                editor.show("\n")
                return .success
            case .interrupted:
                command.abandon()
            case .line(let line):
                guard case let (text, words)? = command.append(line) else { continue }
                if let refusal = editor.record(text) {
                    self.sink.write(error: "error: history not saved: \(refusal)")
                }
                let result = await self.runner.execute(words)
                self.sink.write(output: result.output)
                if !result.error.isEmpty {
                    self.sink.write(error: (self.colors ? "\u{1B}[31merror:\u{1B}[0m " : "error: ") + result.error)
                }
                self.sink.flush()
                await self.cache.refresh(from: self.session.service, as: self.session.caller)
            }
        }
        return .success
    }
}
