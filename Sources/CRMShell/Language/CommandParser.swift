/// Matches words against the command table and binds arguments and flags.
public struct CommandParser: Sendable {
    public let commands: [CommandSpec]
    /// The first words of all commands (`ticket`, `customer`, `help`, …), in table order.
    public let nouns: [String]
    /// The commands by first word; a short list, searched in order (cheaper than hashing each line's first word).
    private let families: [(noun: String, commands: [CommandSpec])]

    public init(commands: [CommandSpec]) {
        self.commands = commands
        var seen = Set<String>()
        self.nouns = commands.map { $0.path[0] }.filter { seen.insert($0).inserted }
        self.families = self.nouns.map { noun in (noun, commands.filter { $0.path[0] == noun }) }
    }

    /// The commands whose first word is `noun`.
    public func commands(under noun: String) -> [CommandSpec] {
        self.families.first { $0.noun == noun }?.commands ?? []
    }

    /// The command named by the leading words, and how many words its name took.
    public func lookup(_ words: [String]) throws -> (CommandSpec, Int) {
        guard let noun = words.first else { throw ShellError.usage("empty command") }
        let family = self.commands(under: noun)
        guard !family.isEmpty else {
            throw ShellError.usage("unknown command '\(noun)'" + Suggestion.hint(for: noun, in: self.nouns))
        }
        if let single = family.first(where: { $0.path.count == 1 }) { return (single, 1) }
        guard words.count > 1, !words[1].hasPrefix("--") else {
            throw ShellError.usage("'\(noun)' needs a subcommand: \(family.map { $0.path[1] }.joined(separator: ", "))")
        }
        guard let command = family.first(where: { $0.path[1] == words[1] }) else {
            let verbs = family.map { $0.path[1] }
            let hint = Suggestion.closest(to: words[1], in: verbs).map { "; did you mean '\(noun) \($0)'?" }
                ?? "; '\(noun)' takes: \(verbs.joined(separator: ", "))"
            throw ShellError.usage("unknown command '\(noun) \(words[1])'" + hint)
        }
        return (command, 2)
    }

    /// Parses a command line of plain words (as if typed bare) into an invocation.
    public func parse(_ words: [String]) throws -> ParsedLine {
        try self.parse(words.map { Word($0) })
    }

    /// Parses a whole command line into an invocation; `--help` where an argument or flag could stand yields the
    /// command's help instead (as a flag's value it is just the value). A quoted word is never a flag, and a bare
    /// `--` ends the flags (DESIGN §5.2).
    public func parse(_ words: [Word]) throws -> ParsedLine {
        let (command, consumed) = try self.lookup(words.map(\.text))
        var arguments = BoundWords()
        var flags = BoundWords()
        var positionals = command.arguments[...]
        var flagsEnded = false
        var index = consumed
        while index < words.count {
            let word = words[index]
            index += 1
            let mayBeFlag = word.mayBeFlag && !flagsEnded
            if word.kind == .restOfLine, let rest = positionals.first, rest.takesRest {
                arguments.append(word.text, to: rest.name)
                continue
            }
            if mayBeFlag && word.text == "--" {
                flagsEnded = true
                continue
            }
            if let rest = positionals.first, rest.takesRest,
                arguments[rest.name] != nil || !mayBeFlag || !word.text.hasPrefix("--")
            {
                if mayBeFlag && word.text == "--help" && arguments[rest.name] == nil { return .help(command) }
                arguments.append(word.text, to: rest.name)
                continue
            }
            if mayBeFlag && word.text == "--help" { return .help(command) }
            if mayBeFlag && word.text.utf8.count > 2 && word.text.hasPrefix("--") {
                let body = word.text.utf8.dropFirst(2)
                let equals = body.firstIndex(of: UInt8(ascii: "="))
                let name = String(Substring(body[..<(equals ?? body.endIndex)]))
                let inline = equals.map { String(Substring(body[body.index(after: $0)...])) }
                guard let flag = command.flags.first(where: { $0.name == name }) else {
                    let known = command.flags.map { "--" + $0.name }
                    throw ShellError.usage(
                        "unknown flag '--\(name)' for '\(command.name)'" + Suggestion.hint(for: "--" + name, in: known))
                }
                guard flag.kind != nil else {
                    if inline != nil { throw ShellError.usage("--\(name) takes no value") }
                    flags.append("", to: name)
                    continue
                }
                let value: String
                if let inline {
                    value = inline
                } else {
                    guard index < words.count else { throw ShellError.usage("--\(name) needs a value") }
                    value = words[index].text
                    index += 1
                }
                if flags[name] != nil && !flag.isRepeatable {
                    throw ShellError.usage("--\(name) given more than once")
                }
                flags.append(value, to: name)
                continue
            }
            guard let argument = positionals.first else {
                throw ShellError.usage("unexpected argument '\(word.text)' for '\(command.name)'; usage: \(command.usage)")
            }
            arguments.append(word.text, to: argument.name)
            if !argument.takesRest { positionals.removeFirst() }
        }
        for argument in positionals where !argument.isOptional && arguments[argument.name] == nil {
            throw ShellError.usage("missing \(argument.name); usage: \(command.usage)")
        }
        return .invocation(Invocation(command: command, arguments: arguments, flags: flags))
    }

    /// Whether the word after `words` begins the command's rest-of-line TEXT argument (DESIGN §5.2): the command
    /// takes one, and every argument before it has its word. Words after a flag that takes a value are its value.
    /// `.never` once no later word can start it (no such command or argument, an unknown flag, too many words).
    public func textStart(after words: [Word]) -> Tokenizer.TextStart {
        guard let noun = words.first?.text else { return .no }
        let family = self.commands(under: noun)
        let command: CommandSpec
        let consumed: Int
        if let single = family.first(where: { $0.path.count == 1 }) {
            (command, consumed) = (single, 1)
        } else if words.count > 1, let named = family.first(where: { $0.path[1] == words[1].text }) {
            (command, consumed) = (named, 2)
        } else {
            return words.count > 1 || family.isEmpty ? .never : .no
        }
        guard let text = command.arguments.last, text.takesRest, text.kind == .text else { return .never }
        var flagsEnded = false
        var positionals = 0
        var index = consumed
        while index < words.count {
            let word = words[index]
            index += 1
            if word.mayBeFlag && !flagsEnded && word.text.hasPrefix("--") {
                if word.text == "--" {
                    flagsEnded = true
                } else if !word.text.contains("=") {
                    guard let flag = command.flags.first(where: { "--" + $0.name == word.text }) else { return .never }
                    if flag.kind != nil { index += 1 }
                }
            } else {
                positionals += 1
                if positionals >= command.arguments.count { return .never }
            }
        }
        guard index == words.count, positionals == command.arguments.count - 1 else { return .no }
        return .next(flagsAllowed: !flagsEnded)
    }
}

/// The result of parsing one command line.
public enum ParsedLine: Sendable {
    case invocation(Invocation)
    /// `--help` was asked for.
    case help(CommandSpec)
}
