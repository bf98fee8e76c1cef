import Foundation

extension Session {
    /// Asks this session's questions through the line editor, as commands are read: a `y`/`yes` confirmation
    /// (e.g. before a delete) and a secret typed with echo off (`login` without a token).
    func askThrough(_ editor: EditorThread) {
        self.confirm = { question in
            let reply = await editor.read(prompt: question)
            // Ctrl-D leaves the cursor after the question (Ctrl-C ends the line): end it before the error.
            if case .endOfInput = reply { editor.show("\n") }
            guard case .line(let answer) = reply else { return false }
            return ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
        }
        self.readSecret = { prompt in
            guard case .line(let secret) = await editor.readSecret(prompt: prompt) else { return nil }
            return secret
        }
    }
}
