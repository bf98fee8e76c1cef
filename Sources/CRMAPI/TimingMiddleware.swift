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

/// Times every request and reports it: `X-Process-Time-ms` and `X-Request-Id` on the response, the count for
/// `server status`, the Prometheus series of its route template and one access-log line.
struct TimingMiddleware: RouterMiddleware {
    let counter: RequestCounter
    let metrics: HTTPMetrics
    let accessLog: AccessLog

    func handle(
        _ request: Request, context: CRMRequestContext,
        next: (Request, CRMRequestContext) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        var response = try await next(request, context)
        let duration = ContinuousClock.now - start
        let milliseconds = Self.milliseconds(duration)
        let id = RequestIDHeader.choose(
            sent: request.headers[RequestIDHeader.name],
            generated: context.logger[metadataKey: "hb.request.id"]?.description ?? RequestIDHeader.generate())
        response.headers[.processTime] = milliseconds
        response.headers[RequestIDHeader.name] = id
        self.counter.increment()
        let route = self.metrics.record(
            endpoint: context.endpointPath, method: request.method, status: response.status, duration: duration)
        self.accessLog.record(
            id: id, method: request.method.rawValue, route: route,
            status: response.status.code, milliseconds: milliseconds, user: context.attribution.userName)
        return response
    }

    /// A duration as milliseconds with three decimals, e.g. `0.187`.
    static func milliseconds(_ duration: Duration) -> String {
        let microseconds = duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
        let fraction = String(microseconds % 1_000)
        return "\(microseconds / 1_000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
