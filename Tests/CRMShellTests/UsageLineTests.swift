import CRMShell
import Testing

/// Usage lines show required flags without brackets (DESIGN §5.3), and a flag shown bare is refused when missing.
struct UsageLineTests {
    @Test(arguments: [
        ("customer create", "usage: customer create --name NAME --email EMAIL [--company COMPANY]", "customer create --name Ann", "needs --email"),
        ("ticket create", "usage: ticket create --customer ID --subject SUBJECT [--description", "ticket create --customer 1", "needs --subject"),
        ("user create", "usage: user create NAME --role agent|admin [--display-name", "user create zed", "needs --role"),
    ])
    func requiredFlagsHaveNoBrackets(_ command: String, _ usage: String, _ missing: String, _ error: String) async {
        let shell = TestShell()
        await shell.login(as: "admin")
        #expect((await shell.ok("help \(command)")).hasPrefix(usage))
        await shell.fails(missing, .usage, error)
    }
}
