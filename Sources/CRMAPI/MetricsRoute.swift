import CRMDomain
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /metrics`: every metric of the server in the Prometheus text format, for an admin token (`metrics.read`)
/// or a caller on the server's own machine without one. A token that matches no user is refused either way.
public enum MetricsRoute {
    static let path = "/metrics"
    /// The Prometheus text exposition format.
    static let contentType = "text/plain; version=0.0.4; charset=utf-8"
    /// Headers a reverse proxy adds: a request carrying one was relayed for another client, so even when the
    /// proxy connects from loopback it is not a local caller.
    static let proxyHeaders: [HTTPField.Name] = [
        HTTPField.Name("Forwarded")!, HTTPField.Name("X-Forwarded-For")!, HTTPField.Name("X-Real-IP")!,
    ]

    static func respond(
        to request: Request, context: CRMRequestContext, service: CRMService, metrics: HTTPMetrics
    ) async throws -> Response {
        var role: Role? = nil
        do {
            let caller = try await APIRoute.caller(of: request, service: service)
            role = caller.principal.user?.role
            context.attribution.userName = caller.principal.user?.name
            let local = self.isLocal(peer: context.connection.remoteAddress, headers: request.headers)
            let snapshot = try service.monitoring(by: caller, onLocalMachine: local)
            return Response(
                status: .ok, headers: [.contentType: self.contentType],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition(snapshot))))
        } catch let error as CRMError {
            throw APIError(error, callerRole: role)
        }
    }

    /// Whether a request comes from this machine: its peer is a loopback address (`127.0.0.0/8`, `::1`, or
    /// IPv4 loopback mapped into IPv6) or a Unix socket, and no proxy header says it was relayed.
    public static func isLocal(peer: SocketAddress?, headers: HTTPFields) -> Bool {
        guard !self.proxyHeaders.contains(where: { headers[$0] != nil }) else { return false }
        switch peer {
        case .unixDomainSocket?:
            return true
        case .v4?, .v6?:
            let ip = peer?.ipAddress ?? ""
            return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
        case nil:
            return false
        }
    }
}
