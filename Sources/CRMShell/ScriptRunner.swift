import CRMDomain
import Foundation

/// How a script is run (DESIGN §5.1, §5.5).
public struct ScriptOptions: Sendable {
    /// Print each command, prompt-style, before its output.
    public var echo = false
    /// Go on after a failing command; the exit status is still the first failure's.
    public var keepGoing = false
    /// Echo each command and wait for Enter on the terminal before running it.
    public var step = false
    /// Flush stdout after every command, for a reader on the other end of a pipe (off for files: faster).
    public var flushEachCommand = false

    public init(echo: Bool = false, keepGoing: Bool = false, step: Bool = false, flushEachCommand: Bool = false) {
        self.echo = echo
        self.keepGoing = keepGoing
        self.step = step
        self.flushEachCommand = flushEachCommand
    }
}

/// Runs command lines from a file, stdin or `-c`: continuation lines for open quotes, `FILE:LINE: ` on errors,
/// stop at the first failure unless `keepGoing`, and `source` for nested files.
public final class ScriptRunner {
    public let runner: CommandRunner
    public let options: ScriptOptions
    let sink: any OutputSink
    private var sourceDepth = 0

    public init(runner: CommandRunner, options: ScriptOptions, sink: any OutputSink) {
        self.runner = runner
        self.options = options
        self.sink = sink
        runner.session.runScript = { [unowned self] path in try await self.source(path) }
    }

    /// Runs every line `nextLine` yields (nil at end) as the script named `name` (`-` for stdin).
    public func run(name: String, nextLine: () async -> String?) async -> ExitStatus {
        var firstFailure: ExitStatus?
        var pending: (text: String, line: Int)?
        var lineNumber = 0
        while let line = await nextLine() {
            lineNumber += 1
            let text = pending.map { $0.text + "\n" + line } ?? line
            let startLine = pending?.line ?? lineNumber
            switch Tokenizer.tokenize(text) {
            case .incomplete:
                pending = (text, startLine)
                continue
            case .words(let words):
                pending = nil
                guard !words.isEmpty else { continue }
                let status = await self.runCommand(words, text: text, name: name, line: startLine)
                if status != .success {
                    firstFailure = firstFailure ?? status
                    if !self.options.keepGoing { return status }
                }
                if self.runner.session.exitRequested { return firstFailure ?? .success }
            }
        }
        if let pending {
            self.sink.write(error: "\(name):\(pending.line): error: unterminated quote at end of input")
            return firstFailure ?? .usage
        }
        return firstFailure ?? .success
    }

    /// Runs a whole file as a script.
    public func run(file path: String) async -> ExitStatus {
        guard let lines = Self.lines(of: path) else {
            self.sink.write(error: "error: cannot read '\(path)'")
            return .failure
        }
        var iterator = lines.makeIterator()
        return await self.run(name: path) { iterator.next() }
    }

    private func runCommand(_ words: [String], text: String, name: String, line: Int) async -> ExitStatus {
        if self.options.echo || self.options.step {
            self.sink.write(output: Echo.line(for: text, words: words, prompt: self.runner.session.prompt))
        }
        if self.options.step {
            self.sink.flush()
            StepPause.wait()
        }
        let result = await self.runner.execute(words)
        self.sink.write(output: result.output)
        if !result.error.isEmpty { self.sink.write(error: "\(name):\(line): error: \(result.error)") }
        if self.options.flushEachCommand { self.sink.flush() }
        return result.status
    }

    private func source(_ path: String) async throws {
        guard self.sourceDepth < 16 else { throw ShellError.failed("source: nested too deeply at '\(path)'") }
        guard let lines = Self.lines(of: path) else { throw ShellError.failed("cannot read '\(path)'") }
        self.sourceDepth += 1
        defer { self.sourceDepth -= 1 }
        var iterator = lines.makeIterator()
        let status = await self.run(name: path) { iterator.next() }
        if status != .success { throw ScriptStopped(status: status) }
    }

    static func lines(of path: String) -> [String]? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        // "\r\n" is one Character in Swift, so split on both line endings explicitly.
        var lines = String(decoding: data, as: UTF8.self)
            .split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" }
            .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        if lines.last == "" { lines.removeLast() }
        return lines
    }
}

/// The echo of a command in a transcript, with any token masked.
enum Echo {
    static func line(for text: String, words: [String], prompt: String) -> String {
        if words.first == "login" {
            return prompt + (words.count > 1 ? "login ****" : "login") + "\n"
        }
        let continued = text.replacingOccurrences(of: "\n", with: "\n...> ")
        return prompt + continued + "\n"
    }
}
