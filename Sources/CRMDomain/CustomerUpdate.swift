/// The fields of a customer to change; nil leaves a field as it is.
public struct CustomerChanges: Hashable, Sendable {
    public var name: String?
    public var email: String?
    /// `.some(nil)` clears the company.
    public var company: String??
    /// When set, the update fails with `conflict` unless the customer is still at this version.
    public var expectedVersion: Int?

    public init(name: String? = nil, email: String? = nil, company: String?? = nil, expectedVersion: Int? = nil) {
        self.name = name
        self.email = email
        self.company = company
        self.expectedVersion = expectedVersion
    }
}

extension CustomerChanges {
    /// The one pure rule for changing a customer: the version check and a per-field diff, with no store and no
    /// clock. The changes must already be validated (as `CRMService.updateCustomer` does). Throws `conflict`
    /// for a stale expected version; nil when nothing would change.
    public func apply(to customer: Customer) throws(CRMError) -> ChangeSet<Customer>? {
        try ChangeSet<Customer>.checkVersion(
            expected: self.expectedVersion, current: customer.version, entity: "customer/\(customer.id)")
        var change = ChangeSet(customer)
        change.set("name", \.name, to: self.name) { .string($0) }
        change.set("email", \.email, to: self.email) { .string($0) }
        change.set("company", \.company, to: self.company) { AuditValue($0) }
        return change.changes.isEmpty ? nil : change
    }
}
