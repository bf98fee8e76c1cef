import CRMDomain
import CRMShell
import Foundation
import Testing

/// `user …`, `token …`, `whoami`, real assignees and `--if-version` in the shell (DESIGN §5.3).
@Suite("Account commands")
struct AccountCommandTests {
    /// The secret in `token create`'s table output (its last word).
    static func secret(_ output: String) throws -> String {
        let word = try #require(output.split(whereSeparator: \.isWhitespace).last.map(String.init))
        #expect(word.hasPrefix("crm_"))
        return word
    }

    @Test func adminManagesUsers() async throws {
        let shell = await TestShell.loggedIn(as: "admin")
        #expect(await shell.ok("user create alice --role agent --display-name \"Alice Liddell\"") == "created user alice\n")
        let shown = await shell.ok("user show alice")
        #expect(shown.contains("display_name: Alice Liddell") && shown.contains("role") && shown.contains("disabled"))
        let list = await shell.ok("user list")
        #expect(list.contains("admin") && list.contains("agent") && list.contains("alice") && list.contains("of 3 users)"))
        #expect(await shell.ok("user update alice --role admin") == "saved user alice\n")
        #expect(await shell.ok("user disable alice") == "disabled user alice\n")
        #expect(await shell.ok("user enable alice") == "enabled user alice\n")
        await shell.ok("set format json")
        let json = await shell.ok("user show alice")
        #expect(json == #"{"created_at":"2025-01-06T09:00:00Z","disabled":false,"display_name":"Alice Liddell","name":"alice","role":"admin"}"# + "\n")
    }

    @Test(arguments: [
        ("user create alice --role agent", ExitStatus.failure, "user/alice already exists"),
        ("user create Bob --role agent", .failure, "name: 'Bob' is not a user name"),
        ("user create bob --role root", .failure, "unknown role 'root'"),
        ("user create bob", .usage, "user create needs --role"),
        ("user disable admin", .failure, "you cannot change your own role or disable yourself"),
        ("user show ghost", .failure, "user/ghost not found"),
    ])
    func userCommandFailures(line: String, status: ExitStatus, message: String) async {
        let shell = await TestShell.loggedIn(as: "admin")
        await shell.ok("user create alice --role agent")
        await shell.fails(line, status, message)
    }

    @Test func agentsCannotManageUsers() async throws {
        let shell = TestShell()
        await shell.fails("user list", .denied, "permission denied: user.manage requires login")
        await shell.fails("token list", .denied, "permission denied: token.own requires login")
        await shell.login(as: "agent")
        for line in ["user list", "user show admin", "user create x --role agent", "user update admin --role agent",
            "user disable admin", "user enable admin", "token list --all", "token list --user admin",
            "token create --user admin"]
        {
            await shell.fails(line, .denied, "permission denied: agent lacks user.manage")
        }
        await shell.fails("token revoke 2", .failure, "token/2 not found")
    }

    @Test func tokenLifecycle() async throws {
        let shell = await TestShell.loggedIn(as: "agent")
        let created = await shell.ok("token create --label laptop --expires 12h")
        #expect(created.hasPrefix("created token 3 for agent (expires 2025-01-06T21:00:00Z), shown only now: crm_3_"))
        let secret = try Self.secret(created)
        #expect(secret.hasPrefix("crm_3_") && secret.count == "crm_3_".count + 43)
        let list = await shell.ok("token list")
        #expect(list.contains("laptop") && list.contains("seed") && !list.contains(secret.suffix(43)))
        #expect(await shell.ok("login \(secret)") == "logged in as agent (agent)\n")
        #expect(await shell.ok("whoami") == "agent (agent); token 3 \"laptop\", expires 2025-01-06T21:00:00Z\n")
        #expect(await shell.ok("token revoke 3") == "revoked token 3 of agent\n")
        await shell.fails("whoami", .denied, "invalid token")
        #expect(shell.session.caller.principal.name == "anonymous", "a revoked token ends the session")
        await shell.fails("login \(secret)", .denied, "invalid token")
    }

