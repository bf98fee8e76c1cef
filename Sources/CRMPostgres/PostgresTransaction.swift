import Logging
import NIOCore
import PostgresNIO

/// BEGIN, a body of statements, COMMIT; or ROLLBACK when the body throws, rethrowing its own error (PostgresNIO's
/// `withTransaction` would wrap it). After a broken connection there is no ROLLBACK to send (the server ends the
/// transaction with the session; statements go through `answer`, which fails at once on a closed connection); the
/// connection is closed, and so is one whose ROLLBACK fails, rather than handed to the next caller in the middle of a
/// transaction.
enum PostgresTransaction {
    static func run<Result: Sendable>(
        _ connection: PostgresConnection, logger: Logger,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await connection.answer("BEGIN", logger: logger)
        let result: Result
        do {
            result = try await body(connection)
        } catch {
            if Self.isBroken(error) {
                try? await connection.close()
                throw error
            }
            do {
                try await connection.answer("ROLLBACK", logger: logger)
            } catch {
                try? await connection.close()
            }
            throw error
        }
        try await connection.answer("COMMIT", logger: logger)
        return result
    }

    /// Whether `error` means the connection itself failed.
    private static func isBroken(_ error: any Error) -> Bool {
        if error is ChannelError { return true }
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown: return true
        default: return false
        }
    }
}
