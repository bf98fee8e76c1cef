import HTTPTypes
import Synchronization

/// The `X-Request-Id` of a request: the client's own when it is sane (1 to 128 letters, digits and `._:-`,
/// so it can't break a log line or a header), else Hummingbird's ID for the request (the `hb.request.id` of its
/// log lines), else a new one.
enum RequestIDHeader {
    static let name = HTTPField.Name("X-Request-Id")!
    static let maximumLength = 128

    /// The ID to log and echo for a request that carried `sent` and was given `generated`.
    static func choose(sent: String?, generated: @autoclosure () -> String) -> String {
        guard let sent, self.isSane(sent) else { return generated() }
        return sent
    }

    /// A new ID: this process's random prefix and a counter, in hex.
    static func generate() -> String {
        Self.prefix + String(Self.counter.add(1, ordering: .relaxed).newValue, radix: 16)
    }

    private static let prefix = String(UInt64.random(in: .min ... .max), radix: 16) + "-"
    private static let counter = Atomic<UInt64>(0)

    static func isSane(_ text: String) -> Bool {
        let bytes = text.utf8
        return (1...self.maximumLength).contains(bytes.count)
            && bytes.allSatisfy { ASCII.isLetterOrDigit($0) || "._:-".utf8.contains($0) }
    }
}
