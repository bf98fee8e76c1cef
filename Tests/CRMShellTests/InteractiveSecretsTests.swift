import Foundation
import Testing

/// DESIGN §5.6 on a real terminal: a line whose first word is close to `login` never reaches the history file.
@Suite(.serialized)
struct InteractiveSecretsTests {
    @Test func loginLikeLinesAreNotRecorded() throws {
        let shell = try InteractiveTests.Shell().started()
        try shell.command("whoami", shows: "anonymous", prompt: "crm> ")
        try shell.command("logn admin123", shows: "did you mean 'login'?", prompt: "crm> ")
        try shell.command("log admin123 extra", shows: "did you mean 'login'?", prompt: "crm> ")
        try shell.command("LOGIN admin123", shows: "did you mean 'login'?", prompt: "crm> ")
        try shell.command("help", shows: "commands", prompt: "crm> ")
        #expect(try shell.leave() == 0)
        let (raw, lines) = try InteractiveTests.historyLines(shell.historyPath)
        #expect(lines == ["whoami", "help"], "\(raw)")
        #expect(!raw.contains("admin123"))
    }
}
