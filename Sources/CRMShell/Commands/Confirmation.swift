/// The confirmation a delete needs: a yes on a terminal, or `--yes` without one.
enum Confirmation {
    static func require(_ question: String, _ invocation: Invocation, _ session: Session) throws {
        guard !invocation.has("yes") else { return }
        guard let confirm = session.confirm else {
            throw ShellError.usage("\(invocation.command.name) needs --yes when not run on a terminal")
        }
        guard confirm(question + " [y/N] ") else { throw ShellError.failed("cancelled") }
    }
}
