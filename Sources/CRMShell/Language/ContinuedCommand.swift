/// A command typed over several lines (an open quote): collects the lines until they tokenize to a whole command.
struct ContinuedCommand {
    /// The text of the unfinished command so far, or nil between commands.
    private var pending: String?
    private var tokenizer = Tokenizer()

    /// Whether a command is half typed, so the continuation prompt shows.
    var isContinuing: Bool { self.pending != nil }

    /// Adds a line: the whole command's text (its lines joined with newlines) and words once it is complete, else
    /// nil while it goes on.
    mutating func append(_ line: String) -> (text: String, words: [Word])? {
        let text = self.pending.map { $0 + "\n" + line } ?? line
        guard case .complete(let words) = self.tokenizer.append(line) else {
            self.pending = text
            return nil
        }
        self.pending = nil
        return (text, words)
    }

    /// Abandons a half-typed command (Ctrl-C, or Ctrl-D at the continuation prompt).
    mutating func abandon() {
        self = ContinuedCommand()
    }
}
