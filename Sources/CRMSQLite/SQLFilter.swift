import GRDB

/// The `WHERE` clause of a list query: conditions joined with `AND`, with their arguments in order.
struct SQLFilter {
    private var conditions: [String] = []
    /// The arguments of every condition, in order.
    private(set) var arguments: StatementArguments = []

    /// Adds a condition whose `?` placeholders take `arguments`.
    mutating func add(_ condition: String, _ arguments: StatementArguments = []) {
        self.conditions.append(condition)
        self.arguments += arguments
    }

    /// ` WHERE …`, or empty when there is no condition.
    var clause: String {
        self.conditions.isEmpty ? "" : " WHERE " + self.conditions.joined(separator: " AND ")
    }
}
