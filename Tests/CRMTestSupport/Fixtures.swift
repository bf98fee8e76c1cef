import CRMDomain

/// The instant every test's clock starts at, and the time the seed customers are stamped with (DESIGN §3.7's
/// `CRM_NOW` example).
public let t0 = Timestamp(iso8601: "2025-01-06T09:00:00Z")!

/// `t0` moved on by `seconds`: the stamp of the (seconds+1)-th mutation under a stepping clock.
public func at(_ seconds: Int64) -> Timestamp { t0.adding(seconds: seconds) }
