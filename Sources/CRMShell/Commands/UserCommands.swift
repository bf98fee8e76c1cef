import CRMDomain

/// `user list|show|create|update|disable|enable` (admin: `user.manage`).
enum UserCommands {
    static let roles = ValueKind.choice(Role.allCases.map(\.rawValue))
    /// `NAME` of a user who exists already: what every command but `create` (a new name, as text) takes.
    static let existingUser = [ArgumentSpec("NAME", .user)]

    static let all: [CommandSpec] = [
        CommandSpec.list(
            ["user", "list"], noun: "users", permission: .userManage, summary: "List users by name.",
            examples: ["user list"]
        ) { _, session, page in
            try await session.service.listUsers(page, by: session.caller)
        },
        CommandSpec(
            ["user", "show"], existingUser, permission: .userManage, summary: "Show one user.",
            examples: ["user show alice"]
        ) { invocation, session in
            .record(try await session.service.user(named: invocation.argument("NAME") ?? "", by: session.caller))
        },
        CommandSpec(
            ["user", "create"], [ArgumentSpec("NAME", .text)],
            flags: [
                FlagSpec("role", roles, required: true, help: "agent or admin (required)"),
                FlagSpec("display-name", .text, help: "the name people read (default: NAME)"),
            ],
            permission: .userManage,
            summary: "Add a user who can then be given tokens (token create --user NAME). Users are never deleted.",
            examples: ["user create alice --role agent --display-name \"Alice Liddell\""]
        ) { invocation, session in
            let input = NewUser(
                name: invocation.argument("NAME") ?? "", role: try Role(validating: try invocation.required("role")),
                displayName: invocation.flag("display-name"))
            let user = try await session.service.createUser(input, by: session.caller)
            return .changed("created user \(user.name)", user)
        },
        CommandSpec(
            ["user", "update"], existingUser,
            flags: [
                FlagSpec("role", roles, help: "new role"),
                FlagSpec("display-name", .text, help: "new display name"),
            ],
            permission: .userManage, summary: "Change a user's role or display name.",
            examples: ["user update alice --role admin"]
        ) { invocation, session in
            let changes = UserChanges(
                role: try invocation.flag("role").map { try Role(validating: $0) },
                displayName: invocation.flag("display-name"))
            let user = try await session.service.updateUser(
                named: invocation.argument("NAME") ?? "", changes, by: session.caller)
            return .changed("saved user \(user.name)", user)
        },
        CommandSpec(
            ["user", "disable"], existingUser, permission: .userManage,
            summary: "Disable a user: every token of theirs stops working at once.", examples: ["user disable alice"]
        ) { invocation, session in
            let user = try await session.service.updateUser(
                named: invocation.argument("NAME") ?? "", UserChanges(disabled: true), by: session.caller)
            return .changed("disabled user \(user.name)", user)
        },
        CommandSpec(
            ["user", "enable"], existingUser, permission: .userManage,
            summary: "Enable a disabled user; their tokens that are not revoked or expired work again.",
            examples: ["user enable alice"]
        ) { invocation, session in
            let user = try await session.service.updateUser(
                named: invocation.argument("NAME") ?? "", UserChanges(disabled: false), by: session.caller)
            return .changed("enabled user \(user.name)", user)
        },
    ]
}
