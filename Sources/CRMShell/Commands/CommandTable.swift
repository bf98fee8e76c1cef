/// Every command of the shell language (DESIGN §5.3), in the order `help` lists them.
public enum CommandTable {
    static let all: [CommandSpec] =
        ShellCommands.all + SessionCommands.all + CustomerCommands.all + TicketCommands.all + NoteCommands.all
        + AuditCommands.all + ServerCommands.all

    /// The parser over the whole table.
    public static let parser = CommandParser(commands: all)
}
