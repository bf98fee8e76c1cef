import CRMDomain

/// `audit`.
enum AuditCommands {
    static let all: [CommandSpec] = [
        CommandSpec.list(
            ["audit"],
            filters: [
                FlagSpec("actor", .user, help: "only events by this user (or 'anonymous')"),
                FlagSpec("entity", .text, help: "only events about this entity, e.g. ticket/3 or customer/1"),
            ],
            noun: "events", permission: .auditRead, summary: "Read the whole audit log, oldest first (admin only).",
            examples: ["audit --actor agent", "audit --entity ticket/3"]
        ) { invocation, session, page in
            try await session.service.auditLog(
                actor: invocation.flag("actor"), entity: invocation.flag("entity"), page, by: session.caller)
        },
    ]
}
