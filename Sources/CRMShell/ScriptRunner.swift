import CRMDomain
import Foundation

/// How a script is run (DESIGN §5.1, §5.5).
public struct ScriptOptions: Sendable {
    /// Print each command, prompt-style, before its output.
    public var echo = false
    /// Go on after a failing command; the exit status is still the first failure's.
    public var keepGoing = false
    /// Echo each command and wait for a key on the terminal before running it: Enter runs it, `s` skips it,
    /// `q` quits.
    public var step = false
    /// Show comment lines echoed as narration dimmed (stdout is a terminal that takes colors).
    public var dimNarration = false
    /// Flush stdout after every command, for a reader on the other end of a pipe (off for files: faster).
    public var flushEachCommand = false

    public init(
        echo: Bool = false, keepGoing: Bool = false, step: Bool = false, flushEachCommand: Bool = false,
        dimNarration: Bool = false
    ) {
        self.echo = echo
        self.keepGoing = keepGoing
        self.step = step
        self.flushEachCommand = flushEachCommand
        self.dimNarration = dimNarration
    }
}

/// Runs command lines from a file, stdin or `-c`: continuation lines for open quotes, `FILE:LINE: ` on errors,
/// stop at the first failure unless `keepGoing`, stop at a command boundary on Ctrl-C, and `source` for nested files.
public final class ScriptRunner {
    public let runner: CommandRunner
    public let options: ScriptOptions
    let sink: any OutputSink

    /// A runner whose scripts may `source` files with the same options and sink (it sets the session's
    /// `scriptSource`).
    public convenience init(runner: CommandRunner, options: ScriptOptions, sink: any OutputSink) {
        self.init(runner: runner, source: ScriptSource(options: options, sink: sink))
    }

    /// A runner for the lines of `source`, whose own `source` commands nest one deeper.
    init(runner: CommandRunner, source: ScriptSource) {
        self.runner = runner
        self.options = source.options
        self.sink = source.sink
        runner.session.scriptSource = source
    }

    /// Runs every line `nextLine` yields (nil at end) as the script named `name` (`-` for stdin). A line that
    /// `nextLine` refuses (invalid UTF-8, NUL) is an error naming it, as is a read failure.
    public func run(name: String, nextLine: () async throws -> String?) async -> ExitStatus {
        await self.run(name: name, flushEachCommand: self.options.flushEachCommand, nextLine: nextLine)
    }

    /// Runs one `-c` COMMAND: it is a whole command, so an open quote in it is a usage error (DESIGN §5.2).
    /// Errors are prefixed `-c:POSITION: `.
    public func run(command: String, position: Int) async -> ExitStatus {
        if Interruption.isRequested { return self.interrupted() }
        switch Tokenizer.scan(command) {
        case .incomplete:
            self.sink.write(error: "-c:\(position): error: unterminated quote")
            return .usage
        case .complete(let words):
            guard !words.isEmpty else { return .success }
            let status = await self.runCommand(words, text: command, name: "-c", line: position, flush: false)
            return Interruption.isRequested && status == .success ? self.interrupted() : status
        }
    }

    /// Runs a script file: a regular file, a pipe, a FIFO, `/dev/stdin`, or stdin itself for `-`.
    public func run(file path: String) async -> ExitStatus {
        let input: ScriptInput
        do {
            input = try ScriptInput(path: path)
        } catch {
            self.sink.write(error: "error: \(error)")
            return .failure
        }
        let flush = self.options.flushEachCommand || !input.isRegularFile
        return await self.run(name: path, flushEachCommand: flush) { try await input.lines.next() }
    }

    private func run(name: String, flushEachCommand: Bool, nextLine: () async throws -> String?) async -> ExitStatus {
        var firstFailure: ExitStatus?
        var tokenizer = Tokenizer()
        // The command being read, over one or more lines, and the line it started on (nil between commands).
        var text = ""
        var startLine: Int?
        var lineNumber = 0
        func failed(_ status: ExitStatus) -> Bool {
            firstFailure = firstFailure ?? status
            return !self.options.keepGoing
        }
        while true {
            if Interruption.isRequested { return self.interrupted() }
            lineNumber += 1
            let line: String
            do {
                guard let next = try await nextLine() else { break }
                line = next
            } catch let failure as InputLines.Failure {
                self.sink.write(error: "\(name):\(lineNumber): error: \(failure)")
                if case .unreadable = failure { return firstFailure ?? .failure }
                tokenizer = Tokenizer()
                text = ""
                startLine = nil
                if failed(.failure) { return .failure }
                continue
            } catch {
                self.sink.write(error: "\(name):\(lineNumber): error: \(error)")
                return firstFailure ?? .failure
            }
            if startLine == nil {
                startLine = lineNumber
            } else {
                text += "\n"
            }
            text += line
            switch tokenizer.append(line) {
            case .incomplete:
                continue
            case .complete(let words):
                let (command, commandLine) = (text, startLine ?? lineNumber)
                text = ""
                startLine = nil
                guard !words.isEmpty else {
                    self.narrate(command)
                    continue
                }
                let status = await self.runCommand(
                    words, text: command, name: name, line: commandLine, flush: flushEachCommand)
                if status == .interrupted { return status }
                if status != .success && failed(status) { return status }
                if self.runner.session.exitRequested { return firstFailure ?? .success }
            }
        }
        if Interruption.isRequested { return self.interrupted() }
        if let startLine {
            self.sink.write(error: "\(name):\(startLine): error: unterminated quote at end of input")
            return firstFailure ?? .usage
        }
        return firstFailure ?? .success
    }

    private func runCommand(_ words: [Word], text: String, name: String, line: Int, flush: Bool) async -> ExitStatus {
        if self.options.echo || self.options.step {
            self.sink.write(output: Echo.line(for: text, prompt: self.runner.session.prompt))
        }
        if self.options.step {
            self.sink.flush()
            let choice = StepPause.wait(scriptOnStdin: name == "-")
            if Interruption.isRequested { return self.interrupted() }
            switch choice {
            case .run: break
            case .skip:
                self.sink.write(output: "(skipped)\n")
                return .success
            case .quit:
                self.runner.session.exitRequested = true
                return .success
            }
        }
        let result = await self.runner.execute(words)
        self.sink.write(output: result.output)
        if !result.error.isEmpty { self.sink.write(error: "\(name):\(line): error: \(result.error)") }
        if flush { self.sink.flush() }
        return result.status
    }

    /// With `--echo` (or `--step`), a comment line is narration: printed as written, dimmed on a terminal, so a
    /// walkthrough reads as a story (DESIGN §5.4). Blank lines print nothing.
    private func narrate(_ text: String) {
        guard self.options.echo || self.options.step else { return }
        let comment = text.trimmingCharacters(in: .whitespaces)
        guard comment.hasPrefix("#") else { return }
        let shown = VisibleText.escaped(comment)
        self.sink.write(output: (self.options.dimNarration ? "\u{1B}[2m\(shown)\u{1B}[0m" : shown) + "\n")
    }

    /// Ctrl-C was pressed: say so (once, where it was noticed) and stop with 130.
    private func interrupted() -> ExitStatus {
        self.sink.flush()
        self.sink.write(error: "interrupted")
        return .interrupted
    }
}

/// The echo of a command in a transcript, with any token masked (a login's words, a personal token's secret).
enum Echo {
    static func line(for text: String, prompt: String) -> String {
        prompt + SecretLine.masked(line: text).replacingOccurrences(of: "\n", with: "\n...> ") + "\n"
    }
}
