import Foundation
import NIOCore

/// Why a server could not listen, in words for a person: `address already in use` rather than NIO's
/// `bind(descriptor:ptr:bytes:): Address already in use (errno: 98)`.
enum ListenFailure {
    static func reason(_ error: any Error) -> String {
        guard let error = error as? IOError else { return String(describing: error) }
        return String(cString: strerror(error.errnoCode)).lowercased()
    }
}
