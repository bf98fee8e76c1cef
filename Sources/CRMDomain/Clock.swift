import Foundation
import Synchronization

/// Where the domain gets "now" from (DESIGN §3.6). Called once per successful mutation.
public protocol CRMClock: Sendable {
    /// The time to stamp on the mutation being recorded.
    func now() -> Timestamp
    /// The time now, for reading rather than stamping (is a token expired?): never advances a stepping clock.
    func current() -> Timestamp
}

extension CRMClock {
    public func current() -> Timestamp { self.now() }
}

/// The wall clock.
public struct SystemClock: CRMClock {
    public init() {}

    public func now() -> Timestamp {
        Timestamp(secondsSince1970: Int64(Date().timeIntervalSince1970))
    }
}

/// A deterministic clock (`CRM_NOW`): starts at a fixed instant and advances one second per mutation.
public final class SteppingClock: CRMClock {
    private let next: Mutex<Timestamp>

    /// Starts the clock at `start`; the first mutation is stamped with `start` itself.
    public init(start: Timestamp) {
        self.next = Mutex(start)
    }

    public func now() -> Timestamp {
        self.next.withLock { next in
            defer { next = next.adding(seconds: 1) }
            return next
        }
    }

    public func current() -> Timestamp {
        self.next.withLock { $0 }
    }
}
