import Logging
import NIOCore
import PostgresNIO

extension PostgresConnection {
    /// Runs `query` and returns all its rows; on a connection that has closed it fails at once (`ChannelError`, which
    /// `PostgresFailure` reads as `unavailable`). PostgresNIO's `query` never answers a query written to a closed
    /// connection (it writes without a promise), so a call that waited in `WriteOrder` while the server died would wait
    /// forever, and every writer after it too. The check and the write run together on the connection's event loop,
    /// so no close slips between them; a close after the write fails the query inside PostgresNIO.
    @discardableResult
    func answer(_ query: PostgresQuery, logger: Logger) async throws -> PostgresQueryResult {
        try await self.eventLoop.flatSubmit { () -> EventLoopFuture<PostgresQueryResult> in
            guard !self.isClosed else { return self.eventLoop.makeFailedFuture(ChannelError.ioOnClosedChannel) }
            return self.query(query, logger: logger)
        }.get()
    }
}
