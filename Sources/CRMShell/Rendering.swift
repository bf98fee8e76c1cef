import CRMDomain

/// The shell's renderers as public API, for fuzzers and tools without a session: domain values in, exactly the text
/// the matching command prints out, in any format.
public enum Rendering {
    /// What `ticket list` prints for `tickets`, the page starting at `offset` of `total`.
    public static func tickets(_ tickets: [Ticket], total: Int, offset: Int = 0, format: OutputFormat) -> String {
        Renderer(format: format).render(.list(tickets, total: total, offset: offset, noun: "tickets"))
    }

    /// What `ticket show` prints: the ticket, then its notes when given.
    public static func ticket(_ ticket: Ticket, notes: [Note]?, format: OutputFormat) -> String {
        Renderer(format: format).render(.ticket(TicketDetail(ticket: ticket, notes: notes)))
    }

    /// What `customer list` prints.
    public static func customers(_ customers: [Customer], total: Int, offset: Int = 0, format: OutputFormat) -> String {
        Renderer(format: format).render(.list(customers, total: total, offset: offset, noun: "customers"))
    }

    /// What `customer show` prints.
    public static func customer(_ customer: Customer, format: OutputFormat) -> String {
        Renderer(format: format).render(.record(customer))
    }

    /// What `note list` prints.
    public static func notes(_ notes: [Note], format: OutputFormat) -> String {
        Renderer(format: format).render(.list(notes, total: notes.count, noun: "notes"))
    }

    /// What `audit` and `ticket history` print.
    public static func auditEvents(_ events: [AuditEvent], total: Int, offset: Int = 0, format: OutputFormat) -> String {
        Renderer(format: format).render(.list(events, total: total, offset: offset, noun: "events"))
    }

    /// What a mutation prints: `message` in `table` format, the changed ticket in the others.
    public static func changed(_ message: String, ticket: Ticket, format: OutputFormat) -> String {
        Renderer(format: format).render(.changed(message, ticket))
    }

    /// What `help` prints.
    public static func text(_ text: String, format: OutputFormat) -> String {
        Renderer(format: format).render(.text(text))
    }
}
