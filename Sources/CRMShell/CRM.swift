import ArgumentParser
import CLibEdit
import CRMDomain
import Foundation

/// The `crm` program: process flags here, then an interactive shell or a script run (DESIGN §5.1).
public struct CRM: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "crm",
        abstract: "A support-desk CRM: customers, tickets and notes, from a shell, scripts or HTTP.",
        discussion: """
            With no -c or -f, crm is interactive when stdin is a terminal and runs stdin as a script otherwise.
            Environment: CRM_TOKEN, CRM_NOW, CRM_PUBLIC_TICKETS, CRM_AGENT_TOKEN, CRM_ADMIN_TOKEN, CRM_HISTFILE, \
            NO_COLOR; a .env file in the working directory is read too.
            """,
        version: "0.1.0",
        subcommands: [Serve.self, Train.self])

    /// The program: ArgumentParser's own entry point, except that bad process flags exit with 2 (DESIGN §5.5), not
    /// sysexits' 64. (Named apart from `main()`, which resolves to ArgumentParser's synchronous `main` from another
    /// module and refuses to run an async command.)
    public static func launch() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            exit(withError: ExitCode(ExitStatus.usage.rawValue))
        }
    }

    @Option(name: .customLong("token"), help: "Log in with this API token first (or set CRM_TOKEN).")
    var token: String?

    @OptionGroup var store: StoreOptions

    @Option(name: .customLong("format"), help: "Output format: table, json, csv or tsv.")
    var format: String = "table"

    @Option(
        name: .customLong("token-file"),
        help: "Log in with the token on the first line of FILE (not readable by group or others), not shown in ps.")
    var tokenFile: String?

    @Option(
        name: .customShort("f"),
        help: "Run the commands in FILE (a file, pipe, FIFO, or - for stdin), then exit (repeatable).")
    var files: [String] = []

    @Option(name: .customShort("c"), help: "Run COMMAND, then exit (repeatable; -c and -f run in the order given).")
    var commands: [String] = []

    @Flag(help: "Print each command before its output, and a script's comment lines as narration.")
    var echo = false

    @Flag(name: .customLong("keep-going"), help: "Don't stop a script at its first failing command.")
    var keepGoing = false

    @Flag(help: "Walkthroughs: echo each command, then a key on the terminal: Enter runs it, s skips it, q quits.")
    var step = false

    @Option(name: .customLong("history"), help: "History file (default $XDG_STATE_HOME/crm/history, or CRM_HISTFILE).")
    var historyFile: String?

    @Flag(name: .customLong("no-history"), help: "Don't read or write a history file.")
    var noHistory = false

    public init() {}

    public func run() async throws {
        guard let format = OutputFormat(rawValue: self.format) else {
            StandardStreams().write(error: "error: unknown format '\(self.format)' (one of table, json, csv, tsv)")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
        if self.tokenFile != nil && self.token != nil {
            StandardStreams().write(error: "error: --token-file and --token both give a token; use one")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
        let startup = try await Startup(store: self.store)
        let (environment, streams, service) = (startup.environment, startup.streams, startup.service)
        defer { streams.flush() }
        let session = Session(service: service, format: format)
        session.serverLogPath = HistoryFile.stateDirectory(environment: environment) + "/server.log"
        do {
            let fromFile = try self.tokenFile.map(TokenFile.read)
            if let token = fromFile ?? self.token ?? environment["CRM_TOKEN"].flatMap({ $0.isEmpty ? nil : $0 }) {
                session.caller = try await service.login(token: token, via: .shell)
            }
        } catch {
            throw startup.exit(reporting: error)
        }
        Interruption.install()
        var status = await self.runMode(session: session, environment: environment, streams: streams)
        await session.server.stop()
        if let failure = StandardOutputCheck.failure() {
            streams.write(error: "error: cannot write to stdout: \(failure)")
            status = status == .success ? .failure : status
        }
        if status != .success { throw ExitCode(status.rawValue) }
    }

    /// The `-c` COMMANDs and `-f` FILEs in the order given on the command line.
    private var scriptParts: [ScriptPart] {
        var commands = self.commands[...]
        var files = self.files[...]
        var parts: [ScriptPart] = []
        var position = 0
        func addCommand(_ command: String) {
            position += 1
            parts.append(.command(command, position: position))
        }
        var arguments = CommandLine.arguments.dropFirst()[...]
        while let argument = arguments.popFirst(), argument != "--" {
            if argument == "-c", let command = commands.popFirst() {
                addCommand(command)
                arguments = arguments.dropFirst()
            } else if argument == "-f", let file = files.popFirst() {
                parts.append(.file(file))
                arguments = arguments.dropFirst()
            }
        }
        commands.forEach(addCommand)
        return parts + files.map { .file($0) }
    }

    private func runMode(session: Session, environment: [String: String], streams: StandardStreams) async -> ExitStatus {
        let colors = (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
        let options = ScriptOptions(
            echo: self.echo, keepGoing: self.keepGoing, step: self.step, dimNarration: colors && isatty(1) == 1)
        let parts = self.scriptParts
        if !parts.isEmpty {
            let script = ScriptRunner(runner: CommandRunner(session: session), options: options, sink: streams)
            var firstFailure: ExitStatus?
            for part in parts {
                let status: ExitStatus
                switch part {
                case .command(let command, let position): status = await script.run(command: command, position: position)
                case .file(let path): status = await script.run(file: path)
                }
                if status == .interrupted { return status }
                if status != .success {
                    firstFailure = firstFailure ?? status
                    if !self.keepGoing { return status }
                }
                if session.exitRequested { break }
            }
            return firstFailure ?? .success
        }
        // Interactive whenever stdin is a terminal, also with stdout piped (`crm | tee log`, DESIGN §5.1).
        if isatty(0) == 1 {
            let history = self.noHistory ? nil : HistoryFile.path(flag: self.historyFile, environment: environment)
            let shell = InteractiveShell(session: session, history: history, colors: colors, sink: streams)
            return await shell.run()
        }
        let script = ScriptRunner(runner: CommandRunner(session: session), options: options, sink: streams)
        return await script.run(file: "-")
    }
}

/// One `-c COMMAND` (with its position among the `-c`s, for error prefixes) or `-f FILE` of the command line.
private enum ScriptPart {
    case command(String, position: Int)
    case file(String)
}
