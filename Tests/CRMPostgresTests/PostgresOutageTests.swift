import CRMDomain
import CRMPostgres
import CRMTestSupport
import Foundation
import Synchronization
import Testing

/// DESIGN §4: while the database is unreachable, calls fail with `unavailable` (HTTP 503) and succeed again when it
/// returns, with no restart; a transaction in flight when the server dies is wholly there or wholly absent. Each
/// test stops a cluster of its own, never the shared one the other tests use.
@Suite("PostgreSQL outages", .serialized, .needsPostgres, .timeLimit(.minutes(2)))
struct PostgresOutageTests {
    /// Runs `body` with a cluster of its own, removed afterwards whatever happens.
    func withOwnCluster(_ body: (OwnCluster, PostgresURL) async throws -> Void) async throws {
        let cluster = try await OwnCluster.start()
        do {
            var url = try await TestServer.freshDatabase(on: cluster.url)
            url.connectTimeout = .seconds(2)
            try await body(cluster, url)
        } catch {
            await cluster.remove()
            throw error
        }
        await cluster.remove()
    }

    /// A store on `url`, a service over it and the seeded agent logged in to it. Opening is retried while the first
    /// connection times out: on a machine busy with the whole suite, a cluster just started can take longer than the
    /// short connect timeout these tests give the outages.
    func openService(_ url: PostgresURL) async throws -> (PostgresCRMStore, CRMService, Caller) {
        let store = try await Self.open(url, until: ContinuousClock.now + testStartupTimeout)
        let service = CRMService(store: store, clock: SteppingClock(start: t0))
        return (store, service, try await service.login(token: "agent123", via: .shell))
    }

