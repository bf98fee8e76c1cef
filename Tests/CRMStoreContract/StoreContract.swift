import CRMDomain
import CRMTestSupport
import Testing

/// Builds a fresh store holding `seed`, its seed customers stamped `seededAt`, and nothing else.
public typealias StoreFactory = @Sendable (_ seed: Seed, _ seededAt: Timestamp) async throws -> any CRMStore

/// The store a contract check runs against: every `make()` is a fresh store with the demo seed at `t0`.
public struct StoreUnderTest: Sendable {
    private let factory: StoreFactory

    public init(_ factory: @escaping StoreFactory) {
        self.factory = factory
    }

    /// A fresh store seeded with `Seed.demo()` at `t0`.
    public func make() async throws -> any CRMStore {
        try await self.factory(.demo(), t0)
    }

    /// A fresh store with a service over it (stepping clock from `t0`) and logged-in callers.
    public func world() async throws -> StoreWorld {
        try await StoreWorld.make(store: self.make())
    }
}

/// One named check of the `CRMStore` contract (DESIGN §4), run by each store's test target as one test case.
public struct StoreContractCheck: Sendable, CustomTestStringConvertible {
    public let name: String
    private let body: @Sendable (StoreUnderTest) async throws -> Void

    init(_ name: String, _ body: @escaping @Sendable (StoreUnderTest) async throws -> Void) {
        self.name = name
        self.body = body
    }

    public var testDescription: String { self.name }

    /// Runs the check against stores built by `factory`; failures are recorded as Swift Testing issues.
    public func run(_ factory: @escaping StoreFactory) async throws {
        try await self.body(StoreUnderTest(factory))
    }
}

/// The whole contract every `CRMStore` passes. See this folder's README for how a store's tests run it.
public enum StoreContract {
    public static let checks: [StoreContractCheck] =
        StoreChecks.checks + TextChecks.checks + CustomerVersionChecks.checks + TicketVersionChecks.checks
        + OutsideNumberChecks.checks + ConcurrencyChecks.checks + UserChecks.checks
}
