/// The words bound to a command's arguments or flags, by name, in the order first given. A command has a handful
/// of names, so a short list searched in order beats hashing every name of every line.
public struct BoundWords: Sendable {
    private var entries: [(name: String, words: [String])] = []

    public init() {}

    /// The words bound to `name`, or nil when it was not given.
    public subscript(name: String) -> [String]? {
        self.entries.first { $0.name == name }?.words
    }

    /// Binds one more word to `name`.
    mutating func append(_ word: String, to name: String) {
        if let index = self.entries.firstIndex(where: { $0.name == name }) {
            self.entries[index].words.append(word)
        } else {
            self.entries.append((name, [word]))
        }
    }
}
