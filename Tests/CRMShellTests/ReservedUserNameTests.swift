import CRMDomain
import CRMShell
import CRMTestSupport
import Testing

/// `anonymous` (the audit's actor without login), `me` and `none` (the caller and nobody wherever a user is named)
/// are no user's name (DESIGN §3.1).
struct ReservedUserNameTests {
    @Test(arguments: ["anonymous", "me", "none"])
    func reservedNameIsRefusedAtCreation(_ name: String) async {
        let shell = TestShell()
        await shell.login(as: "admin")
        let before = await shell.ok("user list")
        await shell.fails("user create \(name) --role admin", .failure, "name: '\(name)' is reserved")
        #expect((await shell.ok("user list")) == before)
    }

    @Test func otherNamesStillWork() async {
        let shell = TestShell()
        await shell.login(as: "admin")
        await shell.ok("user create anon --role agent")
        await shell.ok("user create menu --role agent")
    }
}
