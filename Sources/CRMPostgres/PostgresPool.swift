import CRMDomain
import Logging
import PostgresNIO
import Synchronization

/// crm's connections to one database: a `PostgresClient` run as a service in a task of its own, from which each
/// store call leases a connection, in the caller's own task.
///
/// PostgresNIO's pool keeps a lease waiting for as long as it cannot open a connection (the server is down or
/// restarting), and a statement for as long as the server does not answer (it hangs, or the network split). A
/// watchdog looks at the leases five times a second. The pool is cut off when a lease has waited longer than
/// `leaseTimeout` while no call got a connection (not merely busy), or when a call has held its connection for longer
/// than the server's own `statement_timeout` (set on every connection) plus `leaseTimeout`, which no answering
/// server allows. Then the watchdog replaces the client with a fresh one and shuts the old one down, which closes its
/// connections and fails the leases waiting on it and the statements hanging on it: those calls fail with
/// `CRMError.unavailable`. The fresh client keeps trying in the background, so calls succeed again once the server is
/// back, without a restart.
final class PostgresPool: Sendable {
    let logger: Logger
    let leaseTimeout: Duration
    /// The longest a statement may run: the server cancels it after this (`statement_timeout`).
    static let statementTimeout: Duration = .seconds(15)
    /// How often the watchdog looks at the leases.
    private static let watchdogInterval: Duration = .milliseconds(200)
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
        /// When each lease holding a connection got it, by the same numbers.
        var holding: [Int: Int64] = [:]
        var nextLease = 0
        /// When a call last got a connection.
        var lastLease: Int64 = 0
        var closed = false
    }

    init(url: PostgresURL, logger: Logger) throws(PostgresStoreError) {
        var configuration = try url.clientConfiguration
        configuration.options.additionalStartupParameters.append(
            ("statement_timeout", "\(Self.statementTimeout.components.seconds)s"))
        self.configuration = configuration
        self.logger = logger
        self.leaseTimeout = url.connectTimeout
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.state = Mutex(State(client: client, runner: Self.run(client)))
        let watchdog = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.watchdogInterval)
                guard let self else { return }
                self.replaceClientIfCutOff()
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
        self.state.withLock { state in ConnectionPoolUsage(open: nil, inUse: state.holding.count, waiting: state.waiting.count) }
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
        let (client, lease) = try self.state.withLock { state throws(CRMError) in
            guard !state.closed else { throw CRMError.unavailable(reason: "the connection pool is closed") }
            defer { state.nextLease += 1 }
            state.waiting[state.nextLease] = started
            return (state.client, state.nextLease)
        }
        var leased = false
        defer {
            self.state.withLock { state in
                state.waiting[lease] = nil
                state.holding[lease] = nil
            }
        }
        do {
            return try await client.withConnection { connection in
                let now = self.now
                self.state.withLock { state in
                    state.waiting[lease] = nil
                    state.holding[lease] = now
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

    /// Replaces the client when the pool is cut off (see the type's description); shutting the old client down
    /// fails the leases waiting on it and closes its connections.
    private func replaceClientIfCutOff() {
        let now = self.now
        let timeout = Self.nanoseconds(self.leaseTimeout)
        let hung = timeout + Self.nanoseconds(Self.statementTimeout)
        let retired: Task<Void, Never>? = self.state.withLock { state in
            guard !state.closed else { return nil }
            let unserved = state.waiting.values.min().map { now - $0 > timeout && now - state.lastLease > timeout }
            let unanswered = state.holding.values.min().map { now - $0 > hung }
            guard unserved == true || unanswered == true else { return nil }
            let retired = state.runner
            state.client = PostgresClient(configuration: self.configuration, backgroundLogger: self.logger)
            state.runner = Self.run(state.client)
            state.waiting.removeAll()
            state.holding.removeAll()
            return retired
        }
        retired?.cancel()
    }
}
