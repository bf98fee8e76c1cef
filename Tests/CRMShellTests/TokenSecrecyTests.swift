import CRMShell
import CRMTestSupport
import Foundation
import Testing

/// DESIGN §5.6: a personal token is printed once, by `token create`, and reaches no file crm writes: not the
/// history, not the database (only its hash), not echo output or errors.
@Suite(.serialized)
struct TokenSecrecyTests {
    /// Every regular file under `folder`, recursively.
    static func files(under folder: URL) -> [URL] {
        let enumerator = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey])
        return (enumerator?.allObjects as? [URL] ?? []).filter {
            (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true
        }
    }

    @Test func theSecretReachesNoFile() throws {
        let folder = try TemporaryDirectory()
        let created = try folder.crm(["--db", "crm.sqlite", "--format", "json", "-c", "login admin123", "-c", "token create --label x"])
        #expect(created.status == 0, "\(created.err)")
        let line = try #require(created.out.split(separator: "\n").last)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let token = try #require(object["token"] as? String)
        let secret = String(token.suffix(43))

        let shell = try InteractiveTests.Shell(folder: folder, extraArguments: ["--db", "crm.sqlite"]).started()
        try shell.command("login \(token)", shows: "logged in as admin (admin)", prompt: "crm(admin)> ")
        try shell.command("whoami", shows: "admin (admin); token 3 \"x\"", prompt: "crm(admin)> ")
        try shell.command("note add 1 my token is \(token)", shows: "error: ticket/1 not found", prompt: "crm(admin)> ")
        try shell.command("customer list", shows: "(1-2 of 2 customers)", prompt: "crm(admin)> ")
        #expect(try shell.leave() == 0)
        let history = try String(contentsOfFile: shell.historyPath, encoding: .utf8)
        #expect(history.contains("customer\\040list") && history.contains("whoami"), "\(history)")

        let echoed = try folder.crm([
            "--db", "crm.sqlite", "--echo", "--keep-going", "-c", "login \(token)", "-c", "ticket assign 1 \(token)",
            "-c", "whoami",
        ])
        #expect(echoed.status == 1, "\(echoed.out) \(echoed.err)")
        #expect(echoed.out.contains("admin (admin)"), "\(echoed.out)")
        #expect(echoed.out.contains("crm_3_****") || echoed.out.contains("login ****"), "\(echoed.out)")
        #expect(!echoed.out.contains(secret) && !echoed.err.contains(secret), "\(echoed.out) \(echoed.err)")

        let written = Self.files(under: folder.url)
        #expect(written.contains { $0.lastPathComponent == "crm.sqlite" } && written.contains { $0.lastPathComponent == "history" })
        for file in written {
            let bytes = try Data(contentsOf: file)
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "\(file.path) holds the secret")
        }
    }
}
