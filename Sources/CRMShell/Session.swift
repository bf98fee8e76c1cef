import CRMAPI
import CRMDomain

/// The state one shell carries between commands: the service, who is logged in, the output format, and
/// the ways to talk to the person at the terminal (absent when there is none).
public final class Session {
    public let service: CRMService
    public var caller: Caller
    public var format: OutputFormat
    /// Asks a yes/no question on the terminal, through the shell's line reader; false when cancelled (Ctrl-C,
    /// Ctrl-D); nil when stdin is not a TTY.
    public var confirm: ((String) async -> Bool)?
    /// Reads a secret from the terminal with echo off, through the shell's line reader; nil when cancelled
    /// (Ctrl-C, Ctrl-D). Itself nil when stdin is not a TTY.
    public var readSecret: ((String) async -> String?)?
    /// How `source FILE` runs a script here: set by whoever reads the lines (the script runner, the interactive
    /// shell); nil for a bare `CommandRunner`.
    var scriptSource: ScriptSource?
    /// The HTTP API this shell may run in the background (`server start`).
    public let server = BackgroundServer()
    /// Where the background server writes its log, so it never garbles the prompt.
    public var serverLogPath = "crm-server.log"
    /// Set by `exit` and `quit`.
    public internal(set) var exitRequested = false

    public init(service: CRMService, caller: Caller = .anonymous(via: .shell), format: OutputFormat = .table) {
        self.service = service
        self.caller = caller
        self.format = format
    }

    /// The prompt: `crm> ` when anonymous, `crm(agent)> ` when logged in (control characters in the name escaped).
    public var prompt: String {
        self.caller.principal.user.map { "crm(\(VisibleText.escaped($0.name)))> " } ?? "crm> "
    }
}
