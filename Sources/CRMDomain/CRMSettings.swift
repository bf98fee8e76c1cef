/// Settings read from the environment (`CRM_NOW`, `CRM_PUBLIC_TICKETS`, `CRM_AGENT_TOKEN`, `CRM_ADMIN_TOKEN`).
public struct CRMSettings: Sendable {
    public var policy: AccessPolicy
    /// The fixed start of a deterministic clock, or nil for the wall clock.
    public var fixedNow: Timestamp?
    public var seed: Seed

    /// Reads the settings; a malformed `CRM_NOW` or `CRM_PUBLIC_TICKETS`, an empty token or a token two users
    /// would share is a validation error.
    public init(environment: [String: String]) throws(CRMError) {
        var publicTickets = true
        if let value = environment["CRM_PUBLIC_TICKETS"], !value.isEmpty {
            switch value.lowercased() {
            case "1", "true", "yes", "on": publicTickets = true
            case "0", "false", "no", "off": publicTickets = false
            default:
                throw .validation(field: "CRM_PUBLIC_TICKETS", reason: "'\(InputRules.shown(value))' is not one of 1, 0, true, false")
            }
        }
        self.policy = AccessPolicy(publicTickets: publicTickets)
        if let value = environment["CRM_NOW"], !value.isEmpty {
            guard let now = Timestamp(iso8601: value) else {
                throw .validation(field: "CRM_NOW", reason: "'\(InputRules.shown(value))' is not a UTC time like 2025-01-06T09:00:00Z")
            }
            self.fixedNow = now
        }
        self.seed = try .demo(environment: environment)
    }

    /// The clock these settings call for.
    public func makeClock() -> any CRMClock {
        self.fixedNow.map { SteppingClock(start: $0) } ?? SystemClock()
    }

    /// The time to stamp on seed data: the fixed start, or now.
    public var seedTime: Timestamp {
        self.fixedNow ?? SystemClock().now()
    }
}
