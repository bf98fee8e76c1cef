import CLibEdit
import CRMDomain
import Foundation

/// The interactive shell: banner, prompt, libedit, history, completion; it never exits on a bad command.
final class InteractiveShell {
    private let session: Session
    private let runner: CommandRunner
    private let script: ScriptRunner
    private let history: String?
    private let colors: Bool
    private let sink: StandardStreams
    private let cache = CompletionCache()

    init(session: Session, history: String?, colors: Bool, sink: StandardStreams) {
        self.session = session
        self.runner = CommandRunner(session: session)
        self.script = ScriptRunner(runner: self.runner, options: ScriptOptions(), sink: sink)
        self.history = history
        self.colors = colors
        self.sink = sink
        session.confirm = { question in
            Terminal.ask(question).map { ["y", "yes"].contains($0.lowercased()) } ?? false
        }
        session.readSecret = { prompt in Terminal.askSecret(prompt) }
    }

    /// Reads and runs commands until `exit` or Ctrl-D; always ends with status 0.
    func run() async -> ExitStatus {
        signal(SIGINT, SIG_IGN)
        let completer = Completer(parser: CommandTable.parser, cache: self.cache)
        let editor = EditorThread(historyPath: self.history) { completer.complete($0) }
        await self.cache.refresh(from: self.session.service, as: self.session.caller)
        let banner = "crm \(CRM.configuration.version) — type 'help' for commands, Tab to complete, Ctrl-D to leave"
        self.sink.write(output: (self.colors ? "\u{1B}[1m\(banner)\u{1B}[0m" : banner) + "\n")
        self.sink.flush()
        var pending: String?
        while !self.session.exitRequested {
            let prompt = pending == nil ? self.session.prompt : "...> "
            switch await editor.read(prompt: prompt) {
            case .endOfInput:
                self.sink.write(output: "\n")
                return .success
            case .interrupted:
                pending = nil
            case .line(let line):
                let text = pending.map { $0 + "\n" + line } ?? line
                guard case .words(let words) = Tokenizer.tokenize(text) else {
                    pending = text
                    continue
                }
                pending = nil
                if !SecretLine.isLoginLike(words: words) { editor.record(text) }
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

/// Questions asked on the terminal outside the line editor.
enum Terminal {
    /// Prints `question` and reads one line of answer.
    static func ask(_ question: String) -> String? {
        fputs(question, crm_stdout())
        fflush(crm_stdout())
        return readLine(strippingNewline: true)
    }

    /// Prints `prompt` and reads one line with echo off.
    static func askSecret(_ prompt: String) -> String? {
        var original = termios()
        let isTerminal = tcgetattr(0, &original) == 0
        if isTerminal {
            var silent = original
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(0, TCSANOW, &silent)
        }
        defer {
            if isTerminal {
                tcsetattr(0, TCSANOW, &original)
                fputs("\n", crm_stdout())
            }
        }
        return self.ask(prompt)
    }
}