    @Test func tokenCreateInJSONHoldsTheSecretOnce() async throws {
        let shell = await TestShell.loggedIn(as: "admin")
        await shell.ok("user create alice --role agent")
        await shell.ok("set format json")
        let output = await shell.ok("token create --user alice --label ci --expires never")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any])
        #expect(object["id"] as? Int == 3 && object["label"] as? String == "ci" && object["user"] as? String == "alice")
        #expect(object["expires_at"] is NSNull)
        let secret = try #require(object["token"] as? String)
        #expect(secret.hasPrefix("crm_3_"))
        let listed = await shell.ok("token list --all")
        #expect(!listed.contains(secret) && !listed.contains("\"token\""))
        #expect(await shell.ok("token list --user alice").split(separator: "\n").count == 1)
    }

    @Test func aDisabledUsersSessionEndsAtItsNextCommand() async throws {
        let shell = await TestShell.loggedIn(as: "admin")
        await shell.ok("user create alice --role agent")
        let secret = try Self.secret(await shell.ok("token create --user alice"))
        let alice = TestShell(sharing: shell)
        await alice.ok("login \(secret)")
        await alice.ok("customer show 1")
        await shell.ok("user disable alice")
        await alice.fails("customer show 1", .denied, "invalid token")
        await alice.fails("login \(secret)", .denied, "invalid token")
    }

    @Test func assigneesAreRealEnabledUsers() async throws {
        let shell = await TestShell.loggedIn(as: "admin")
        await shell.ok("ticket create --customer 1 --subject One")
        await shell.fails("ticket assign 1 alice", .failure, "assignee: unknown user 'alice'")
        await shell.ok("user create alice --role agent")
        #expect(await shell.ok("ticket assign 1 alice") == "ticket 1: open, version 2\n")
        await shell.ok("ticket create --customer 1 --subject Two --assignee me")
        let mine = await shell.ok("ticket list --assignee me")
        #expect(mine.contains("Two") && !mine.contains("One"))
        await shell.ok("user disable alice")
        await shell.fails("ticket update 2 --assignee alice", .failure, "assignee: user 'alice' is disabled")
    }

    @Test func ifVersionRefusesAStaleEdit() async throws {
        let shell = await TestShell.loggedIn(as: "agent")
        await shell.ok("ticket create --customer 1 --subject One")
        #expect(await shell.ok("ticket update 1 --priority high --if-version 1") == "ticket 1: open, version 2\n")
        await shell.fails("ticket update 1 --subject Mine --if-version 1", .failure, "ticket/1 has changed: you edited version 1")
        let shown = await shell.ok("ticket show 1")
        #expect(shown.contains("One") && !shown.contains("Mine"))
        await shell.fails("ticket update 1 --if-version two", .usage, "--if-version must be a whole number")
    }

    @Test("a line holding a personal token is masked in echo and errors, and kept out of history")
    func tokenLinesAreSecret() async throws {
        let shell = await TestShell.loggedIn(as: "agent")
        let secret = try Self.secret(await shell.ok("token create"))
        let assign = await shell.run("ticket assign 1 \(secret)")
        #expect(!assign.error.contains(secret.suffix(43)), "\(assign.error)")
        let bogus = await shell.run("ticket list --bogus \(secret)")
        #expect(bogus.status == .usage && !bogus.error.contains(secret.suffix(43)), "\(bogus.error)")
        #expect(SecretLine.mayCarryToken(words: ["login", secret]))
        #expect(SecretLine.mayCarryToken(words: ["note", "add", "1", "my", "token", "is", secret]))
        #expect(!SecretLine.mayCarryToken(words: ["token", "revoke", "3"]))
        #expect(!SecretLine.mayCarryToken(words: ["note", "add", "1", "crm_notes", "crm_5"]))
        #expect(TokenSecret.redacted(in: "x \(secret) y") == "x crm_3_**** y")
    }
}

extension TestShell {
    /// A second shell on the same service and store (another terminal of the same process).
    convenience init(sharing other: TestShell) {
        self.init(service: other.session.service)
    }
}
