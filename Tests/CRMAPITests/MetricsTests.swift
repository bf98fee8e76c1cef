import CRMAPI
import CRMDomain
import CRMMemoryStore
import CRMTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `GET /metrics` (DESIGN §6.2): Prometheus text counting requests by route template, for an admin token or a
/// caller on the server's own machine.
@Suite("Metrics")
struct MetricsTests {
    static let requests = "crm_http_requests_total"
    static let duration = "crm_http_request_duration_seconds"

    static func scrape(_ api: some HTTPDriver, token: String? = Token.admin) async throws -> PrometheusText {
        let reply = try await api.get("/metrics", token: token)
        try #require(reply.status == 200, "\(reply)")
        #expect(reply.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        return try PrometheusText(reply.text)
    }

    @Test("requests are counted by route template, method and status, with a duration histogram in seconds")
    func countsByTemplate() async throws {
        let world = try await APIWorld.make()
        let metrics = try await world.test { api in
            for _ in 0..<2 { #expect(try await api.get("/api/customers/1", token: Token.agent).status == 200) }
            #expect(try await api.get("/api/customers/%32", token: Token.agent).status == 200)
            #expect(try await api.get("/api/customers/999", token: Token.agent).status == 404)
            #expect(try await api.get("/api/customers/1", token: "wrong").status == 403)
            #expect(try await api.get("/no/such/path/7?x=1").status == 404)
            #expect(try await api.send(Req(.delete, "/health")).status == 405)
            #expect(try await api.send(Req(HTTPRequest.Method("BREW")!, "/health")).status == 405)
            return try await Self.scrape(api)
        }
        #expect(metrics.types[Self.requests] == "counter")
        #expect(metrics.types[Self.duration] == "histogram")
        func count(_ route: String, _ method: String, _ status: Int) -> Double? {
            metrics.value(Self.requests, ["route": route, "method": method, "status": String(status)])
        }
        #expect(count("/api/customers/{id}", "GET", 200) == 3, "\(metrics.samples(Self.requests))")
        #expect(count("/api/customers/{id}", "GET", 404) == 1)
        #expect(count("/api/customers/{id}", "GET", 403) == 1)
        #expect(count("unmatched", "GET", 404) == 1)
        #expect(count("unmatched", "DELETE", 405) == 1)
        #expect(count("unmatched", "other", 405) == 1)
        // Labels never carry a raw path, a query or a client's method name.
        let values = metrics.samples.flatMap(\.labels.values)
        #expect(!values.contains { $0.contains("/api/customers/1") || $0.contains("/no/such") || $0.contains("BREW") })
        #expect(Set(metrics.samples(Self.requests).compactMap { $0.labels["route"] }).isSubset(of: [
            "/api/customers/{id}", "unmatched",
        ]))

        let labels = ["route": "/api/customers/{id}", "method": "GET"]
        #expect(metrics.value(Self.duration + "_count", labels) == 5)
        let sum = try #require(metrics.value(Self.duration + "_sum", labels))
        #expect(sum > 0 && sum < 5, "seconds, not nanoseconds: \(sum)")
        let buckets = metrics.samples(Self.duration + "_bucket").filter {
            $0.labels["route"] == "/api/customers/{id}" && $0.labels["method"] == "GET"
        }
        #expect(buckets.count > 5)
        #expect(buckets.first { $0.labels["le"] == "+Inf" }?.value == 5)
        let finite = buckets.filter { $0.labels["le"] != "+Inf" }.sorted { Double($0.labels["le"]!)! < Double($1.labels["le"]!)! }
        #expect(zip(finite, finite.dropFirst()).allSatisfy { $0.value <= $1.value }, "buckets are cumulative")
        #expect(finite.first.map { Double($0.labels["le"]!)! <= 0.001 } == true, "sub-millisecond buckets")
        // The in-memory store has no connection pool to report.
        #expect(!metrics.samples.contains { $0.name.hasPrefix("crm_store_pool") })
    }

    @Test("each server counts only its own requests (no process-wide registry)")
    func registryPerServer() async throws {
        let world = try await APIWorld.make()
        let busy = Application(router: buildRouter(service: world.service))
        let idle = Application(router: buildRouter(service: world.service))
        try await busy.test(.router) { client in
            let api = RouterDriver(client: client)
            for _ in 0..<3 { _ = try await api.get("/health") }
            let metrics = try await Self.scrape(api)
            #expect(metrics.value(Self.requests, ["route": "/health", "method": "GET", "status": "200"]) == 3)
        }
        try await idle.test(.router) { client in
            let metrics = try await Self.scrape(RouterDriver(client: client))
            #expect(metrics.samples(Self.requests).isEmpty, "\(metrics.samples(Self.requests))")
        }
    }

    @Test("without a local connection only an admin token may read it; others get the JSON 403")
    func refusedToOthers() async throws {
        try await APIWorld.test { api in
            // The in-memory router has no peer address: it is not a local caller.
            let anonymous = try await api.get("/metrics")
            #expect(anonymous.status == 403, "\(anonymous)")
            #expect(anonymous.hasErrorShape, "\(anonymous)")
            #expect(anonymous.detail == "Forbidden: role 'None' unauthorized")
            #expect(anonymous.errorMessage?.contains("metrics.read") == true, "\(anonymous)")
            let agent = try await api.get("/metrics", token: Token.agent)
            #expect(agent.status == 403, "\(agent)")
            #expect(agent.detail == "Forbidden: role 'agent' unauthorized", "\(agent)")
            let badToken = try await api.get("/metrics", token: "not-a-token")
            #expect(badToken.status == 403 && badToken.hasErrorShape, "\(badToken)")
            #expect(try await api.get("/metrics", token: Token.admin).status == 200)
        }
    }

    @Test("on a real socket: a loopback caller needs no token, unless a proxy relayed it or its token is bad")
    func loopbackCaller() async throws {
        let world = try await APIWorld.make()
        let (server, api) = try await world.startServer()
        _ = try await api.get("/api/tickets/?customer_id=1")
        let metrics = try await Self.scrape(api, token: nil)
        #expect(metrics.value(Self.requests, ["route": "/api/tickets", "method": "GET", "status": "200"]) == 1)
        for proxy in ["X-Forwarded-For", "Forwarded", "X-Real-IP"] {
            let relayed = try await api.get("/metrics", headers: [(proxy, "203.0.113.9")])
            #expect(relayed.status == 403 && relayed.hasErrorShape, "\(proxy): \(relayed)")
        }
        #expect(try await api.get("/metrics", token: "not-a-token").status == 403)
        #expect(try await api.get("/metrics", token: Token.admin).status == 200)
        await server.stop()
    }

    /// This machine's first IPv4 address that is not loopback, if it has one.
    static func nonLoopbackIPv4() -> String? {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0, let first = list else { return nil }
        defer { freeifaddrs(list) }
        for entry in sequence(first: first, next: { $0.pointee.ifa_next }) {
            guard let address = entry.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET) else { continue }
            var host = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
            let ip = address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer -> String in
                var inAddress = pointer.pointee.sin_addr
                inet_ntop(AF_INET, &inAddress, &host, socklen_t(host.count))
                return String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            }
            if !ip.hasPrefix("127.") { return ip }
        }
        return nil
    }

    @Test(
        "on a real socket from another address: refused without an admin token",
        .enabled(if: nonLoopbackIPv4() != nil, "this machine has no network address besides loopback"))
    func remoteCaller() async throws {
        let ip = try #require(Self.nonLoopbackIPv4())
        let world = try await APIWorld.make()
        let (server, local) = try await world.startServer(host: "0.0.0.0")
        let port = local.port
        let remote = SocketDriver(host: ip, port: port)
        let refused = try await remote.get("/metrics")
        #expect(refused.status == 403 && refused.hasErrorShape, "\(refused)")
        #expect(try await remote.get("/metrics", token: Token.agent).status == 403)
        #expect(try await remote.get("/metrics", token: Token.admin).status == 200)
        #expect(try await SocketDriver(host: "127.0.0.1", port: port).get("/metrics").status == 200)
        await server.stop()
    }

    static let loopbackCases: [(String, Bool)] = [
        ("127.0.0.1", true), ("127.8.9.10", true), ("::1", true), ("::ffff:127.0.0.1", true),
        ("10.0.0.7", false), ("192.0.2.2", false), ("::ffff:10.0.0.1", false), ("2001:db8::1", false),
        ("::", false), ("0.0.0.0", false),
    ]

    @Test("a caller is local when its peer is a loopback address", arguments: loopbackCases)
    func localPeers(ip: String, local: Bool) throws {
        let peer = try SocketAddress(ipAddress: ip, port: 40_000)
        #expect(MetricsRoute.isLocal(peer: peer, headers: [:]) == local)
    }

    @Test("no peer is not local; a loopback peer relayed by a proxy is not local")
    func unknownAndRelayedPeers() throws {
        #expect(!MetricsRoute.isLocal(peer: nil, headers: [:]))
        let loopback = try SocketAddress(ipAddress: "127.0.0.1", port: 40_000)
        #expect(MetricsRoute.isLocal(peer: loopback, headers: [.contentType: "text/plain"]))
        for proxy in ["Forwarded", "X-Forwarded-For", "X-Real-IP"] {
            let headers: HTTPFields = [HTTPField.Name(proxy)!: "for=203.0.113.9"]
            #expect(!MetricsRoute.isLocal(peer: loopback, headers: headers), "\(proxy)")
        }
    }

    @Test("a store with a connection pool reports it as gauges")
    func poolGauges() async throws {
        let store = PoolReportingStore(
            InMemoryCRMStore(seed: .demo(), seededAt: t0), usage: ConnectionPoolUsage(open: 7, inUse: 3, waiting: 2))
        let service = CRMService(store: store)
        let app = Application(router: buildRouter(service: service))
        try await app.test(.router) { client in
            let metrics = try await Self.scrape(RouterDriver(client: client))
            #expect(metrics.types["crm_store_pool_open_connections"] == "gauge")
            #expect(metrics.value("crm_store_pool_open_connections") == 7)
            #expect(metrics.value("crm_store_pool_in_use_connections") == 3)
            #expect(metrics.value("crm_store_pool_waiting_requests") == 2)
            store.usage = ConnectionPoolUsage(open: 8, inUse: 0, waiting: 0)
            let later = try await Self.scrape(RouterDriver(client: client))
            #expect(later.value("crm_store_pool_open_connections") == 8)
            #expect(later.value("crm_store_pool_waiting_requests") == 0)
        }
    }
}
