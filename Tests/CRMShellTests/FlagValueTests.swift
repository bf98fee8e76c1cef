import CRMDomain
import CRMShell
import CRMTestSupport
import Foundation
import Testing

/// `--flag=value` with a quoted or escaped value works exactly like `--flag value` (DESIGN §5.3).
struct FlagValueTests {
    @Test(arguments: [
        #"ticket create --customer 1 --subject="two words""#,
        #"ticket create --customer 1 --subject='two words'"#,
        #"ticket create --customer 1 --subject=two\ words"#,
        #"ticket create --customer=1 --subject="two "words"#,
    ])
    func quotedValueAfterEqualsIsTheFlagsValue(_ line: String) async throws {
        let shell = TestShell()
        await shell.login(as: "agent")
        #expect((await shell.ok(line)) == "created ticket 1\n")
        shell.session.format = .json
        let ticket = try JSONDecoder().decode(Ticket.self, from: Data((await shell.ok("ticket show 1")).utf8))
        #expect(ticket.subject == "two words")
    }

    @Test func quotedStatusFilterAfterEquals() async {
        let shell = TestShell()
        await shell.login(as: "agent")
        await shell.ok("ticket create --customer 1 --subject Hello")
        #expect((await shell.ok(#"ticket list --status="open""#)).contains("Hello"))
        #expect(!(await shell.ok(#"ticket list --status="closed""#)).contains("Hello"))
    }

    /// A quote before the `=` still makes the word a plain value, never a flag.
    @Test func quotedFlagNameStaysAValue() async {
        let shell = TestShell()
        await shell.login(as: "agent")
        await shell.fails(#"ticket create --customer 1 "--subject=x""#, .usage, "unexpected argument '--subject=x'")
    }
}
