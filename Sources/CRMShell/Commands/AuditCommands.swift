import CRMDomain

/// `audit`.
enum AuditCommands {
    static let all: [CommandSpec] = [
        CommandSpec(
            ["audit"],
            flags: [
                FlagSpec("actor", .user, help: "only events by this user (or 'anonymous')"),
                FlagSpec("entity", .text, help: "only events about this entity, e.g. ticket/3 or customer/1"),
            ] + FlagSpec.paging("events"),
            permission: .auditRead, summary: "Read the whole audit log, oldest first (admin only).",
            examples: ["audit --actor agent", "audit --entity ticket/3"]
        ) { invocation, session in
            let page = try await session.service.auditLog(
                actor: invocation.flag("actor"), entity: invocation.flag("entity"), try invocation.page(),
                by: session.caller)
            return .list(page, noun: "events")
        },
    ]
}
