import CRMDomain

/// `ticket list|show|create|update|assign|resolve|close|reopen|delete|history`.
enum TicketCommands {
    static let statuses = ValueKind.choice(TicketStatus.allCases.map(\.rawValue))
    static let priorities = ValueKind.choice(Priority.allCases.map(\.rawValue))

    static let all: [CommandSpec] = [
        CommandSpec.list(
            ["ticket", "list"],
            filters: [
                FlagSpec("customer", .customerID, help: "only this customer's tickets"),
                FlagSpec("status", statuses, help: "only tickets in this status"),
                FlagSpec("priority", priorities, help: "only tickets of this priority"),
                FlagSpec("assignee", .user, help: "only tickets assigned to USER, 'me', or 'none' for unassigned"),
                FlagSpec("tag", .text, help: "only tickets with this tag"),
                FlagSpec("search", .text, help: "only tickets whose subject or description contains TEXT"),
            ],
            noun: "tickets", permission: .ticketRead, summary: "List tickets by ID, filtered and paged.",
            examples: ["ticket list --status open --priority urgent", "ticket list --assignee me --limit 20"]
        ) { invocation, session, page in
            let filter = TicketFilter(
                customerID: try invocation.flag("customer").map { try Invocation.id($0, name: "--customer") },
                status: try invocation.flag("status").map { try TicketStatus(validating: $0) },
                priority: try invocation.flag("priority").map { try Priority(validating: $0) },
                assignee: invocation.flag("assignee").map(AssigneeSelector.init(parsing:)),
                tag: invocation.flag("tag"), search: invocation.flag("search"))
            return try await session.service.listTickets(filter, page, by: session.caller)
        },
        CommandSpec(
            ["ticket", "show"], [ArgumentSpec("ID", .ticketID)], permission: .ticketRead,
            summary: "Show a ticket, and its notes when your role may read them.", examples: ["ticket show 3"]
        ) { invocation, session in
            .ticket(try await session.service.ticketDetail(try invocation.ticketID(), by: session.caller))
        },
        CommandSpec(
            ["ticket", "create"],
            flags: [
                FlagSpec("customer", .customerID, required: true, help: "the customer's ID (required)"),
                FlagSpec("subject", .text, required: true, help: "one line, 1-200 characters (required)"),
                FlagSpec("description", .text, help: "details"),
                FlagSpec("priority", priorities, help: "low, normal (default), high or urgent"),
                FlagSpec("assignee", .user, help: "user to assign, or 'me'"),
                FlagSpec("tag", .text, repeatable: true, help: "a tag (repeatable)"),
            ],
            permission: .ticketCreate, summary: "Open a ticket for a customer.",
            examples: ["ticket create --customer 1 --subject \"Cannot log in\" --priority high --tag login"]
        ) { invocation, session in
            let customer = try invocation.required("customer")
            let subject = try invocation.required("subject")
            let input = NewTicket(
                customerID: try Invocation.id(customer, name: "--customer"), subject: subject,
                description: invocation.flag("description"),
                priority: try invocation.flag("priority").map { try Priority(validating: $0) },
                assignee: invocation.flag("assignee").map(AssigneeSelector.init(parsing:)),
                tags: invocation.all("tag"))
            let ticket = try await session.service.createTicket(input, by: session.caller)
            return .changed("created ticket \(ticket.id)", ticket)
        },
        CommandSpec(
            ["ticket", "update"], [ArgumentSpec("ID", .ticketID)],
            flags: [
                FlagSpec("subject", .text, help: "new subject"),
                FlagSpec("description", .text, help: "new description"),
                FlagSpec("status", statuses, help: "move to this status (see the lifecycle in README)"),
                FlagSpec("priority", priorities, help: "new priority"),
                FlagSpec("assignee", .user, help: "assign to USER, 'me', or 'none' to unassign"),
                FlagSpec("add-tag", .text, repeatable: true, help: "add a tag (repeatable)"),
                FlagSpec("remove-tag", .text, repeatable: true, help: "remove a tag (repeatable)"),
                FlagSpec("if-version", .number, help: "change nothing unless the ticket is still at version N"),
            ],
            permission: .ticketUpdate, summary: "Change a ticket's fields, status, priority, assignee or tags.",
            examples: ["ticket update 3 --status in_progress", "ticket update 3 --priority urgent --add-tag vip"]
        ) { invocation, session in
            let changes = TicketChanges(
                subject: invocation.flag("subject"), description: invocation.flag("description"),
                status: try invocation.flag("status").map { try TicketStatus(validating: $0) },
                priority: try invocation.flag("priority").map { try Priority(validating: $0) },
                assignee: invocation.flag("assignee").map(AssigneeSelector.init(parsing:)),
                addTags: invocation.all("add-tag"), removeTags: invocation.all("remove-tag"),
                expectedVersion: try invocation.flag("if-version").map { try Invocation.number($0, name: "if-version") })
            return try await TicketCommands.changed(try invocation.ticketID(), session) {
                try await session.service.updateTicket($0, changes, by: session.caller)
            }
        },
        CommandSpec(
            ["ticket", "assign"], [ArgumentSpec("ID", .ticketID), ArgumentSpec("USER", .user)],
            permission: .ticketUpdate, summary: "Assign a ticket to a user ('me' for yourself, 'none' to unassign).",
            examples: ["ticket assign 3 me", "ticket assign 3 admin"]
        ) { invocation, session in
            let assignee = AssigneeSelector(parsing: invocation.argument("USER") ?? "")
            return try await TicketCommands.changed(try invocation.ticketID(), session) {
                try await session.service.assignTicket($0, to: assignee, by: session.caller)
            }
        },
        TicketCommands.move("resolve", summary: "Mark a ticket resolved.") { try await $0.resolveTicket($1, by: $2) },
        TicketCommands.move("close", summary: "Close a ticket.") { try await $0.closeTicket($1, by: $2) },
        TicketCommands.move("reopen", summary: "Move a resolved ticket back to open; a closed one needs an admin.") {
            try await $0.reopenTicket($1, by: $2)
        },
        DeleteCommand.spec(
            "ticket", .ticketID, permission: .ticketDelete, summary: "Delete a ticket and its notes (admin only).",
            alsoDeleted: " and its notes", id: { try $0.ticketID() },
            DeleteCommand.Steps(
                check: { try await $1.service.checkDeletable($0, by: $1.caller) },
                delete: { try await $1.service.deleteTicket($0, by: $1.caller) })
        ),
        CommandSpec(
            ["ticket", "history"], [ArgumentSpec("ID", .ticketID)], permission: .ticketHistory,
            summary: "Show a ticket's audit trail: every change and note, oldest first.",
            examples: ["ticket history 3"]
        ) { invocation, session in
            let page = try await session.service.ticketHistory(try invocation.ticketID(), by: session.caller)
            return .list(page, noun: "events")
        },
    ]

    /// `ticket VERB ID`: one lifecycle move, which the service checks (the permission shown is what `help` lists).
    private static func move(
        _ verb: String, summary: String,
        _ action: @escaping @Sendable (CRMService, TicketID, Caller) async throws -> Ticket
    ) -> CommandSpec {
        CommandSpec(
            ["ticket", verb], [ArgumentSpec("ID", .ticketID)], permission: .ticketUpdate, summary: summary,
            examples: ["ticket \(verb) 3"]
        ) { invocation, session in
            try await TicketCommands.changed(try invocation.ticketID(), session) {
                try await action(session.service, $0, session.caller)
            }
        }
    }

    /// Runs a ticket mutation and reports where the ticket now stands.
    private static func changed(
        _ id: TicketID, _ session: Session, _ mutate: (TicketID) async throws -> Ticket
    ) async throws -> CommandOutput {
        let ticket = try await mutate(id)
        return .changed("ticket \(id): \(ticket.status.rawValue), version \(ticket.version)", ticket)
    }
}
