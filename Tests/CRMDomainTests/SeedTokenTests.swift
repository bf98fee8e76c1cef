import CRMDomain
import CRMMemoryStore
import CRMTestSupport
import Foundation
import Testing

/// DESIGN §3.4: two users never share a token; a configuration that would, or an empty token, is refused at
/// start with an error that does not show the token.
@Suite("Seed tokens: unique, non-empty, never shown")
struct SeedTokenTests {
    @Test("a token two users would share is refused without showing it", arguments: [
        ["CRM_ADMIN_TOKEN": "agent123"],
        ["CRM_AGENT_TOKEN": "admin123"],
        ["CRM_AGENT_TOKEN": "s3cret-shared", "CRM_ADMIN_TOKEN": "s3cret-shared"],
    ])
    func shared(_ environment: [String: String]) async {
        let error = await expectValidation(field: "tokens") { _ = try CRMSettings(environment: environment) }
        #expect(error?.description.contains("share a token") == true)
        for token in environment.values { #expect(error?.description.contains(token) == false) }
    }

    @Test("an empty or blank token variable is refused without showing it", arguments: [
        ["CRM_ADMIN_TOKEN": ""], ["CRM_AGENT_TOKEN": ""], ["CRM_AGENT_TOKEN": " "], ["CRM_ADMIN_TOKEN": "se cret"],
        ["CRM_ADMIN_TOKEN": "secret\n"], ["CRM_AGENT_TOKEN": "\u{1b}[2Jsecret"],
    ])
    func empty(_ environment: [String: String]) async throws {
        let field = try #require(environment.keys.first)
        let error = await expectValidation(field: field) { _ = try CRMSettings(environment: environment) }
        for token in environment.values where !token.trimmingCharacters(in: .whitespaces).isEmpty {
            #expect(error?.description.contains(token) == false)
        }
    }

    @Test("distinct tokens from the environment each log in their own user")
    func distinct() async throws {
        let settings = try CRMSettings(environment: ["CRM_AGENT_TOKEN": "agent-secret", "CRM_ADMIN_TOKEN": "admin-secret"])
        let service = CRMService(store: InMemoryCRMStore(seed: settings.seed, seededAt: t0))
        #expect(try await service.login(token: "agent-secret", via: .shell).principal.name == "agent")
        #expect(try await service.login(token: "admin-secret", via: .shell).principal.name == "admin")
        await expectError(.unauthenticated) { _ = try await service.login(token: "agent123", via: .shell) }
    }

    @Test("a store that holds a shared token anyway logs in neither user with it")
    func sharedTokenInAStore() async throws {
        let service = CRMService(store: InMemoryCRMStore(seed: .demo(agentToken: "same", adminToken: "same"), seededAt: t0))
        await expectError(.unauthenticated) { _ = try await service.login(token: "same", via: .shell) }
    }
}
