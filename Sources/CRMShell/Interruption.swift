import Foundation
import Synchronization

/// Ctrl-C in the shell modes (DESIGN §5.3, §5.5): SIGINT only raises a flag, and a running script stops at the next
/// command boundary (never in the middle of writing a record). The flag is reset before each top-level command.
public enum Interruption {
    private static let requested = Atomic<Bool>(false)

    /// Catches SIGINT for the whole process from now on (the shell modes; `crm serve` keeps the default).
    public static func install() {
        self.reset()
        // The handler only stores to a lock-free atomic: async-signal-safe.
        signal(SIGINT) { _ in Interruption.requested.store(true, ordering: .relaxed) }
    }

    /// Whether SIGINT arrived since the last reset.
    public static var isRequested: Bool { self.requested.load(ordering: .relaxed) }

    /// Forgets an earlier SIGINT, before a new top-level command.
    public static func reset() {
        self.requested.store(false, ordering: .relaxed)
    }
}
