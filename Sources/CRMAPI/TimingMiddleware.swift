import HTTPTypes
import Hummingbird
import Synchronization

/// Counts requests served, for `server status`.
public final class RequestCounter: Sendable {
    private let count = Atomic<Int>(0)

    public init() {}

    /// Requests answered so far.
    public var value: Int { self.count.load(ordering: .relaxed) }

    func increment() { self.count.add(1, ordering: .relaxed) }
}

/// Adds `X-Process-Time-ms` to every response and counts it.
struct TimingMiddleware<Context: RequestContext>: RouterMiddleware {
    let counter: RequestCounter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let start = ContinuousClock.now
        var response = try await next(request, context)
        response.headers[.processTime] = Self.milliseconds(ContinuousClock.now - start)
        self.counter.increment()
        return response
    }

    /// A duration as milliseconds with three decimals, e.g. `0.187`.
    static func milliseconds(_ duration: Duration) -> String {
        let microseconds = duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
        let fraction = String(microseconds % 1_000)
        return "\(microseconds / 1_000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
