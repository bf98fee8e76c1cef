import CRMDomain
import CRMShell
import CRMTestSupport
import Foundation
import Testing

/// In `json` format every command answers JSON, `help` and `server status` included (DESIGN §5.4).
struct JSONHelpTests {
    static func object(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        #expect(text.hasSuffix("\n") && text.dropLast().firstIndex(of: "\n") == nil, "one line: \(text)",
                sourceLocation: sourceLocation)
        return try #require(
            try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)",
            sourceLocation: sourceLocation)
    }

    @Test func helpListsTheCommandsAndWhatTheRoleMayRun() async throws {
        let shell = TestShell()
        shell.session.format = .json
        let overview = try Self.object(await shell.ok("help"))
        let commands = try #require(overview["commands"] as? [[String: Any]])
        let create = try #require(commands.first { $0["command"] as? String == "ticket create" })
        #expect(create["allowed"] as? Bool == false)
        #expect((create["usage"] as? String)?.hasPrefix("ticket create --customer ID --subject SUBJECT") == true)
        #expect(commands.first { $0["command"] as? String == "ticket list" }?["allowed"] as? Bool == true)
        let family = try Self.object(await shell.ok("help ticket"))
        #expect((family["commands"] as? [[String: Any]])?.allSatisfy {
            ($0["command"] as? String)?.hasPrefix("ticket ") == true
        } == true)
    }

    @Test(arguments: ["help ticket create", "ticket create --help"])
    func helpOfOneCommand(_ line: String) async throws {
        let shell = TestShell()
        shell.session.format = .json
        let help = try Self.object(await shell.ok(line))
        #expect(help["command"] as? String == "ticket create")
        #expect(help["permission"] as? String == "ticket.create")
        let flags = try #require(help["flags"] as? [[String: Any]])
        let subject = try #require(flags.first { $0["flag"] as? String == "--subject" })
        #expect(subject["required"] as? Bool == true && subject["value"] as? String == "SUBJECT")
        #expect(flags.first { $0["flag"] as? String == "--tag" }?["repeatable"] as? Bool == true)
    }

    @Test func serverStatusWhenStopped() async throws {
        let shell = TestShell()
        shell.session.format = .json
        let status = try Self.object(await shell.ok("server status"))
        #expect(status["running"] as? Bool == false)
        #expect(status["port"] is NSNull && status["address"] is NSNull && status["requests"] is NSNull)
        shell.session.format = .table
        #expect((await shell.ok("server status")) == "the server is not running\n")
    }

    @Test func serverStatusWhenRunning() throws {
        try withTemporaryDirectory { folder in
            let run = try folder.crm([
                "--format", "json", "--token", "admin123", "-c", "server start --host 127.0.0.1 --port 0", "-c",
                "server status", "-c", "server stop",
            ])
            #expect(run.status == 0, "\(run.err)")
            let lines = run.out.split(separator: "\n").map(String.init)
            #expect(lines.count == 3, "\(run.out)")
            let started = try Self.object(lines[0] + "\n")
            let status = try Self.object(lines[1] + "\n")
            #expect(status["running"] as? Bool == true)
            #expect(status["address"] as? String == "127.0.0.1")
            #expect((status["port"] as? Int ?? 0) > 0 && status["port"] as? Int == started["port"] as? Int)
            #expect(status["requests"] as? Int == 0)
            #expect(started["log"] is String)
            #expect(try Self.object(lines[2] + "\n")["stopped"] as? Bool == true)
        }
    }
}
