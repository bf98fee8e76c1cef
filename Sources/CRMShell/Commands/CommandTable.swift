/// Every command of the shell language (DESIGN §5.3), in the order `help` lists them.
public enum CommandTable {
    static let all: [CommandSpec] =
        ShellCommands.all + SessionCommands.all + CustomerCommands.all + TicketCommands.all + NoteCommands.all
        + AuditCommands.all + UserCommands.all + TokenCommands.all + ServerCommands.all

    /// The parser over the whole table.
    public static let parser = CommandParser(commands: all)

    /// One line in, a parsed command out: tokenizes `line` as a whole command and parses it, without a session.
    /// Throws `ShellError.usage` for bad quoting, an unknown command or flag, or a missing argument; an error about
    /// a login-like line quotes none of its words.
    public static func parse(line: String) throws -> ParsedLine {
        guard case .complete(let words) = Tokenizer.scan(line) else { throw ShellError.usage("unterminated quote") }
        guard !words.isEmpty else { throw ShellError.usage("empty command") }
        return try CommandRunner.parse(words)
    }
}
