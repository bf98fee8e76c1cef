/// Every command of the shell language (DESIGN §5.3), in the order `help` lists them.
public enum CommandTable {
    /// Every command, in `help` order.
    public static let all: [CommandSpec] =
        ShellCommands.all + SessionCommands.all + CustomerCommands.all + TicketCommands.all + NoteCommands.all
        + AuditCommands.all + ServerCommands.all

    /// The parser over `all`: a tokenized line in, an invocation, `--help` or a usage error out.
    public static let parser = CommandParser(commands: all)
}
