/// How busy a store's connection pool is at one instant, for monitoring (`GET /metrics`).
public struct ConnectionPoolUsage: Hashable, Sendable {
    /// Connections open to the database, idle or not; nil where the pool does not tell (postgres-nio keeps its
    /// count private).
    public var open: Int?
    /// Connections running a query or transaction now.
    public var inUse: Int
    /// Requests waiting for a connection to become free.
    public var waiting: Int

    public init(open: Int?, inUse: Int, waiting: Int) {
        self.open = open
        self.inUse = inUse
        self.waiting = waiting
    }
}

/// A store with a connection pool worth watching. Reading it must be cheap and must not touch the database:
/// it is read on every scrape of `/metrics`. Stores without a pool (in memory, SQLite) don't conform.
public protocol ConnectionPoolReporting: Sendable {
    /// The pool's usage now.
    func connectionPoolUsage() -> ConnectionPoolUsage
}
