import CRMDomain

/// What one command line produced.
public struct CommandResult: Equatable, Sendable {
    /// Text for stdout.
    public var output: String
    /// The error message for stderr (without the `error: ` prefix), or empty.
    public var error: String
    public var status: ExitStatus

    public init(output: String = "", error: String = "", status: ExitStatus = .success) {
        self.output = output
        self.error = error
        self.status = status
    }
}

/// Runs one command line in a session: line in, output, error and exit status out.
public final class CommandRunner {
    public let session: Session

    public init(session: Session) {
        self.session = session
    }

    /// Tokenizes and runs a complete line; an unterminated quote is a usage error.
    public func run(_ line: String) async -> CommandResult {
        switch Tokenizer.scan(line) {
        case .incomplete: return CommandResult(error: "unterminated quote", status: .usage)
        case .complete(let words): return await self.execute(words)
        }
    }

    /// Runs a command given as plain words (as if typed bare, none of them quoted); empty words do nothing.
    public func execute(_ words: [String]) async -> CommandResult {
        await self.execute(words.map { Word($0) })
    }

    /// Runs a tokenized command; empty words do nothing. An error about a login-like line quotes none of its words.
    public func execute(_ words: [Word]) async -> CommandResult {
        guard !words.isEmpty else { return CommandResult() }
        do {
            let output: CommandOutput
            switch try Self.parse(words) {
            case .help(let command): output = .help(command)
            case .invocation(let invocation):
                try await self.reauthenticate(for: invocation.command)
                output = try await invocation.command.run(invocation, self.session)
            }
            return CommandResult(output: Renderer(format: self.session.format).render(output))
        } catch let stopped as ScriptStopped {
            return CommandResult(status: stopped.status)
        } catch {
            // An error may quote what was typed or stored: never let it drive the terminal.
            // Nor show a personal token the line carried (`ticket assign 3 crm_5_…`: unknown user).
            let message = VisibleText.escapedKeepingLineBreaks(TokenSecret.redacted(in: String(describing: error)))
            return CommandResult(error: message, status: ExitStatus(for: error))
        }
    }

    /// Checks the session's login against the store before a command runs (`login` and `logout` replace it):
    /// a token revoked or expired, or a user disabled, since login, even by another process, ends the login
    /// (`unauthenticated`); a changed role applies at once.
    private func reauthenticate(for command: CommandSpec) async throws {
        guard !SessionCommands.replacingLogin.contains(command.name) else { return }
        do {
            self.session.caller = try await self.session.service.reauthenticate(self.session.caller)
        } catch CRMError.unauthenticated {
            self.session.caller = .anonymous(via: .shell)
            throw CRMError.unauthenticated
        }
    }

    /// The command table's parse of `words`, with a usage error about a login-like line told without its words.
    static func parse(_ words: [Word]) throws -> ParsedLine {
        do {
            return try CommandTable.parser.parse(words)
        } catch ShellError.usage where SecretLine.isLoginLike(words: words.map(\.text)) {
            throw ShellError.usage(SecretLine.usageError(words: words.map(\.text)))
        }
    }
}
