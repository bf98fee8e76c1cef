import CRMDomain

/// What a command produced, before it is written in the session's format.
public enum CommandOutput: Sendable {
    /// Nothing to print.
    case nothing
    /// A mutation: one line in `table` format (`created ticket 3`), the entity itself in the others.
    case changed(String, any Renderable)
    /// One record (`show`).
    case record(any Renderable)
    /// A ticket and, when the role may read them, its notes.
    case ticket(TicketDetail)
    /// A page of a list; `noun` names the items (`tickets`).
    case list([any Renderable], fields: [String], listFields: [String], total: Int, offset: Int, noun: String)
    /// Plain text, printed as is in every format.
    case text(String)
    /// Text for people (help, server status), and the same facts as one JSON value in `json` format (DESIGN §5.4).
    case described(String, any JSONWritable & Sendable)
}

extension CommandOutput {
    /// What `help COMMAND` and `COMMAND --help` show.
    static func help(_ command: CommandSpec) -> CommandOutput {
        .described(command.help, CommandHelpJSON(command: command))
    }

    /// A list of `items`, the page starting at `offset` of `total`, with the fields their type declares.
    static func list<Item: Renderable>(_ items: [Item], total: Int, offset: Int = 0, noun: String) -> CommandOutput {
        .list(items, fields: Item.fields, listFields: Item.listFields, total: total, offset: offset, noun: noun)
    }

    /// One page from the service as a list; `noun` names its items (`tickets`).
    static func list<Item: Renderable>(_ page: Page<Item>, noun: String) -> CommandOutput {
        .list(page.items, total: page.total, offset: page.offset, noun: noun)
    }
}
