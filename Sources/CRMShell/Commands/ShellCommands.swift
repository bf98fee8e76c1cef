import CRMDomain

/// `help`, `set`, `source`, `exit`, `quit`.
enum ShellCommands {
    static let all: [CommandSpec] = [
        CommandSpec(
            ["help"], [ArgumentSpec("COMMAND", .command, optional: true, rest: true)],
            summary: "List the commands, or show how to use one. Commands marked * need a role you don't have.",
            examples: ["help", "help ticket", "help ticket update"]
        ) { invocation, session in
            try ShellCommands.help(for: invocation.rest("COMMAND"), in: session)
        },
        CommandSpec(
            ["set"], [ArgumentSpec("SETTING", .choice(["format"])), ArgumentSpec("VALUE", .choice(OutputFormat.allCases.map(\.rawValue)))],
            summary: "Change a setting of this session: the output format (table, json, csv, tsv).",
            examples: ["set format json"]
        ) { invocation, session in
            guard invocation.argument("SETTING") == "format" else {
                throw ShellError.usage("unknown setting '\(invocation.argument("SETTING") ?? "")'; the only one is 'format'")
            }
            let value = invocation.argument("VALUE") ?? ""
            guard let format = OutputFormat(rawValue: value) else {
                throw ShellError.usage(
                    "unknown format '\(value)' (one of \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            session.format = format
            return .nothing
        },
        CommandSpec(
            ["source"], [ArgumentSpec("FILE", .file)],
            summary: "Run the commands in FILE as a script, in this session.",
            examples: ["source examples/first-day.crm"]
        ) { invocation, session in
            guard let source = session.scriptSource else {
                throw ShellError.failed("source runs only in a script or the interactive shell")
            }
            try await source.run(invocation.argument("FILE") ?? "", in: session)
            return .nothing
        },
        CommandSpec(["exit"], summary: "Leave the shell (also: quit, Ctrl-D).") { _, session in
            session.exitRequested = true
            return .nothing
        },
        CommandSpec(["quit"], summary: "Leave the shell.") { _, session in
            session.exitRequested = true
            return .nothing
        },
    ]

    /// The overview, or the help of the commands named by `words`; as text, or as JSON in `json` format.
    static func help(for words: [String], in session: Session) throws -> CommandOutput {
        let permissions = session.service.permissions(of: session.caller)
        func line(_ command: CommandSpec) -> String {
            let denied = command.permission.map { !permissions.contains($0) } ?? false
            return (denied ? "* " : "  ") + command.usage.padded(to: 58)
                + " " + command.summary.prefix { $0 != "." }
        }
        guard let noun = words.first else {
            let lines = CommandTable.all.map(line)
            let text = (["commands (* = not allowed for \(session.caller.principal.name)):"] + lines
                + ["", "Type 'help COMMAND' or 'COMMAND --help' for details."]).joined(separator: "\n")
            return .described(text, CommandListJSON(commands: CommandTable.all, permissions: permissions))
        }
        let parser = CommandTable.parser
        if words.count == 1, parser.commands(under: noun).count > 1 {
            let family = parser.commands(under: noun)
            return .described(
                family.map(line).joined(separator: "\n"), CommandListJSON(commands: family, permissions: permissions))
        }
        return .help(try parser.lookup(words).0)
    }
}
