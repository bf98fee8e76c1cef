import Synchronization

/// The user a request acted as, written by the route once it knows the caller and read by the access log after
/// the response: the context is passed down by value, so this reference carries the answer back up.
final class RequestAttribution: Sendable {
    private let name = Mutex<String?>(nil)

    /// The user's name, or nil for an anonymous or unauthenticated request.
    var userName: String? {
        get { self.name.withLock { $0 } }
        set { self.name.withLock { $0 = newValue } }
    }
}
