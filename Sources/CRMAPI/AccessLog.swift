import Logging

/// One line per answered request, at `info`: request ID, method, route template, status, duration and user
/// (`-` when anonymous). Built only from these: never the raw path, the query string or any header, so no token
/// or other secret can reach the log.
struct AccessLog: Sendable {
    let logger: Logger

    /// A log that writes nowhere (a router built without one, as in most tests).
    static let discarding = AccessLog(logger: Logger(label: "crm.access") { _ in SwiftLogNoOpLogHandler() })

    func record(id: String, method: String, route: String, status: Int, milliseconds: String, user: String?) {
        self.logger.info(
            "request_id=\(id) method=\(method) route=\(route) status=\(status) duration_ms=\(milliseconds) user=\(user ?? "-")"
        )
    }
}
