import CRMDomain
import NIOCore
import PostgresNIO

/// What a PostgreSQL failure means to crm: an outage (the server is down, restarting, refusing connections, or the
/// connection broke) is `CRMError.unavailable`, which callers may retry; a statement the server refused otherwise
/// is a `PostgresStoreError.server`; crm's own errors pass through unchanged.
enum PostgresFailure {
    /// SQLSTATE classes and codes that mean "try again later": connection exceptions, the server shutting down or
    /// starting, too many connections, a standby that cannot write, a serialization failure or deadlock, a statement
    /// cancelled (it ran past `statement_timeout`).
    private static let transientStates: Set<String> = [
        "57P01", "57P02", "57P03", "53300", "25006", "40001", "40P01", "57014",
    ]

    static func translate(_ error: any Error) -> any Error {
        switch error {
        case is CRMError, is PostgresStoreError, is CancellationError: return error
        case let error as PSQLError: return Self.translate(error)
        case is ChannelError, is IOError: return CRMError.unavailable(reason: "the connection to the server failed")
        default: return error
        }
    }

    private static func translate(_ error: PSQLError) -> any Error {
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState] ?? "?????"
            let message = error.serverInfo?[.message] ?? "no message"
            if state.hasPrefix("08") || Self.transientStates.contains(state) {
                return CRMError.unavailable(reason: message)
            }
            return PostgresStoreError.server(sqlState: state, message: message)
        case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed,
            .queryCancelled:
            return CRMError.unavailable(reason: Self.connectionProblem(error))
        default:
            return CRMError.unavailable(reason: "unexpected reply from the server (\(error.code))")
        }
    }

    /// A short account of a broken or refused connection, from the underlying system error when there is one.
    static func connectionProblem(_ error: PSQLError) -> String {
        if let underlying = error.underlying {
            if let io = underlying as? IOError { return Self.describe(io) }
            if let connect = underlying as? NIOConnectionError, let first = connect.connectionErrors.first?.error as? IOError {
                return Self.describe(first)
            }
            if underlying is ChannelError { return "cannot reach the server (\(underlying))" }
        }
        switch error.code {
        case .serverClosedConnection: return "the server closed the connection"
        case .poolClosed: return "the connection pool is closed"
        default: return "the connection to the server failed"
        }
    }

    private static func describe(_ error: IOError) -> String {
        switch error.errnoCode {
        case ECONNREFUSED: "connection refused"
        case ENOENT: "no server socket there"
        case ETIMEDOUT: "timed out"
        case EHOSTUNREACH, ENETUNREACH: "host unreachable"
        default: "\(error)"
        }
    }
}
