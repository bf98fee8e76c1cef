import Foundation
import Synchronization

/// Ctrl-C in the shell modes (DESIGN §5.3, §5.5): SIGINT only raises a flag, and a running script stops at the next
/// command boundary (never in the middle of writing a record). The flag is reset when catching starts: `install()`
/// for a script run, `catching` for each `source` in the interactive shell (which otherwise ignores SIGINT).
public enum Interruption {
    private static let requested = Atomic<Bool>(false)

    /// The handler: it only stores to a lock-free atomic, which is async-signal-safe.
    private static let handler: @convention(c) (Int32) -> Void = { _ in
        Interruption.requested.store(true, ordering: .relaxed)
    }

    /// Catches SIGINT for the whole process from now on (the shell modes; `crm serve` keeps the default).
    public static func install() {
        self.reset()
        signal(SIGINT, self.handler)
    }

    /// Runs `body` (a top-level `source` in the interactive shell, which otherwise ignores SIGINT) with SIGINT
    /// caught and the flag reset first, then puts back the handling it found. Where SIGINT is already caught it
    /// just runs `body`.
    public static func catching<Value>(_ body: () async throws -> Value) async rethrows -> Value {
        let previous = signal(SIGINT, self.handler)
        let wasCaught = previous.map { unsafeBitCast($0, to: UnsafeRawPointer.self) }
            == unsafeBitCast(self.handler, to: UnsafeRawPointer.self)
        guard !wasCaught else { return try await body() }
        self.reset()
        defer { signal(SIGINT, previous) }
        return try await body()
    }

    /// Whether SIGINT arrived since the last reset.
    public static var isRequested: Bool { self.requested.load(ordering: .relaxed) }

    /// Forgets an earlier SIGINT, before a new top-level command.
    public static func reset() {
        self.requested.store(false, ordering: .relaxed)
    }
}
