/// The confirmation a delete needs: a yes on a terminal, or `--yes` without one. Anything but `y` or `yes`,
/// and Ctrl-C or Ctrl-D at the question, cancels.
enum Confirmation {
    static func require(_ question: String, _ invocation: Invocation, _ session: Session) async throws {
        guard !invocation.has("yes") else { return }
        guard let confirm = session.confirm else {
            throw ShellError.usage("\(invocation.command.name) needs --yes when not run on a terminal")
        }
        guard await confirm(question + " [y/N] ") else { throw ShellError.failed("cancelled") }
    }
}
