/// What the service tells a monitoring system (`GET /metrics`) beside the adapter's own request figures.
public struct MonitoringSnapshot: Hashable, Sendable {
    /// The store's connection pool, or nil when the store has none.
    public var connectionPool: ConnectionPoolUsage?

    public init(connectionPool: ConnectionPoolUsage?) {
        self.connectionPool = connectionPool
    }
}

extension CRMService {
    /// The monitoring figures, for holders of `metrics.read` and for any caller on the server's own machine
    /// (`onLocalMachine`, as the adapter observed the connection): a local scraper needs no token. Throws
    /// `forbidden` otherwise.
    public func monitoring(by caller: Caller, onLocalMachine: Bool) throws -> MonitoringSnapshot {
        if !onLocalMachine { try self.authorize(caller, .metricsRead) }
        return MonitoringSnapshot(connectionPool: (self.store as? any ConnectionPoolReporting)?.connectionPoolUsage())
    }
}
