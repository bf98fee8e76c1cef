import Foundation
import Testing

/// DESIGN §5.6 on a real terminal: a line whose first word is close to `login`, that says `login` before more, or
/// that holds a personal token, even in a comment, never reaches the history file.
@Suite(.serialized)
struct InteractiveSecretsTests {
    @Test func loginLikeLinesAreNotRecorded() throws {
        let shell = try InteractiveTests.Shell().started()
        try shell.command("whoami", shows: "anonymous", prompt: "crm> ")
        try shell.command("logn admin123", shows: "did you mean 'login'?", prompt: "crm> ")
        try shell.command("log admin123 extra", shows: "did you mean 'login'?", prompt: "crm> ")
        try shell.command("LOGIN admin123", shows: "did you mean 'login'?", prompt: "crm> ")
        for (line, shown) in [
            ("login=admin123", "did you mean 'login'?"), ("login_admin123", "did you mean 'login'?"),
            ("# login admin123", "admin123"), ("whoami # login admin123", "anonymous"),
            ("whoami # crm_3_s3cretS3cret", "anonymous"),
        ] {
            try shell.command(line, shows: shown, prompt: "crm> ")
        }
        try shell.command("note add 1 cannot login", shows: "login", prompt: "crm> ")
        try shell.command("help", shows: "commands", prompt: "crm> ")
        #expect(try shell.leave() == 0)
        let (raw, lines) = try InteractiveTests.historyLines(shell.historyPath)
        #expect(lines == ["whoami", "note add 1 cannot login", "help"], "\(raw)")
        #expect(!raw.contains("admin123") && !raw.contains("s3cret"))
    }
}
