import Hummingbird

/// How long the server waits for a client before closing the connection (DESIGN §6.3), so idle and slow
/// clients cannot hold connections open forever.
public struct ConnectionTimeouts: Sendable {
    /// The longest a connection may sit without a complete request head: idle between requests, or sending
    /// its request line and headers too slowly.
    public var idle: Duration
    /// The longest a request's body may take to arrive, counted from its head.
    public var requestBody: Duration

    public init(idle: Duration = .seconds(30), requestBody: Duration = .seconds(30)) {
        self.idle = idle
        self.requestBody = requestBody
    }
}
