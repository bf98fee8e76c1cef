import CRMTestSupport
import Foundation
import Testing

/// Start-up input that could mean two things is refused before anything runs (exit 2), naming what is wrong and
/// never the token.
struct StartupRefusalTests {
    @Test func tokenFileAndTokenTogetherIsAUsageError() throws {
        try withTemporaryDirectory { folder in
            let file = try folder.write("token", "admin123\n")
            chmod(file, 0o600)
            let run = try folder.crm(["--token-file", "token", "--token", "agent123", "-c", "whoami"])
            #expect(run.status == 2)
            #expect(run.err == "error: --token-file and --token both give a token; use one\n")
            #expect(run.out.isEmpty)
        }
    }
}
