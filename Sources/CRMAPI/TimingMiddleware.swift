import Foundation
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
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1_000
        response.headers[.processTime] = String(format: "%.3f", milliseconds)
        self.counter.increment()
        return response
    }
}
