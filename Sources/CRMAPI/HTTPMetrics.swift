import CRMDomain
import CoreMetrics
import Hummingbird
import HTTPTypes
import Prometheus
import Synchronization

/// The server's Prometheus metrics (`GET /metrics`): requests by route template, method and status, their
/// duration by route template and method, and the store's connection pool. Each server has its own registry,
/// reached through swift-metrics with an explicit factory, so many servers in one process never share or
/// bootstrap the global `MetricsSystem`.
///
/// Labels stay bounded: the route is the template a request matched (`/api/tickets/{id}`) or `unmatched`,
/// and an unusual method is `other`. Recording a request is two lookups and an increment: the label strings of
/// each route are built once, the series of a (method, status) pair the first time it occurs.
final class HTTPMetrics: Sendable {
    /// The route label of a request no route matched (404, 405).
    static let unmatched = "unmatched"

    static let requests = "crm_http_requests_total"
    static let duration = "crm_http_request_duration_seconds"
    static let poolOpen = "crm_store_pool_open_connections"
    static let poolInUse = "crm_store_pool_in_use_connections"
    static let poolWaiting = "crm_store_pool_waiting_requests"

    /// Duration buckets for an API that answers in well under a millisecond when all is well.
    static let buckets: [Duration] = [
        .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    private let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    /// The route templates as Hummingbird reports them (`context.endpointPath`).
    private let routes: [String: RouteSeries]
    private let unmatchedRoute: RouteSeries

    /// Metrics for a router serving `templates` (Hummingbird paths such as `/api/tickets/:id`).
    init(templates: [String]) {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets = [Self.duration: Self.buckets]
        self.registry = registry
        self.factory = factory
        var routes: [String: RouteSeries] = [:]
        for template in templates {
            let path = RouterPath(template).description
            routes[path] = RouteSeries(route: path, factory: factory)
        }
        self.routes = routes
        self.unmatchedRoute = RouteSeries(route: Self.unmatched, factory: factory)
    }

    /// Counts one answered request and returns the route label it was counted under. `endpoint` is the route
    /// template Hummingbird matched, if any.
    @discardableResult
    func record(endpoint: String?, method: HTTPRequest.Method, status: HTTPResponse.Status, duration: Duration)
        -> String
    {
        let route = endpoint.flatMap { self.routes[$0] } ?? self.unmatchedRoute
        route.series(method: MethodLabel(method), status: status.code).record(duration)
        return route.route
    }

    /// Every metric in the Prometheus text exposition format (version 0.0.4), with the pool figures of
    /// `snapshot` as they are now.
    func exposition(_ snapshot: MonitoringSnapshot) -> [UInt8] {
        if let pool = snapshot.connectionPool {
            if let open = pool.open { CoreMetrics.Gauge(label: Self.poolOpen, factory: self.factory).record(open) }
            CoreMetrics.Gauge(label: Self.poolInUse, factory: self.factory).record(pool.inUse)
            CoreMetrics.Gauge(label: Self.poolWaiting, factory: self.factory).record(pool.waiting)
        }
        return self.registry.emitToBuffer()
    }
}

/// The method label: the common methods by name, anything else `other`, so clients can't mint label values.
struct MethodLabel: Hashable, Sendable {
    static let names = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "other"]

    /// The index in `names`.
    let index: Int

    init(_ method: HTTPRequest.Method) {
        switch method {
        case .get: self.index = 0
        case .head: self.index = 1
        case .post: self.index = 2
        case .put: self.index = 3
        case .patch: self.index = 4
        case .delete: self.index = 5
        case .options: self.index = 6
        default: self.index = 7
        }
    }

    var name: String { Self.names[self.index] }
}

/// One route template's series, created on first use per (method, status).
private final class RouteSeries: Sendable {
    /// The request counter of one (method, status) and the duration histogram of its method.
    struct Series: Sendable {
        let requests: CoreMetrics.Counter
        let duration: CoreMetrics.Timer

        func record(_ duration: Duration) {
            self.requests.increment()
            let parts = duration.components
            self.duration.recordNanoseconds(parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000)
        }
    }

    let route: String
    private let factory: PrometheusMetricsFactory
    /// Keyed by `method index << 16 | status`.
    private let created = Mutex<[Int: Series]>([:])

    init(route: String, factory: PrometheusMetricsFactory) {
        self.route = route
        self.factory = factory
    }

    func series(method: MethodLabel, status: Int) -> Series {
        let key = method.index << 16 | status
        return self.created.withLock { created in
            if let series = created[key] { return series }
            let series = Series(
                requests: CoreMetrics.Counter(
                    label: HTTPMetrics.requests,
                    dimensions: [("route", self.route), ("method", method.name), ("status", String(status))],
                    factory: self.factory),
                duration: CoreMetrics.Timer(
                    label: HTTPMetrics.duration, dimensions: [("route", self.route), ("method", method.name)],
                    factory: self.factory))
            created[key] = series
            return series
        }
    }
}
