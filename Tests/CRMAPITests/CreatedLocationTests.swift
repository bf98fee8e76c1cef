import CRMAPI
import CRMDomain
import CRMTestSupport
import Foundation
import Testing

/// New routes that create answer 201 with `Location` (DESIGN §6.2), every one of them.
@Suite("201 with Location")
struct CreatedLocationTests {
    /// Each route the OpenAPI document says answers 201, with a body that creates something.
    static let creations: [(path: String, body: String, location: String)] = [
        ("/api/customers", #"{"name": "Ann Lee", "email": "ann@example.com"}"#, "/api/customers/3"),
        ("/api/users", #"{"name": "zed", "role": "agent"}"#, "/api/users/zed"),
        ("/api/tokens", #"{"label": "ci"}"#, "/api/tokens/"),
        ("/api/tickets/{id}/notes", #"{"text": "called back"}"#, "/api/tickets/1/notes"),
    ]

    @Test func everyRouteThatAnswers201IsCovered() async throws {
        let document = try await OpenAPITests.document(try await APIWorld.make())
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        let created = paths.filter { _, operations in
            operations.values.contains { (($0 as? [String: Any])?["responses"] as? [String: Any])?["201"] != nil }
        }
        #expect(Set(created.keys) == Set(Self.creations.map(\.path)))
    }

    @Test(arguments: 0..<creations.count)
    func createdAnswersLocation(_ index: Int) async throws {
        let creation = Self.creations[index]
        let world = try await APIWorld.make()
        let ticket = try await world.ticket()
        let path = creation.path.replacingOccurrences(of: "{id}", with: "\(ticket.id)")
        let reply = try await world.test { api in try await api.post(path, creation.body, token: Token.admin) }
        #expect(reply.status == 201, "\(reply)")
        #expect(reply.header("Location")?.hasPrefix(creation.location) == true, "\(reply.headers)")
    }
}
