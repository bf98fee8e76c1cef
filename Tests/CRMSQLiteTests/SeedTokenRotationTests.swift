import Foundation
import Testing

/// `CRM_AGENT_TOKEN` / `CRM_ADMIN_TOKEN` apply to a database that already exists: the new value works at the next
/// start and the previous one stops, while a seeded token an admin revoked stays revoked.
@Suite("seeded tokens follow the environment on an existing database")
struct SeedTokenRotationTests {
    @Test("a changed seeded token works at the next start, the old one stops; the two may even swap")
    func rotation() throws {
        let folder = try temporaryFolder()
        let database = ["--db", "crm.sqlite"]
        #expect(try runCRM(database + ["-c", "login agent123"], in: folder).status == 0)

        let rotated = ["CRM_AGENT_TOKEN": "rotated-agent-1", "CRM_ADMIN_TOKEN": "agent123"]
        let agent = try runCRM(database + ["-c", "login rotated-agent-1", "-c", "whoami"], in: folder, environment: rotated)
        #expect(agent.status == 0 && agent.output.contains("agent (agent)"), "\(agent)")
        let admin = try runCRM(database + ["-c", "login agent123", "-c", "whoami"], in: folder, environment: rotated)
        #expect(admin.status == 0 && admin.output.contains("admin (admin)"), "\(admin)")
        #expect(try runCRM(database + ["-c", "login admin123"], in: folder, environment: rotated).status == 4)

        let back = try runCRM(database + ["-c", "login agent123", "-c", "whoami"], in: folder)
        #expect(back.status == 0 && back.output.contains("agent (agent)"), "\(back)")
    }

    @Test("a revoked seeded token stays revoked whatever its new value")
    func revokedStaysRevoked() throws {
        let folder = try temporaryFolder()
        let database = ["--db", "crm.sqlite"]
        #expect(try runCRM(database + ["-c", "login admin123", "-c", "token revoke 1"], in: folder).status == 0)
        let run = try runCRM(
            database + ["-c", "login fresh-agent-2"], in: folder, environment: ["CRM_AGENT_TOKEN": "fresh-agent-2"])
        #expect(run.status == 4, "\(run)")
    }
}
