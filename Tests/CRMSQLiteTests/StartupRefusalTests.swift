import Foundation
import Testing

/// The built `crm` refuses a configuration it must not run with, before doing anything, without showing a token
/// and without touching a file that is not its own.
@Suite("crm refuses bad start-up configurations")
struct StartupRefusalTests {
    @Test("tokens two users would share, or an empty token, are a usage error that never shows the token",
        arguments: [
            ["CRM_ADMIN_TOKEN": "agent123"], ["CRM_AGENT_TOKEN": "admin123"],
            ["CRM_AGENT_TOKEN": "same-secret", "CRM_ADMIN_TOKEN": "same-secret"], ["CRM_ADMIN_TOKEN": ""],
        ])
    func sharedOrEmptyTokens(_ environment: [String: String]) throws {
        let folder = try temporaryFolder()
        for arguments in [["-c", "login agent123"], ["serve", "--port", "0"]] {
            let run = try runCRM(arguments, in: folder, environment: environment)
            #expect(run.status == 2, "\(arguments): \(run.error)")
            #expect(run.output.isEmpty, "\(arguments) started anyway: \(run.output)")
            #expect(run.error.hasPrefix("error: "), "\(arguments): \(run.error)")
            for token in environment.values where !token.isEmpty {
                #expect(!run.error.contains(token), "\(arguments) showed the token")
            }
        }
    }

    @Test("another application's database given to --db is refused, untouched, with nothing left beside it")
    func foreignDatabase() throws {
        let folder = try temporaryFolder()
        let path = folder.appendingPathComponent("photos.db").path
        try sqlite3(path, "PRAGMA journal_mode = WAL; CREATE TABLE photos (id INTEGER PRIMARY KEY);")
        let before = FileManager.default.contents(atPath: path)
        let run = try runCRM(["--db", "photos.db", "-c", "customer list"], in: folder)
        #expect(run.status == 1)
        #expect(run.error.contains("another application"), "\(run.error)")
        #expect(FileManager.default.contents(atPath: path) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["photos.db"])
    }
}
