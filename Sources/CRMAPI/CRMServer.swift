import CRMDomain
import Foundation
import Hummingbird
import Logging
import NIOCore

/// Builds the responder for a service: every route of DESIGN §6 and the web page (§6.4) behind timing and error
/// middleware, with percent-encoded paths normalized first. `HEAD` is served wherever `GET` is; a known path with
/// another method is 405 with `Allow`. Each answered request is counted, measured for `/metrics` and written to
/// `accessLog` at `info` (nowhere when nil).
public func buildRouter(
    service: CRMService, counter: RequestCounter = RequestCounter(), accessLog: Logger? = nil
) -> CRMResponderBuilder {
    let router = Router(context: CRMRequestContext.self, options: [.autoGenerateHeadEndpoints])
    let routes = CRMRoutes(service: service).all
    let document = OpenAPIDocument.json(for: routes, policy: service.policy)
    let served: [(HTTPRequest.Method, String)] =
        routes.map { ($0.method, $0.path) } + [(.get, OpenAPIDocument.path), (.get, MetricsRoute.path)]
        + WebRoutes.paths
    let metrics = HTTPMetrics(templates: served.map(\.1))
    router.add(
        middleware: TimingMiddleware(
            counter: counter, metrics: metrics, accessLog: accessLog.map(AccessLog.init) ?? .discarding))
    router.add(middleware: ErrorMiddleware(routes: RouteTable(served)))
    router.get(RouterPath(OpenAPIDocument.path)) { _, _ in
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: document)))
    }
    router.get(RouterPath(MetricsRoute.path)) { request, context in
        try await MetricsRoute.respond(to: request, context: context, service: service, metrics: metrics)
    }
    WebRoutes.register(on: router)
    for route in routes {
        router.on(RouterPath(route.path), method: route.method) { request, context in
            try await route.respond(to: request, context: context, service: service)
        }
    }
    return CRMResponderBuilder(router: router)
}

/// The crm router behind path normalization. Its types are spelled out rather than opaque: an opaque responder
/// inside `Application` crashed the Swift 6.3.1 compiler in release builds (IRGen, `BackgroundServer.start`).
public struct CRMResponderBuilder: HTTPResponderBuilder {
    let router: Router<CRMRequestContext>

    public func buildResponder() -> PathNormalizingResponder<RouterResponder<CRMRequestContext>> {
        PathNormalizingResponder(next: self.router.buildResponder())
    }
}

/// Builds the application serving `service` on `host:port`; `onRunning` learns the bound port. Connections
/// idle or slow beyond `timeouts` are closed; requests the HTTP parser refuses get the JSON error body. `logger`
/// gets the server's messages and one access-log line per request.
public func buildApplication(
    service: CRMService, host: String, port: Int, counter: RequestCounter = RequestCounter(),
    timeouts: ConnectionTimeouts = ConnectionTimeouts(), logger: Logger,
    onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> Application<PathNormalizingResponder<RouterResponder<CRMRequestContext>>> {
    let bodyLimit = TimeAmount(timeouts.requestBody)
    return Application(
        router: buildRouter(service: service, counter: counter, accessLog: logger),
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: [MalformedRequestResponder(), RequestBodyDeadline(limit: bodyLimit)],
                idleTimeout: TimeAmount(timeouts.idle))),
        configuration: .init(address: .hostname(host, port: port), serverName: "crm"),
        onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
        logger: logger)
}
