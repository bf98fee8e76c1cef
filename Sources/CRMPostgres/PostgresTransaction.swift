import Logging
import PostgresNIO

/// BEGIN, a body of statements, COMMIT; or ROLLBACK when the body throws, rethrowing its own error (PostgresNIO's
/// `withTransaction` would wrap it). A connection whose ROLLBACK fails is closed rather than handed to the next
/// caller in the middle of a transaction.
enum PostgresTransaction {
    static func run<Result: Sendable>(
        _ connection: PostgresConnection, logger: Logger,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await connection.query("BEGIN", logger: logger)
        let result: Result
        do {
            result = try await body(connection)
        } catch {
            do {
                try await connection.query("ROLLBACK", logger: logger)
            } catch {
                try? await connection.close()
            }
            throw error
        }
        try await connection.query("COMMIT", logger: logger)
        return result
    }
}