    /// The store on `url`, opened again after each connect timeout until `deadline`.
    static func open(_ url: PostgresURL, until deadline: ContinuousClock.Instant) async throws -> PostgresCRMStore {
        while true {
            do {
                return try await PostgresCRMStore.open(url: url, seededAt: t0, startupTimeout: testStartupTimeout)
            } catch {
                guard case .cannotConnect = error, ContinuousClock.now < deadline else { throw error }
            }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Retries `body` until it stops throwing `unavailable` (the pool reconnecting), for up to `limit`.
    func eventually<T>(_ limit: Duration = .seconds(60), _ body: () async throws -> T) async throws -> T {
        let deadline = ContinuousClock.now + limit
        while true {
            do {
                return try await body()
            } catch CRMError.unavailable where ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    @Test("server stopped: reads and writes fail with unavailable within seconds; restarted: they succeed again")
    func storeOutage() async throws {
        try await self.withOwnCluster { cluster, url in
            let (store, service, agent) = try await self.openService(url)
            _ = try await service.createTicket(NewTicket(customerID: CustomerID(1), subject: "Before"), by: agent)
            try await cluster.stop()
            for attempt in 0..<3 {
                let started = ContinuousClock.now
                await #expect(throws: CRMError.self, "attempt \(attempt)") {
                    _ = try await service.ticket(TicketID(1), by: agent)
                }
                await #expect {
                    _ = try await service.createTicket(NewTicket(customerID: CustomerID(1), subject: "During"), by: agent)
                } throws: { error in
                    if case CRMError.unavailable = error { return true }
                    return false
                }
                #expect(ContinuousClock.now - started < .seconds(6))
            }
            try await cluster.restart()
            let ticket = try await self.eventually { try await service.ticket(TicketID(1), by: agent) }
            #expect(ticket.subject == "Before")
            let after = try await service.createTicket(NewTicket(customerID: CustomerID(1), subject: "After"), by: agent)
            #expect(after.id == TicketID(2), "no ID was used by the creates refused during the outage")
            await store.close()
        }
    }

    /// One call alone waits on an open connection until the statement deadline; with others, they wait for connections.
    @Test(
        "server hung (frozen, connections open): a call in flight and calls after it fail with unavailable; thawed: they succeed",
        arguments: [1, 3])
    func hungServer(calls: Int) async throws {
        try await self.withOwnCluster { cluster, url in
            let (store, service, agent) = try await self.openService(url)
            _ = try await service.createTicket(NewTicket(customerID: CustomerID(1), subject: "Before"), by: agent)
            try await cluster.pause()
            let started = ContinuousClock.now
            // The first call takes an open connection and waits on a server that never answers; the others wait for
            // connections that never come.
            let outcomes = await withTaskGroup(of: Bool.self, returning: [Bool].self) { group in
                for n in 0..<calls {
                    group.addTask {
                        do {
                            _ = try await service.createTicket(NewTicket(customerID: CustomerID(1), subject: "During \(n)"), by: agent)
                            return false
                        } catch CRMError.unavailable {
                            return true
                        } catch {
                            return false
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            #expect(outcomes == Array(repeating: true, count: calls), "every call failed with unavailable")
            let limit = PostgresCRMStore.statementTimeout + url.connectTimeout + .seconds(3)
            #expect(ContinuousClock.now - started < limit, "within the statement timeout and the connect timeout")
            try await cluster.resume()
            let ticket = try await self.eventually { try await service.ticket(TicketID(1), by: agent) }
            #expect(ticket.subject == "Before")
            _ = try await service.createTicket(NewTicket(customerID: CustomerID(1), subject: "After"), by: agent)
            await store.close()
        }
    }

    @Test("crm serve answers 503 while PostgreSQL restarts and 200 after, without a restart of its own")
    func serveOutage() async throws {
        try await self.withOwnCluster { cluster, url in
            let server = try ServeProcess(["--db", url.withPassword])
            defer { server.stop() }
            #expect(try await server.api.get("/api/customers/1", token: "agent123").status == 200)
            try await cluster.stop()
            let started = ContinuousClock.now
            let during = try await server.api.get("/api/customers/1", token: "agent123")
            #expect(during.status == 503, "\(during.text)")
            #expect(during.errorCode == "unavailable")
            #expect(ContinuousClock.now - started < .seconds(6))
            let create = try await server.api.post(
                "/api/tickets", #"{"customer_id": 1, "subject": "x"}"#, token: "agent123")
            #expect(create.status == 503)
            try await cluster.restart()
            let deadline = ContinuousClock.now + .seconds(60)
            var status = 0
            while ContinuousClock.now < deadline {
                status = try await server.api.get("/api/customers/1", token: "agent123").status
                if status == 200 { break }
                #expect(status == 503)
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(status == 200)
            #expect(server.process.isRunning)
        }
    }

    @Test("transactions in flight when the server is killed are wholly there or wholly absent")
    func killedMidTransaction() async throws {
        try await self.withOwnCluster { cluster, url in
            let (store, service, agent) = try await self.openService(url)
            let acknowledged = Shared<[TicketID]>([])
            let finished = Shared(0)
            // Unstructured writers, so that one never told of the outage fails this test instead of hanging it.
            for writer in 0..<8 {
                Task {
                    defer { finished.value.withLock { $0 += 1 } }
                    for n in 0..<10_000 {
                        do {
                            let ticket = try await service.createTicket(
                                NewTicket(customerID: CustomerID(1), subject: "w\(writer) n\(n)", tags: ["load"]), by: agent)
                            acknowledged.value.withLock { $0.append(ticket.id) }
                        } catch {
                            return
                        }
                    }
                }
            }
            while acknowledged.value.withLock({ $0.count }) < 200 { try await Task.sleep(for: .milliseconds(10)) }
            try await cluster.stop(immediately: true)
            let deadline = ContinuousClock.now + .seconds(20)
            while finished.value.withLock({ $0 }) < 8 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(finished.value.withLock { $0 } == 8, "every writer was told of the outage within 20 s")
            await store.close()
            try await cluster.restart()
            let tickets = Set(try await TestServer.query("SELECT id FROM tickets", on: url).map { $0[0]! })
            let created = Set(
                try await TestServer.query("SELECT substr(entity, 8) FROM audit_events WHERE action = 'ticket.create'", on: url)
                    .map { $0[0]! })
            #expect(tickets == created, "every stored ticket has its audit event, and every event its ticket")
            #expect(Set(acknowledged.value.withLock { $0 }.map { String($0.rawValue) }).isSubset(of: tickets))
            let counted = try await TestServer.query("SELECT sum(tickets)::bigint FROM ticket_counts", on: url)
            #expect(counted == [[String(tickets.count)]])
        }
    }
}
