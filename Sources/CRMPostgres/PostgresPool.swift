import CRMDomain
import Logging
import PostgresNIO
import Synchronization

/// crm's connections to one database: a `PostgresClient` run as a service in a task of its own, from which each
/// store call leases a connection, in the caller's own task.
///
/// PostgresNIO's pool keeps a lease waiting for as long as it cannot open a connection (the server is down or
/// restarting) or its connections hang (the server stopped answering, the network split). A watchdog looks at the
/// waiting leases a few times a second: when one has waited longer than `leaseTimeout` while no call got a connection
/// (the pool is cut off, not merely busy), it replaces the client with a fresh one and shuts the old one down, which
/// closes its connections and fails the leases waiting on it and the statements hanging on it; those calls fail with
/// `CRMError.unavailable`. The fresh client keeps trying in the background, so calls succeed again once the server is
/// back, without a restart.
final class PostgresPool: Sendable {
    let logger: Logger
    let leaseTimeout: Duration
    private let configuration: PostgresClient.Configuration
    private let state: Mutex<State>
    private let watchdog = Mutex<Task<Void, Never>?>(nil)
    private let start = ContinuousClock.now

    /// The client in use and the leases waiting on it.
    private struct State {
        var client: PostgresClient
        var runner: Task<Void, Never>
        /// When each waiting lease started (nanoseconds since `start`), by a number of its own.
        var waiting: [Int: Int64] = [:]
        var nextWaiter = 0
        var inUse = 0
        /// When a call last got a connection.
        var lastLease: Int64 = 0
        var closed = false
    }

    init(url: PostgresURL, logger: Logger) throws(PostgresStoreError) {
        let configuration = try url.clientConfiguration
        self.configuration = configuration
        self.logger = logger
        self.leaseTimeout = url.connectTimeout
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.state = Mutex(State(client: client, runner: Self.run(client)))
        let watchdog = Task { [weak self] in
            while !Task.isCancelled, let interval = self.map({ $0.leaseTimeout / 4 }) {
                try? await Task.sleep(for: max(interval, .milliseconds(100)))
                self?.replaceClientIfCutOff()
            }
        }
        self.watchdog.withLock { $0 = watchdog }
    }

    private static func run(_ client: PostgresClient) -> Task<Void, Never> {
        Task { await client.run() }
    }

    /// Closes every connection; calls after this fail with `unavailable`. Waits for the pool to shut down for at
    /// most `leaseTimeout`: with the server down, its shutdown can wait on connection attempts that never end.
    func close() async {
        self.watchdog.withLock { $0?.cancel() }
        let runner = self.state.withLock { state in
            state.closed = true
            state.runner.cancel()
            return state.runner
        }
        let settled = Atomic<Bool>(false)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let settle = { @Sendable in
                if !settled.exchange(true, ordering: .acquiringAndReleasing) { continuation.resume() }
            }
            Task {
                await runner.value
                settle()
            }
            Task { [timeout = self.leaseTimeout] in
                try? await Task.sleep(for: timeout)
                settle()
            }
        }
    }

    /// Calls using a connection and calls waiting for one, now.
    var usage: ConnectionPoolUsage {
        self.state.withLock { state in ConnectionPoolUsage(open: nil, inUse: state.inUse, waiting: state.waiting.count) }
    }

    /// Runs `body` on a leased connection; any PostgreSQL failure comes out translated (`PostgresFailure`).
    func withConnection<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        do {
            return try await self.leased(body)
        } catch {
            throw PostgresFailure.translate(error)
        }
    }

    /// Runs `body` in one transaction on a leased connection.
    func transaction<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        let logger = self.logger
        return try await self.withConnection { connection in
            try await PostgresTransaction.run(connection, logger: logger, body)
        }
    }

    /// Nanoseconds since the pool started.
    private var now: Int64 { Self.nanoseconds(ContinuousClock.now - self.start) }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000
    }

    /// Leases a connection from the client in use, counted as waiting until it comes and in use until `body` is
    /// done. A lease the watchdog gave up on fails with `unavailable`.
    private func leased<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        let started = self.now
        let (client, waiter) = try self.state.withLock { state throws(CRMError) in
            guard !state.closed else { throw CRMError.unavailable(reason: "the connection pool is closed") }
            defer { state.nextWaiter += 1 }
            state.waiting[state.nextWaiter] = started
            return (state.client, state.nextWaiter)
        }
        var leased = false
        defer {
            self.state.withLock { state in
                if leased { state.inUse -= 1 } else { state.waiting[waiter] = nil }
            }
        }
        do {
            return try await client.withConnection { connection in
                let now = self.now
                self.state.withLock { state in
                    state.waiting[waiter] = nil
                    state.inUse += 1
                    state.lastLease = now
                }
                leased = true
                return try await body(connection)
            }
        } catch where !leased && self.state.withLock({ $0.client !== client }) {
            // The watchdog retired the client this lease waited on.
            throw CRMError.unavailable(reason: "no connection to the server within \(self.leaseTimeout.components.seconds) s")
        }
    }

    /// Replaces the client when a lease has waited longer than `leaseTimeout` while no call got a connection;
    /// shutting the old client down fails the leases waiting on it and closes its connections.
    private func replaceClientIfCutOff() {
        let now = self.now
        let timeout = Self.nanoseconds(self.leaseTimeout)
        let retired: Task<Void, Never>? = self.state.withLock { state in
            guard !state.closed, now - state.lastLease > timeout,
                let oldest = state.waiting.values.min(), now - oldest > timeout
            else { return nil }
            let retired = state.runner
            state.client = PostgresClient(configuration: self.configuration, backgroundLogger: self.logger)
            state.runner = Self.run(state.client)
            state.waiting.removeAll()
            return retired
        }
        retired?.cancel()
    }
}
