import CRMDomain
import Synchronization

/// What Tab does: text to insert at the cursor, and the candidates to list when there are several.
struct Completion: Equatable, Sendable {
    var insertion: String
    var candidates: [String]
}

/// Live IDs for completion, refreshed after each command so that Tab never waits on the store.
final class CompletionCache: Sendable {
    struct Snapshot: Sendable {
        var tickets: [(id: Int, label: String)] = []
        var customers: [(id: Int, label: String)] = []
    }

    /// The most recent IDs kept per entity.
    static let capacity = 500

    private let snapshot: Mutex<Snapshot>

    /// A cache holding `snapshot` until the first refresh (empty by default).
    init(_ snapshot: Snapshot = Snapshot()) {
        self.snapshot = Mutex(snapshot)
    }

    var current: Snapshot { self.snapshot.withLock { $0 } }

    /// Reloads the newest tickets and customers the caller may read.
    func refresh(from service: CRMService, as caller: Caller) async {
        var next = Snapshot()
        if let tickets = try? await Self.newest({ try await service.listTickets(TicketFilter(), $0, by: caller) }) {
            next.tickets = tickets.map { ($0.id.rawValue, $0.subject) }
        }
        if let customers = try? await Self.newest({ try await service.listCustomers($0, by: caller) }) {
            next.customers = customers.map { ($0.id.rawValue, $0.name) }
        }
        self.snapshot.withLock { $0 = next }
    }

    private static func newest<Item>(_ list: (PageRequest) async throws -> Page<Item>) async throws -> [Item] {
        let first = try await list(PageRequest(limit: 1))
        let offset = max(0, first.total - capacity)
        return try await list(PageRequest(limit: capacity, offset: offset)).items
    }
}

/// Completes commands, subcommands, flags, enum values and live IDs from the command table (DESIGN §5.7).
struct Completer: Sendable {
    let parser: CommandParser
    let cache: CompletionCache

    /// The completion for the text before the cursor.
    func complete(_ text: String) -> Completion {
        guard case .words(var words) = Tokenizer.tokenize(text) else { return Completion(insertion: "", candidates: []) }
        let partial = text.last.map { $0 == " " || $0 == "\t" } ?? true ? "" : (words.popLast() ?? "")
        let options = self.options(after: words, partial: partial)
        let matching = options.filter { $0.value.hasPrefix(partial) }
        guard !matching.isEmpty else { return Completion(insertion: "", candidates: []) }
        let values = matching.map(\.value)
        var common = values[0]
        for value in values.dropFirst() {
            while !value.hasPrefix(common) { common.removeLast() }
        }
        let insertion = String(common.dropFirst(partial.count)) + (matching.count == 1 ? " " : "")
        let candidates = matching.count == 1 ? [] : matching.map { $0.label.isEmpty ? $0.value : "\($0.value)  \($0.label)" }
        return Completion(insertion: insertion, candidates: candidates)
    }

    private func options(after words: [String], partial: String) -> [(value: String, label: String)] {
        guard let noun = words.first else { return self.parser.nouns.map { ($0, "") } }
        let family = self.parser.commands(under: noun)
        if words.count == 1, family.count > 1 || family.first?.path.count == 2 {
            return family.map { ($0.path[1], "") }
        }
        guard let (command, consumed) = try? self.parser.lookup(words) else { return [] }
        if partial.hasPrefix("-") {
            return (command.flags.map { "--" + $0.name } + ["--help"]).map { ($0, "") }
        }
        if let previous = words.last, previous.hasPrefix("--"),
            let flag = command.flags.first(where: { "--" + $0.name == previous }), let kind = flag.kind
        {
            return self.values(for: kind)
        }
        var positionalIndex = 0
        var index = consumed
        while index < words.count {
            if words[index].hasPrefix("--") {
                let flag = command.flags.first { "--" + $0.name == words[index] }
                index += flag?.kind == nil ? 1 : 2
            } else {
                positionalIndex += 1
                index += 1
            }
        }
        let arguments = command.arguments
        guard !arguments.isEmpty else { return [] }
        let argument = positionalIndex < arguments.count
            ? arguments[positionalIndex] : (arguments.last!.takesRest ? arguments.last! : nil)
        return argument.map { self.values(for: $0.kind) } ?? []
    }

    private func values(for kind: ValueKind) -> [(value: String, label: String)] {
        switch kind {
        case .choice(let values): values.map { ($0, "") }
        case .command: self.parser.nouns.map { ($0, "") }
        case .ticketID: self.cache.current.tickets.map { (String($0.id), $0.label) }
        case .customerID: self.cache.current.customers.map { (String($0.id), $0.label) }
        case .user: ["me", "none"].map { ($0, "") }
        case .text, .number, .file: []
        }
    }
}
