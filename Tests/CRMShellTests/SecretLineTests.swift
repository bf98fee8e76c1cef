import CRMShell
import Testing

/// DESIGN §5.6: a line whose first word is `login` or close to it never shows its words — not in errors, not in
/// "did you mean" suggestions, not in `--echo` — and is never recorded in history.
struct SecretLineTests {
    @Test(arguments: ["login", "LOGIN", "logn", "loign", "logni", "lgin", "logins", "log", "logi", "lgoin", "Login"])
    func loginLikeFirstWords(first: String) {
        #expect(SecretLine.isLoginLike(words: [first, "admin123"]))
    }

    @Test(arguments: ["logout", "lo", "whoami", "help", "note", "ticket", "", "exit", "source"])
    func otherFirstWords(first: String) {
        #expect(!SecretLine.isLoginLike(words: [first, "admin123"]))
    }

    @Test func noWordsIsNotLoginLike() {
        #expect(!SecretLine.isLoginLike(words: []))
    }

    @Test(arguments: [
        "login extra admin123", "login admin123 extra", "logn admin123", "loign admin123 --flag", "log admin123",
        "login --bogus admin123", "login admin123 --bogus=admin123",
    ])
    func errorsAboutLoginLikeLinesQuoteNoWord(line: String) async {
        let shell = TestShell()
        let result = await shell.run(line)
        #expect(result.status == .usage)
        #expect(!result.error.contains("admin123"), "\(result.error)")
        #expect(!result.error.contains("extra") && !result.error.contains("bogus"), "\(result.error)")
        #expect(result.error.contains("login"), "the error still says what was meant: \(result.error)")
        #expect(shell.session.caller.principal.name == "anonymous")
    }

    /// Separators do not hide a login, nor does a comment: the tester's lines leaked the token into `--echo`
    /// output, errors and history.
    @Test(arguments: [
        ("login=admin123", "crm> login ****"), ("login:admin123", "crm> login ****"),
        ("login.admin123", "crm> login ****"), ("login_admin123", "crm> login ****"),
        (#"login\ admin123"#, "crm> login ****"), ("# login admin123", "crm> whoami"),
        ("whoami # login admin123", "crm> whoami # login ****"), ("whoami ; login admin123", "crm> whoami ; login ****"),
        ("whoami # crm_3_s3cretS3cret", "crm> whoami # crm_3_****"),
        ("note add 1 \"a\nlogin admin123\"", "crm> note add 1 \"a\n...> login ****"),
    ])
    func tokensBehindSeparatorsOrInCommentsAreNotShown(line: String, echo: String) throws {
        #expect(SecretLine.mayCarryToken(line: line))
        let run = try BinaryTests.crm(["--echo", "--keep-going", "-c", line, "-c", "whoami"])
        #expect(run.out.hasPrefix(echo + "\n"), "\(run.out)")
        #expect(!(run.out + run.err).contains("admin123") && !(run.out + run.err).contains("s3cret"), "\(run.out)\(run.err)")
    }

    @Test(arguments: ["note add 1 cannot login", "whoami", "ticket list --status open", "logout", "source login.crm"])
    func linesWithoutATokenAreKept(line: String) {
        #expect(!SecretLine.mayCarryToken(line: line))
    }

    @Test func theParseEntryPointMasksToo() {
        #expect(throws: ShellError.self) { try CommandTable.parse(line: "logn admin123") }
        #expect {
            try CommandTable.parse(line: "login s3cret extra9")
        } throws: { error in
            !String(describing: error).contains("s3cret") && !String(describing: error).contains("extra9")
        }
    }
}
