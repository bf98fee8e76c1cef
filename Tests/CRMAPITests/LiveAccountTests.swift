import CRMDomain
import CRMTestSupport
import Foundation
import Testing

/// Users and tokens against a real `crm serve` on a real port, changed by another `crm` process sharing its
/// SQLite file: the server sees a revocation or a disabled user on its very next request.
@Suite("Live accounts across processes", .serialized)
struct LiveAccountTests {
    /// Runs one `crm --db PATH` script as admin (`-c` per command); its stdout, or a failed expectation.
    static func crm(_ database: String, _ commands: [String], format: String = "table") async throws -> String {
        let arguments = ["--db", database, "--format", format, "-c", "login admin123"] + commands.flatMap { ["-c", $0] }
        let (status, output, error) = try await run(try crmExecutable().path, arguments)
        #expect(status == 0, "\(commands): \(error)")
        return output
    }

    /// The `token` of the last JSON line of `token create --format json` output.
    static func secret(in output: String) throws -> String {
        let line = try #require(output.split(separator: "\n").last)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        return try #require(object["token"] as? String)
    }

    @Test("a token revoked, or a user disabled, by another process fails on the server's next request")
    func revocationIsSeenAtOnce() async throws {
        try await withTemporaryDirectory { folder in
            let database = folder.url.appendingPathComponent("crm.sqlite").path
            let created = try await Self.crm(
                database,
                ["user create alice --role agent", "token create --user alice --label one", "token create --user alice --label two"],
                format: "json")
            let lines = created.split(separator: "\n")
            let first = try Self.secret(in: String(lines[lines.count - 2]))
            let second = try Self.secret(in: String(lines[lines.count - 1]))

            let serve = try CRMProcess(["--db", database, "serve", "--port", "0"])
            defer { serve.killIfRunning() }
            let listening = try await OutputCursor(serve.stdout).awaitNext(#"listening on http://127\.0\.0\.1:(\d+)"#)
            let port = try #require(Int(listening?[1] ?? ""), "\(serve.stdout.text) \(serve.stderr.text)")
            let api = SocketDriver(port: port)

            #expect(try await api.get("/api/customers/1", token: first).status == 200)
            #expect(try await api.get("/api/customers/1", token: second).status == 200)
            _ = try await Self.crm(database, ["token revoke 3"])
            let revoked = try await api.get("/api/customers/1", token: first)
            #expect(revoked.status == 403 && revoked.errorCode == "unauthenticated", "\(revoked)")
            #expect(try await api.get("/api/customers/1", token: second).status == 200)

            _ = try await Self.crm(database, ["user disable alice"])
            let disabled = try await api.get("/api/customers/1", token: second)
            #expect(disabled.status == 403 && disabled.errorCode == "unauthenticated", "\(disabled)")
            _ = try await Self.crm(database, ["user enable alice"])
            #expect(try await api.get("/api/customers/1", token: second).status == 200)
            #expect(try await api.get("/api/customers/1", token: first).status == 403)
        }
    }

    @Test("over HTTP: POST /api/tokens answers 201, Location and the secret once; an agent cannot see or revoke another's token")
    func tokensOverHTTP() async throws {
        try await APIWorld.test { api in
            let created = try await api.post("/api/tokens", #"{"label": "ci", "expires": "12h"}"#, token: "admin123")
            expectCreated(created, at: "/api/tokens/3")
            let secret = try #require(created.object?["token"] as? String)
            #expect(secret.hasPrefix("crm_3_"))
            #expect(created.object?["label"] as? String == "ci")
            #expect(created.object?["expires_at"] as? String != nil)
            let listed = try await api.get("/api/tokens", token: secret)
            #expect(listed.status == 200)
            #expect(!String(decoding: listed.body, as: UTF8.self).contains(secret.suffix(43)))
            #expect(listed.header("X-Total-Count") == "2")
            for request in [Req(.get, "/api/tokens/3", token: "agent123"), Req(.delete, "/api/tokens/3", token: "agent123"),
                Req(.delete, "/api/tokens/999", token: "agent123")]
            {
                let reply = try await api.send(request)
                #expect(reply.status == 404 && reply.errorCode == "not_found", "\(reply)")
            }
            let forbidden = try await api.get("/api/tokens?user=admin", token: "agent123")
            #expect(forbidden.status == 403 && forbidden.errorCode == "forbidden")
            #expect(try await api.get("/api/me", token: secret).status == 200)
            #expect(try await api.delete("/api/tokens/3", token: secret).status == 204)
            #expect(try await api.get("/api/me", token: secret).status == 403)
        }
    }

    @Test("users over HTTP: create (201, Location), show, patch, disable; bad input is 422, a taken name 409")
    func usersOverHTTP() async throws {
        try await APIWorld.test { api in
            let created = try await api.post(
                "/api/users", #"{"name": "alice", "role": "agent", "display_name": "Alice"}"#, token: "admin123")
            expectCreated(created, at: "/api/users/alice")
            #expect(created.object?["disabled"] as? Bool == false)
            #expect(try await api.get("/api/users/alice", token: "admin123").object?["display_name"] as? String == "Alice")
            let patched = try await api.patch("/api/users/alice", #"{"disabled": true, "role": "admin"}"#, token: "admin123")
            #expect(patched.status == 200 && patched.object?["disabled"] as? Bool == true, "\(patched)")
            #expect(try await api.get("/api/users/ghost", token: "admin123").status == 404)
            for body in [#"{"name": "Bad Name", "role": "agent"}"#, #"{"name": "bob", "role": "root"}"#] {
                #expect(try await api.post("/api/users", body, token: "admin123").status == 422, "\(body)")
            }
            let taken = try await api.post("/api/users", #"{"name": "alice", "role": "agent"}"#, token: "admin123")
            #expect(taken.status == 409 && taken.errorCode == "conflict", "\(taken)")
            #expect(try await api.get("/api/tokens?user=", token: "admin123").status == 422)
            #expect(try await api.patch("/api/users/alice", #"{"disabled": "yes"}"#, token: "admin123").status == 422)
            #expect(try await api.get("/api/users", token: "admin123").header("X-Total-Count") == "3")
        }
    }
}
