import CRMDomain
import Logging
import PostgresNIO
import Synchronization

/// crm's connections to one database: a `PostgresClient` run as a service in a task of its own, from which each
/// store call leases a connection. A call that gets no connection within `leaseTimeout`, while no other call got
/// one either (the server is down or restarting, so the pool cannot open one; a pool that is merely busy keeps
/// handing out connections), fails with `CRMError.unavailable` and does nothing; the pool keeps trying in the
/// background, so calls succeed again once the server is back, without a restart.
final class PostgresPool: Sendable {
    let client: PostgresClient
    let logger: Logger
    let leaseTimeout: Duration
    private let runner: Task<Void, Never>
    /// Calls holding a leased connection now, and calls waiting for one (`GET /metrics`).
    private let leasesInUse = Atomic<Int>(0)
    private let leasesWaiting = Atomic<Int>(0)
    /// When a call last got a connection (nanoseconds of `ContinuousClock`, from `start`).
    private let lastLease = Atomic<Int64>(0)
    private let start = ContinuousClock.now

    init(url: PostgresURL, logger: Logger) throws(PostgresStoreError) {
        let client = PostgresClient(configuration: try url.clientConfiguration, backgroundLogger: logger)
        self.client = client
        self.logger = logger
        self.leaseTimeout = url.connectTimeout
        self.runner = Task { await client.run() }
    }

    /// Closes every connection; calls after this fail with `unavailable`. Waits for the pool to shut down for at
    /// most `leaseTimeout`: with the server down, its shutdown can wait on connection attempts that never end.
    func close() async {
        self.runner.cancel()
        let runner = self.runner
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
        ConnectionPoolUsage(
            open: nil, inUse: self.leasesInUse.load(ordering: .relaxed), waiting: self.leasesWaiting.load(ordering: .relaxed))
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

    /// Leases a connection in a child task, which hands it over and holds the lease until `body` (run here, in the
    /// caller's task) is done, while a timer gives up on the lease after `leaseTimeout`. Whichever of the two
    /// settles the handoff first wins: `body` never starts once the timer has given up, and the timer never fails a
    /// `body` that has started (it may be committing).
    private func leased<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        let handoff = LeaseHandoff()
        let client = self.client
        let timeout = self.leaseTimeout
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await client.withConnection { connection in
                        guard handoff.offer(connection) else { return }
                        self.lastLease.store(self.now, ordering: .relaxed)
                        await handoff.waitUntilReturned()
                    }
                } catch {
                    handoff.fail(error)
                }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: timeout)
                    guard !Task.isCancelled, handoff.isWaiting else { return }
                    // Others got connections meanwhile: the pool is busy, not cut off; wait on.
                    if self.now - self.lastLease.load(ordering: .relaxed) < Self.nanoseconds(timeout) { continue }
                    handoff.fail(
                        CRMError.unavailable(reason: "no connection to the server within \(timeout.components.seconds) s"))
                    return
                }
            }
            defer {
                handoff.giveBack()
                group.cancelAll()
            }
            self.leasesWaiting.add(1, ordering: .relaxed)
            let connection: PostgresConnection
            do {
                connection = try await handoff.connection()
                self.leasesWaiting.subtract(1, ordering: .relaxed)
            } catch {
                self.leasesWaiting.subtract(1, ordering: .relaxed)
                throw error
            }
            self.leasesInUse.add(1, ordering: .relaxed)
            defer { self.leasesInUse.subtract(1, ordering: .relaxed) }
            return try await body(connection)
        }
    }
}

/// A connection passed from the task that leases it to the task that uses it, or the reason there is none.
private final class LeaseHandoff: Sendable {
    private enum State {
        case waiting(CheckedContinuation<PostgresConnection, any Error>?)
        case offered(PostgresConnection)
        case taken
        case failed(any Error)
    }

    private let state = Mutex<State>(.waiting(nil))
    private let returned = Mutex<(done: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    /// The leased connection, once offered; throws the lease's failure or the timer's.
    func connection() async throws -> PostgresConnection {
        try await withCheckedThrowingContinuation { continuation in
            let ready: Result<PostgresConnection, any Error>? = self.state.withLock { state in
                switch state {
                case .offered(let connection):
                    state = .taken
                    return .success(connection)
                case .failed(let error): return .failure(error)
                case .waiting, .taken:
                    state = .waiting(continuation)
                    return nil
                }
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    /// Whether the handoff is still waiting for a connection.
    var isWaiting: Bool {
        self.state.withLock { state in
            if case .waiting = state { return true }
            return false
        }
    }

    /// Hands over a leased connection; false when the user has given up on it already.
    func offer(_ connection: PostgresConnection) -> Bool {
        let (accepted, waiter): (Bool, CheckedContinuation<PostgresConnection, any Error>?) = self.state.withLock { state in
            switch state {
            case .waiting(let waiter):
                state = waiter == nil ? .offered(connection) : .taken
                return (true, waiter)
            case .offered, .taken, .failed: return (false, nil)
            }
        }
        waiter?.resume(returning: connection)
        return accepted
    }

    /// Settles the handoff with an error, unless a connection was handed over already.
    func fail(_ error: any Error) {
        let waiter: CheckedContinuation<PostgresConnection, any Error>? = self.state.withLock { state in
            guard case .waiting(let waiter) = state else { return nil }
            state = .failed(error)
            return waiter
        }
        waiter?.resume(throwing: error)
    }

    /// Suspends the leasing task until the user is done with the connection.
    func waitUntilReturned() async {
        await withCheckedContinuation { continuation in
            let done = self.returned.withLock { returned in
                if !returned.done { returned.waiter = continuation }
                return returned.done
            }
            if done { continuation.resume() }
        }
    }

    /// The user is done with the connection (or never got one).
    func giveBack() {
        let waiter = self.returned.withLock { returned in
            returned.done = true
            defer { returned.waiter = nil }
            return returned.waiter
        }
        waiter?.resume()
    }
}
