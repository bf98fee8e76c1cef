import CRMDomain
import Foundation
import Hummingbird
import Logging

/// Builds the router for a service: every route of DESIGN §6 behind timing and error middleware.
public func buildRouter(service: CRMService, counter: RequestCounter = RequestCounter()) -> Router<CRMRequestContext> {
    let router = Router(context: CRMRequestContext.self)
    router.add(middleware: TimingMiddleware(counter: counter))
    router.add(middleware: ErrorMiddleware())
    let routes = CRMRoutes(service: service).all
    let document = OpenAPIDocument.json(for: routes)
    router.get("/openapi.json") { _, _ in
        Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: document)))
    }
    for route in routes {
        router.on(RouterPath(route.path), method: route.method) { request, context in
            try await route.handler(request, context)
        }
    }
    return router
}

/// Builds the application serving `service` on `host:port`; `onRunning` learns the bound port.
public func buildApplication(
    service: CRMService, host: String, port: Int, counter: RequestCounter = RequestCounter(), logger: Logger,
    onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    Application(
        router: buildRouter(service: service, counter: counter),
        configuration: .init(address: .hostname(host, port: port), serverName: "crm"),
        onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? port) },
        logger: logger)
}
