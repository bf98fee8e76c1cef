import CRMDomain

/// What kind of value an argument or flag takes: it names the value in usage lines (`ID`, `N`, `open|closed`) and
/// tells completion what to offer. The parser only asks whether a flag takes a value at all; commands convert and
/// check values themselves, through `Invocation`'s accessors and the domain.
public enum ValueKind: Sendable, Equatable {
    case text
    case number
    case ticketID
    case customerID
    case user
    /// One of a fixed set of words (statuses, priorities, formats).
    case choice([String])
    /// A command name (for `help`).
    case command
    /// A file path (completion offers nothing).
    case file
}

/// A positional argument of a command.
public struct ArgumentSpec: Sendable {
    public let name: String
    public let kind: ValueKind
    public let isOptional: Bool
    /// Takes all remaining words (`note add 3 Called back`, `help ticket list`).
    public let takesRest: Bool

    public init(_ name: String, _ kind: ValueKind, optional: Bool = false, rest: Bool = false) {
        self.name = name
        self.kind = kind
        self.isOptional = optional
        self.takesRest = rest
    }
}

/// A long flag of a command: `--name VALUE`, `--name=VALUE`, or a bare switch when `kind` is nil.
public struct FlagSpec: Sendable {
    public let name: String
    public let kind: ValueKind?
    public let isRepeatable: Bool
    /// The command cannot run without it; usage lines show it without brackets (DESIGN §5.3).
    public let isRequired: Bool
    public let help: String

    public init(_ name: String, _ kind: ValueKind?, repeatable: Bool = false, required: Bool = false, help: String) {
        self.name = name
        self.kind = kind
        self.isRepeatable = repeatable
        self.isRequired = required
        self.help = help
    }

    /// How the flag is shown in usage lines.
    var usage: String {
        let value = self.kind.map { " " + self.valueName(for: $0) } ?? ""
        let flag = "--\(self.name)\(value)"
        return (self.isRequired ? flag : "[\(flag)]") + (self.isRepeatable ? "…" : "")
    }

    func valueName(for kind: ValueKind) -> String {
        switch kind {
        case .choice(let values): values.joined(separator: "|")
        case .number: "N"
        case .ticketID, .customerID: "ID"
        case .user: "USER"
        default: self.name.uppercased()
        }
    }
}

/// One command of the shell language: the single declaration that parsing, `help`, `--help`, completion and
/// "did you mean" all read. Its `run` translates the parsed words into one `CRMService` call.
public final class CommandSpec: Sendable {
    /// The words that name the command, e.g. `["ticket", "update"]`.
    public let path: [String]
    public let arguments: [ArgumentSpec]
    public let flags: [FlagSpec]
    /// The permission the command needs, shown by `help`; the domain enforces it.
    public let permission: Permission?
    public let summary: String
    public let examples: [String]
    let run: @Sendable (Invocation, Session) async throws -> CommandOutput

    init(
        _ path: [String], _ arguments: [ArgumentSpec] = [], flags: [FlagSpec] = [], permission: Permission? = nil,
        summary: String, examples: [String] = [],
        run: @escaping @Sendable (Invocation, Session) async throws -> CommandOutput
    ) {
        self.path = path
        self.arguments = arguments
        self.flags = flags
        self.permission = permission
        self.summary = summary
        self.examples = examples
        self.run = run
    }

    /// `ticket update`.
    public var name: String { self.path.joined(separator: " ") }

    /// `ticket update ID [--subject SUBJECT] …`.
    public var usage: String {
        var parts = [self.name]
        for argument in self.arguments {
            let name = argument.name + (argument.takesRest ? "…" : "")
            parts.append(argument.isOptional ? "[\(name)]" : name)
        }
        parts += self.flags.map(\.usage)
        return parts.joined(separator: " ")
    }

    /// The text `COMMAND --help` prints.
    public var help: String {
        var lines = ["usage: \(self.usage)", "", self.summary]
        if !self.flags.isEmpty {
            lines.append("")
            lines.append("flags:")
            let width = self.flags.map { $0.name.count }.max() ?? 0
            for flag in self.flags {
                lines.append("  --\(flag.name.padded(to: width))  \(flag.help)")
            }
        }
        if let permission = self.permission {
            lines.append("")
            lines.append("requires: \(permission.rawValue)")
        }
        if !self.examples.isEmpty {
            lines.append("")
            lines.append("examples:")
            lines += self.examples.map { "  " + $0 }
        }
        return lines.joined(separator: "\n")
    }
}

/// The parsed words of one command line, read through typed accessors that turn bad values into usage errors.
public struct Invocation: Sendable {
    public let command: CommandSpec
    public let arguments: BoundWords
    public let flags: BoundWords

    /// A positional argument's single value, if given.
    func argument(_ name: String) -> String? { self.arguments[name]?.first }

    /// All words of a rest-taking argument.
    func rest(_ name: String) -> [String] { self.arguments[name] ?? [] }

    /// A flag's last value, if given.
    func flag(_ name: String) -> String? { self.flags[name]?.last }

    /// A flag's last value; a usage error (`customer create needs --name`) when it was not given.
    func required(_ name: String) throws -> String {
        guard let value = self.flag(name) else { throw ShellError.usage("\(self.command.name) needs --\(name)") }
        return value
    }

    /// Every value of a repeatable flag.
    func all(_ name: String) -> [String] { self.flags[name] ?? [] }

    /// Whether a switch was given.
    func has(_ name: String) -> Bool { self.flags[name] != nil }

    /// An ID from a positional argument or flag value: a whole number the domain accepts as an ID.
    static func id<Entity>(_ text: String, name: String) throws -> Identifier<Entity> {
        guard let value = Int(text), let id = Identifier<Entity>(validating: value) else {
            throw ShellError.usage("\(name) must be a positive whole number, got '\(text)'")
        }
        return id
    }

    /// A whole number from a flag value (`--limit`, `--offset`, `--port`); whoever uses it checks the range.
    static func number(_ text: String, name: String) throws -> Int {
        guard let value = Int(text) else { throw ShellError.usage("--\(name) must be a whole number, got '\(text)'") }
        return value
    }

    func ticketID(_ name: String = "ID") throws -> TicketID {
        try Self.id(self.argument(name) ?? "", name: name)
    }

    func customerID(_ name: String = "ID") throws -> CustomerID {
        try Self.id(self.argument(name) ?? "", name: name)
    }

    /// `--limit` and `--offset` as given; the use case decides what a missing one means.
    func page() throws -> PageRequest {
        PageRequest(
            limit: try self.flag("limit").map { try Self.number($0, name: "limit") },
            offset: try self.flag("offset").map { try Self.number($0, name: "offset") })
    }
}
