import CRMDomain

/// `token create|list|revoke` (`token.own`; another user's tokens with `user.manage`).
enum TokenCommands {
    static let all: [CommandSpec] = [
        CommandSpec(
            ["token", "create"],
            flags: [
                FlagSpec("label", .text, help: "what the token is for, e.g. laptop or ci"),
                FlagSpec(
                    "expires", .text,
                    help: "30d, 12h, a date (2026-01-31), a UTC time, or never (default \(TokenExpiry.defaultLifetime))"),
                FlagSpec("user", .user, help: "whose token (admin; default: yours)"),
            ],
            permission: .tokenOwn,
            summary: "Create a personal API token and print it once: crm keeps only its hash and cannot show it again.",
            examples: ["token create --label laptop --expires 30d", "token create --user alice --label ci --expires never"]
        ) { invocation, session in
            let input = NewToken(
                user: invocation.flag("user"), label: invocation.flag("label"), expires: invocation.flag("expires"))
            let issued = try await session.service.createToken(input, by: session.caller)
            let expiry = issued.token.expiresAt.map { "expires \($0.iso8601)" } ?? "never expires"
            return .changed(
                "created token \(issued.token.id) for \(issued.token.user) (\(expiry)), shown only now: \(issued.secret.text)",
                NewTokenOutput(issued))
        },
        CommandSpec.list(
            ["token", "list"],
            filters: [
                FlagSpec("user", .user, help: "this user's tokens (admin; default: yours)"),
                FlagSpec("all", nil, help: "everyone's tokens (admin)"),
            ],
            noun: "tokens", permission: .tokenOwn,
            summary: "List tokens: label, dates, last use, revocation; never the secret.",
            examples: ["token list", "token list --user alice", "token list --all"]
        ) { invocation, session, page in
            try await session.service.listTokens(
                user: invocation.flag("user"), all: invocation.has("all"), page, by: session.caller)
        },
        CommandSpec(
            ["token", "revoke"], [ArgumentSpec("ID", .number)], permission: .tokenOwn,
            summary: "Revoke a token at once, in every process sharing the database (yours; admin: anyone's).",
            examples: ["token revoke 4"]
        ) { invocation, session in
            let id: TokenID = try Invocation.id(invocation.argument("ID") ?? "", name: "ID")
            let token = try await session.service.revokeToken(id, by: session.caller)
            return .changed("revoked token \(token.id) of \(token.user)", token)
        },
    ]
}
