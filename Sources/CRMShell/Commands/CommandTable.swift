/// Every command of the shell language (DESIGN §5.3), in the order `help` lists them.
enum CommandTable {
    static let all: [CommandSpec] =
        ShellCommands.all + SessionCommands.all + CustomerCommands.all + TicketCommands.all + NoteCommands.all
        + AuditCommands.all + ServerCommands.all

    static let parser = CommandParser(commands: all)
}
