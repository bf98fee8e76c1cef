import CRMDomain

/// A failure of the shell itself rather than of a use case.
public enum ShellError: Error, Equatable, CustomStringConvertible {
    /// The command line is malformed: unknown command or flag, missing argument, bad quoting (exit 2).
    case usage(String)
    /// The command could not do its work, e.g. a file to `source` is missing (exit 1).
    case failed(String)

    public var description: String {
        switch self {
        case .usage(let message), .failed(let message): message
        }
    }
}

/// The process exit statuses of DESIGN §5.5.
public enum ExitStatus: Int32, Sendable {
    case success = 0
    case failure = 1
    case usage = 2
    case denied = 4
    case interrupted = 130

    /// The status an error maps to.
    public init(for error: any Error) {
        switch error {
        case let error as CRMError:
            switch error {
            case .forbidden, .unauthenticated: self = .denied
            case .notFound, .validation, .invalidTransition, .conflict, .unavailable: self = .failure
            }
        case let error as ShellError:
            switch error {
            case .usage: self = .usage
            case .failed: self = .failure
            }
        default: self = .failure
        }
    }
}
