import CRMDomain

/// `login`, `logout`, `whoami`.
enum SessionCommands {
    /// `login [TOKEN]`, for errors that must not quote a login line's words.
    static let loginUsage = "login [TOKEN]"
    /// The commands that replace the session's login rather than act under it.
    static let replacingLogin: Set<String> = ["login", "logout"]

    static let all: [CommandSpec] = [
        CommandSpec(
            ["login"], [ArgumentSpec("TOKEN", .text, optional: true)],
            summary: "Log in with an API token. Without TOKEN on a terminal, asks for it with echo off.",
            examples: ["login", "login $CRM_TOKEN"]
        ) { invocation, session in
            let token: String
            if let given = invocation.argument("TOKEN") {
                token = given
            } else if let readSecret = session.readSecret {
                guard let typed = await readSecret("token: ") else { return .nothing }
                token = typed
            } else {
                throw ShellError.usage("login needs a TOKEN when not on a terminal")
            }
            session.caller = try await session.service.login(token: token, via: .shell)
            let info = SessionInfo(session.caller.principal)
            return .changed("logged in as \(info.user) (\(info.role ?? ""))", info)
        },
        CommandSpec(["logout"], summary: "Forget the current login; you are anonymous again.") { _, session in
            session.caller = .anonymous(via: .shell)
            return .changed("logged out", SessionInfo(.anonymous))
        },
        CommandSpec(["whoami"], summary: "Show who you are logged in as, and the token's label and expiry.") {
            _, session in
            let info = WhoAmI(session.caller.principal, try await session.service.identity(of: session.caller))
            return .changed(info.summary, info)
        },
    ]
}
