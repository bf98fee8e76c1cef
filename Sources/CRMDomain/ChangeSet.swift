/// What a change does to an entity, worked out without a store: the entity with its new values and, for the
/// audit, each changed field's old and new value. `updatedAt` and `version` are left to whoever records it.
public struct ChangeSet<Entity: Hashable & Sendable>: Hashable, Sendable {
    /// The entity with the changed fields set.
    public private(set) var updated: Entity
    /// `{field: [old, new]}` for each field whose value changed.
    public private(set) var changes: [String: FieldChange] = [:]

    /// Starts from `current`, with nothing changed yet.
    init(_ current: Entity) {
        self.updated = current
    }

    /// Sets a field to `value` unless `value` is nil (leave it) or already the field's value, recording the
    /// change under `field` with `audit` giving the audit form of a value.
    mutating func set<Value: Equatable>(
        _ field: String, _ keyPath: WritableKeyPath<Entity, Value>, to value: Value?,
        audit: (Value) -> AuditValue
    ) {
        let old = self.updated[keyPath: keyPath]
        guard let value, value != old else { return }
        self.changes[field] = FieldChange(audit(old), audit(value))
        self.updated[keyPath: keyPath] = value
    }

    /// `conflict` when the caller expects a version other than `current` (no expectation always passes).
    static func checkVersion(expected: Int?, current: Int, entity: String) throws(CRMError) {
        if let expected, expected != current {
            throw .conflict(entity: entity, reason: .staleVersion(expected: expected, current: current))
        }
    }
}
