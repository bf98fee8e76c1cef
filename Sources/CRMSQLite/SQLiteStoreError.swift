/// Why a SQLite file could not be used, or a row of it read; each a one-line message.
public enum SQLiteStoreError: Error, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case notADatabase(path: String)
    /// A SQLite database of another application (tables crm does not know, or none of crm's).
    case notCRM(path: String)
    /// Written by a newer crm: its schema version, and the migrations this crm does not know when their number
    /// does not tell.
    case newerSchema(path: String, version: Int, unknownMigrations: [String])
    /// Another process kept the file locked for longer than the busy timeout.
    case locked(path: String, waitedMilliseconds: Int)
    /// A stored row holds a value crm cannot read (an unknown status, a bad timestamp...).
    case unreadableRow(table: String, id: String, reason: String)
    /// A text crm would not get back intact (SQLite cuts text at a NUL), refused before it is written.
    case unstorableText(table: String, column: String, reason: String)

    public var description: String {
        switch self {
        case .cannotOpen(let path, let reason): "cannot open database '\(path)': \(reason)"
        case .notADatabase(let path): "'\(path)' is not a SQLite database; refusing to touch it"
        case .notCRM(let path):
            "'\(path)' is a SQLite database of another application (it holds tables crm does not know); refusing to touch it"
        case .newerSchema(let path, let version, let unknown):
            "'\(path)' was written by a newer crm (schema \(version)"
                + (unknown.isEmpty ? "" : " with migrations this crm does not know: " + unknown.joined(separator: ", "))
                + ", this crm knows \(SQLiteCRMStore.schemaVersion)); refusing to touch it"
        case .locked(let path, let waited):
            "database '\(path)' is locked by another process (waited \(waited) ms); try again when it is done"
        case .unreadableRow(let table, let id, let reason): "cannot read \(table) row \(id): \(reason)"
        case .unstorableText(let table, let column, let reason): "cannot store \(table).\(column): \(reason)"
        }
    }
}
