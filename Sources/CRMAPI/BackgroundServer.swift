import CRMDomain
import Hummingbird
import Logging
import ServiceLifecycle
import Synchronization

/// The HTTP API run in the background of a shell (DESIGN §5.8): started and stopped on demand, serving the
/// same `CRMService` as the prompt.
public actor BackgroundServer {
    /// What `server status` shows.
    public struct Status: Sendable {
        public let host: String
        public let port: Int
        public let uptime: Duration
        public let requests: Int
        /// `http://host:port`.
        public var address: String { "http://\(self.host):\(self.port)" }
    }

    private struct Running {
        let group: ServiceGroup
        let task: Task<Void, any Error>
        let host: String
        let port: Int
        var address: String { "http://\(self.host):\(self.port)" }
        let startedAt: ContinuousClock.Instant
        let counter: RequestCounter
    }

    private var running: Running?

    public init() {}

    /// Starts serving on `host:port` (`0` picks a free port) and returns `http://host:port` once it listens.
    /// Throws when already running or when the address can't be bound.
    public func start(
        service: CRMService, host: String, port: Int, timeouts: ConnectionTimeouts = ConnectionTimeouts(),
        logger: Logger
    ) async throws -> String {
        if let running { throw ServerError.alreadyRunning(running.address) }
        let counter = RequestCounter()
        let bound = BoundPort()
        let application = buildApplication(
            service: service, host: host, port: port, counter: counter, timeouts: timeouts, logger: logger
        ) { port in bound.resolve(.success(port)) }
        let group = ServiceGroup(
            configuration: .init(services: [application], gracefulShutdownSignals: [], logger: logger))
        let task = Task {
            do {
                try await group.run()
                bound.resolve(.failure(ServerError.stopped))
            } catch {
                bound.resolve(.failure(ServerError.cannotListen(on: "\(host):\(port)", because: error)))
                throw error
            }
        }
        let actualPort = try await bound.value()
        let running = Running(group: group, task: task, host: host, port: actualPort, startedAt: .now, counter: counter)
        self.running = running
        return running.address
    }

    /// Stops gracefully: in-flight requests finish, new connections are refused, their log lines are written.
    /// Returns false if not running.
    @discardableResult
    public func stop() async -> Bool {
        guard let running else { return false }
        self.running = nil
        await running.group.triggerGracefulShutdown()
        _ = try? await running.task.value
        FileLogHandler.flushAll()
        return true
    }

    /// The address, uptime and requests served, or nil when stopped.
    public func status() -> Status? {
        self.running.map {
            Status(
                host: $0.host, port: $0.port, uptime: ContinuousClock.now - $0.startedAt,
                requests: $0.counter.value)
        }
    }
}

/// Why the background server could not do what was asked.
public enum ServerError: Error, CustomStringConvertible {
    case alreadyRunning(String)
    case cannotListen(String, String)
    case stopped

    /// The server could not listen on `address`: the reason in words (`address already in use`).
    public static func cannotListen(on address: String, because error: any Error) -> ServerError {
        .cannotListen(address, ListenFailure.reason(error))
    }

    public var description: String {
        switch self {
        case .alreadyRunning(let address): "the server is already running at \(address)"
        case .cannotListen(let address, let reason): "cannot listen on \(address): \(reason)"
        case .stopped: "the server stopped before it was ready"
        }
    }
}

/// The port the server bound, delivered once to whoever waits for it.
private final class BoundPort: Sendable {
    private enum State {
        case waiting([CheckedContinuation<Int, any Error>])
        case done(Result<Int, any Error>)
    }

    private let state = Mutex(State.waiting([]))

    func resolve(_ result: Result<Int, any Error>) {
        let waiters: [CheckedContinuation<Int, any Error>] = self.state.withLock { state in
            guard case .waiting(let waiters) = state else { return [] }
            state = .done(result)
            return waiters
        }
        for waiter in waiters { waiter.resume(with: result) }
    }

    func value() async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            let result: Result<Int, any Error>? = self.state.withLock { state in
                switch state {
                case .waiting(let waiters):
                    state = .waiting(waiters + [continuation])
                    return nil
                case .done(let result):
                    return result
                }
            }
            if let result { continuation.resume(with: result) }
        }
    }
}
