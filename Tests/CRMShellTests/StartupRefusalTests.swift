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

    @Test(arguments: [
        ("CRM_AGENT_TOKEN=\"unterminated\n", 1),
        ("# tokens\n\nCRM_AGENT_TOKEN='agent9\n", 3),
        ("CRM_AGENT_TOKEN=\"\n", 1),
    ])
    func unterminatedQuoteInDotEnvNamesFileAndLine(_ dotEnv: String, _ line: Int) throws {
        for mode in [["-c", "whoami"], ["serve", "--port", "0"], ["train", "--check"]] {
            let run = try BinaryTests.crm(mode, dotEnv: dotEnv)
            #expect(run.status == 2, "\(mode)")
            #expect(run.err == "error: .env:\(line): unterminated quote in the value of CRM_AGENT_TOKEN\n", "\(mode)")
            #expect(run.out.isEmpty)
        }
    }

    @Test func quotedDotEnvValuesStillWork() throws {
        let run = try BinaryTests.crm(["-c", "login agent9"], dotEnv: "CRM_AGENT_TOKEN=\"agent9\"\nCRM_ADMIN_TOKEN='admin9'\n")
        #expect(run.status == 0, "\(run.err)")
    }
}
