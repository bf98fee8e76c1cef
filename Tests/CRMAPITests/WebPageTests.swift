import CRMAPI
import CRMDomain
import CRMTestSupport
import Foundation
import HTTPTypes
import Testing

/// The web page and the API reference as the router serves them (DESIGN §6.4): from the binary, with a strict
/// Content-Security-Policy, no inline script or style, and small enough to load fast.
@Suite("Web page")
struct WebPageTests {
    static let pages = ["/", "/docs"]
    static let assets = ["/web/app.css", "/web/app.js", "/web/docs.js"]

    @Test("page and assets carry the security headers", arguments: pages + assets)
    func securityHeaders(path: String) async throws {
        let reply = try await APIWorld.make().test { try await $0.get(path) }
        #expect(reply.status == 200, "\(reply)")
        let policy = try #require(reply.header("Content-Security-Policy"))
        let directives = Set(policy.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) })
        for required in [
            "default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'",
            "base-uri 'none'", "form-action 'self'", "object-src 'none'",
        ] {
            #expect(directives.contains(required), "\(path): \(policy)")
        }
        #expect(!policy.contains("unsafe"), "\(path): \(policy)")
        #expect(reply.header("X-Content-Type-Options") == "nosniff")
        #expect(reply.header("Referrer-Policy") == "no-referrer")
        #expect(reply.header("X-Frame-Options") == "DENY")
    }

    @Test("each file has its content type; HEAD works; another method is 405", arguments: [
        ("/", "text/html"), ("/docs", "text/html"), ("/web/app.css", "text/css"), ("/web/app.js", "text/javascript"),
        ("/web/docs.js", "text/javascript"),
    ])
    func contentTypes(path: String, type: String) async throws {
        let (get, head, post) = try await APIWorld.make().test { api in
            (try await api.get(path), try await api.send(Req(.head, path)), try await api.post(path, "{}"))
        }
        #expect(get.header("Content-Type")?.hasPrefix(type + ";") == true, "\(path): \(get.headers)")
        #expect(head.status == 200 && head.body.isEmpty)
        #expect(head.header("Content-Length") == get.header("Content-Length"))
        #expect(post.status == 405 && post.header("Allow") == "GET, HEAD", "\(post)")
    }

    @Test("the markup holds no inline script, inline style or event handler; every script and style is our own")
    func noInlineCode() async throws {
        for path in Self.pages {
            let html = try await APIWorld.make().test { try await $0.get(path) }.text
            let scripts = html.matches(of: /<script\b([^>]*)>/).map { String($0.output.1) }
            #expect(!scripts.isEmpty)
            for attributes in scripts {
                #expect(attributes.contains(#"src="/web/"#), "\(path): <script\(attributes)>")
            }
            #expect(!html.contains("<style"), "\(path)")
            #expect(html.firstMatch(of: /\sstyle\s*=/) == nil, "\(path)")
            #expect(html.firstMatch(of: /\son[a-z]+\s*=/) == nil, "\(path)")
            #expect(html.firstMatch(of: /(href|src)="(https?:)?\/\//) == nil, "\(path): an external asset")
        }
    }

    @Test("the scripts never write HTML: no innerHTML, outerHTML, insertAdjacentHTML, document.write or eval")
    func scriptsWriteTextOnly() async throws {
        for path in ["/web/app.js", "/web/docs.js"] {
            let script = try await APIWorld.make().test { try await $0.get(path) }.text
            for sink in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"] {
                #expect(!script.contains(sink), "\(path) uses \(sink)")
            }
        }
    }

    @Test("the first load (page, style, script) is at most 100 KB")
    func firstLoadSize() async throws {
        let world = try await APIWorld.make()
        let total = try await world.test { api in
            var total = 0
            for path in ["/", "/web/app.css", "/web/app.js"] { total += try await api.get(path).body.count }
            return total
        }
        #expect(total <= 100_000, "first load is \(total) bytes")
    }

    @Test("the shell's background server (`server start`) serves the page too")
    func backgroundServer() async throws {
        let world = try await APIWorld.make()
        let (server, api) = try await world.startServer()
        let page = try await api.get("/")
        #expect(await server.stop())
        #expect(page.status == 200, "\(page)")
        #expect(page.text.contains(#"<script src="/web/app.js""#))
        #expect(page.header("Content-Security-Policy")?.contains("frame-ancestors 'none'") == true)
    }

    @Test("a missing favicon is a 404, not a 500")
    func favicon() async throws {
        let reply = try await APIWorld.make().test { try await $0.get("/favicon.ico") }
        #expect(reply.status == 404, "\(reply)")
    }

    @Test("transitions: the moves the caller may make, by role and status")
    func transitions() async throws {
        let world = try await APIWorld.make()
        let ticket = try await world.ticket()
        _ = try await world.service.updateTicket(
            ticket.id, TicketChanges(status: .closed), by: world.admin)
        let open = try await world.ticket("Still open")
        let (agentOpen, agentClosed, adminClosed, anonymous, missing) = try await world.test { api in
            (
                try await api.get("/api/tickets/\(open.id)/transitions", token: Token.agent),
                try await api.get("/api/tickets/\(ticket.id)/transitions", token: Token.agent),
                try await api.get("/api/tickets/\(ticket.id)/transitions", token: Token.admin),
                try await api.get("/api/tickets/\(open.id)/transitions"),
                try await api.get("/api/tickets/999/transitions", token: Token.agent)
            )
        }
        #expect(agentOpen.object?["allowed"] as? [String] == ["in_progress", "pending", "resolved", "closed"])
        #expect(agentOpen.object?["status"] as? String == "open")
        #expect(agentOpen.object?["version"] as? Int == 1)
        #expect(agentClosed.object?["allowed"] as? [String] == [])
        #expect(adminClosed.object?["allowed"] as? [String] == ["open"])
        #expect(anonymous.status == 200 && anonymous.object?["allowed"] as? [String] == [], "\(anonymous)")
        #expect(missing.status == 404, "\(missing)")
    }
}
