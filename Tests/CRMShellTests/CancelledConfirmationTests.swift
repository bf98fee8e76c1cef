import Testing

/// Ctrl-D at a `[y/N]` prompt ends the question's line before `error: cancelled` (the terminal's `^D` stays on the
/// question's line), as Ctrl-C does.
@Suite(.serialized)
struct CancelledConfirmationTests {
    @Test(arguments: ["\u{03}", "\u{04}"])
    func errorStartsALineOfItsOwn(key: String) throws {
        let shell = try InteractiveTests.Shell().started()
        try shell.command("login admin123", shows: "logged in as admin (admin)", prompt: "crm(admin)> ")
        try shell.command("ticket create --customer 1 --subject Kept", shows: "created ticket 1", prompt: "crm(admin)> ")
        try shell.command("ticket delete 1", answering: key, shows: "error: cancelled", prompt: "crm(admin)> ")
        let lines = shell.terminal.displayedLines.lines
        #expect(lines.contains("error: cancelled"), "\(lines)")
        #expect(lines.contains { $0.hasPrefix("delete ticket 1 and its notes? [y/N] ") }, "\(lines)")
        #expect(try shell.leave() == 0)
    }
}
