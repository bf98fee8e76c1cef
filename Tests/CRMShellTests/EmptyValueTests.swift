import CRMDomain
import CRMShell
import CRMTestSupport
import Foundation
import Testing

/// An empty value is refused with an error naming the field, never read as "none" (DESIGN §3.6).
struct EmptyValueTests {
    @Test(arguments: [
        ("ticket assign 1 ''", "assignee: must not be empty; 'none' means nobody"),
        ("ticket update 1 --assignee ''", "assignee: must not be empty; 'none' means nobody"),
        ("ticket list --assignee ''", "assignee: must not be empty; 'none' means nobody"),
        ("ticket create --customer 1 --subject Other --assignee ''", "assignee: must not be empty"),
        ("token create --label ''", "label: must not be empty"),
        ("token create --label '  '", "label: must not be empty"),
    ])
    func emptyValueIsAValidationError(_ line: String, _ message: String) async {
        let shell = TestShell()
        await shell.login(as: "agent")
        await shell.ok("ticket create --customer 1 --subject Printer --assignee me")
        let before = (await shell.ok("ticket list"), await shell.ok("token list"))
        await shell.fails(line, .failure, message)
        #expect((await shell.ok("ticket list"), await shell.ok("token list")) == before)
        #expect((await shell.ok("ticket list")).contains("agent"))
    }

    /// Unassigning keeps its own spelling.
    @Test func noneUnassigns() async {
        let shell = TestShell()
        await shell.login(as: "agent")
        await shell.ok("ticket create --customer 1 --subject Printer --assignee me")
        await shell.ok("ticket assign 1 none")
        shell.session.format = .json
        #expect((await shell.ok("ticket show 1")).contains(#""assignee":null"#))
    }
}
