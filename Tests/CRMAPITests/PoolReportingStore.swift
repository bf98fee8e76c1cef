import CRMDomain
import CRMTestSupport
import Synchronization

/// A store that reports a connection pool of a given usage and forwards everything else to `base`.
final class PoolReportingStore: ForwardingStore, ConnectionPoolReporting, @unchecked Sendable {
    private let current: Mutex<ConnectionPoolUsage>

    init(_ base: any CRMStore, usage: ConnectionPoolUsage) {
        self.current = Mutex(usage)
        super.init(base)
    }

    /// What the pool reports next.
    var usage: ConnectionPoolUsage {
        get { self.current.withLock { $0 } }
        set { self.current.withLock { $0 = newValue } }
    }

    func connectionPoolUsage() -> ConnectionPoolUsage { self.usage }
}
