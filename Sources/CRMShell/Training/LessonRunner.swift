import CRMDomain
import Foundation

/// Feeds a training session the lines the trainee types: on a terminal through the shell's line editor (completion,
/// an in-memory history of this lesson only, never the user's history file), else from piped stdin, so a whole
/// lesson can be driven by a script. A line starting with `:` is a meta-command; anything else is a crm command.
struct LessonRunner {
    let training: TrainingSession
    let sink: StandardStreams
    /// Print each piped command, prompt-style, before its output.
    let echo: Bool

    /// Runs the lesson to its end, `:quit` or the end of input: 0 when finished or quit; 1 when piped input ended
    /// with the lesson unfinished (so a script that drives a lesson fails when it does not complete it).
    func runOnTerminal() async throws(LessonError) -> ExitStatus {
        signal(SIGINT, SIG_IGN)
        TerminalLocale.useUTF8()
        let cache = CompletionCache()
        let completer = Completer(parser: CommandTable.parser, cache: cache)
        let editor: EditorThread
        do {
            editor = try EditorThread(historyPath: nil) { text in
                text.hasPrefix(":") ? Self.completeMetaCommand(text) : completer.complete(text)
            }
        } catch {
            self.sink.write(error: "error: \(error)")
            return .usage
        }
        self.training.attach { session in session.askThrough(editor) }
        self.training.begin()
        var command = ContinuedCommand()
        while true {
            await cache.refresh(from: self.training.session.service, as: self.training.session.caller)
            switch await editor.read(prompt: command.isContinuing ? "...> " : self.training.prompt) {
            case .endOfInput where command.isContinuing:
                editor.show("\n")
                command.abandon()
            case .endOfInput:
                editor.show("\n")
                _ = self.training.quit()
                return .success
            case .interrupted:
                command.abandon()
            case .line(let line):
                if !command.isContinuing, Self.isMetaCommand(line) {
                    if try await self.training.meta(line) != .keepGoing { return .success }
                    continue
                }
                guard case let (text, words)? = command.append(line) else { continue }
                _ = editor.record(text)
                guard !words.isEmpty else { continue }
                if try await self.training.command(words) != .keepGoing { return .success }
                self.sink.flush()
            }
        }
    }

    /// Whether a line (between commands) is a meta-command such as `:hint`, not a crm command.
    private static func isMetaCommand(_ line: String) -> Bool {
        line.trimmingCharacters(in: .whitespaces).hasPrefix(":")
    }

    /// Tab after `:`: the meta-commands that start with what was typed.
    static func completeMetaCommand(_ text: String) -> Completion {
        let matching = TrainingSession.metaCommands.filter { $0.hasPrefix(text) }
        guard var common = matching.first else { return Completion(insertion: "", candidates: []) }
        for command in matching.dropFirst() {
            while !command.hasPrefix(common) { common.removeLast() }
        }
        let insertion = String(common.dropFirst(text.count)) + (matching.count == 1 ? " " : "")
        return Completion(insertion: insertion, candidates: matching.count == 1 ? [] : matching)
    }

    /// Runs the lesson from piped stdin.
    func runPiped() async throws(LessonError) -> ExitStatus {
        let input = InputLines(fileDescriptor: 0)
        self.training.begin()
        var command = ContinuedCommand()
        var lineNumber = 0
        while true {
            lineNumber += 1
            let line: String
            do {
                guard let next = try await input.next() else { break }
                line = next
            } catch {
                self.sink.write(error: "-:\(lineNumber): error: \(error)")
                continue
            }
            if !command.isContinuing, Self.isMetaCommand(line) {
                if self.echo { self.sink.write(output: self.training.prompt + line + "\n") }
                if try await self.training.meta(line) != .keepGoing { return .success }
                continue
            }
            guard case let (text, words)? = command.append(line) else { continue }
            guard !words.isEmpty else { continue }
            if self.echo {
                self.sink.write(output: Echo.line(for: text, prompt: self.training.prompt))
            }
            if try await self.training.command(words) != .keepGoing { return .success }
            self.sink.flush()
        }
        _ = self.training.quit()
        self.sink.write(
            error: "error: the input ended before the lesson did (step \(self.training.stepIndex + 1) of "
                + "\(self.training.lesson.steps.count) is open)")
        return .failure
    }
}
