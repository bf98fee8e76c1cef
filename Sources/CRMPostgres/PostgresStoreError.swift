/// Why a PostgreSQL database could not be used, or a row of it read; each a one-line message that never holds the
/// password.
public enum PostgresStoreError: Error, Hashable, CustomStringConvertible {
    /// The `--db` / `CRM_DATABASE_URL` value is not a URL crm can use.
    case badURL(String)
    /// The server could not be reached, or refused the login.
    case cannotConnect(url: String, reason: String)
    /// The database holds tables of another application and no crm schema.
    case notCRM(url: String, tables: [String])
    /// The database was migrated by a newer crm.
    case newerSchema(url: String, version: Int)
    /// A stored row holds a value crm cannot read (an unknown status, a NULL where a value belongs...).
    case unreadableRow(table: String, id: String, reason: String)
    /// A text PostgreSQL would not store intact (a NUL character), refused before it is written.
    case unstorableText(table: String, column: String, reason: String)
    /// The server refused a statement for a reason that is neither the caller's mistake nor an outage.
    case server(sqlState: String, message: String)

    public var description: String {
        switch self {
        case .badURL(let reason): "bad database URL: \(reason)"
        case .cannotConnect(let url, let reason): "cannot connect to \(url): \(reason)"
        case .notCRM(let url, let tables):
            "\(url) holds tables of another application (\(tables.prefix(5).joined(separator: ", "))) and no crm schema;"
                + " refusing to touch it"
        case .newerSchema(let url, let version):
            "\(url) was migrated by a newer crm (schema \(version), this crm knows \(PostgresSchema.version));"
                + " refusing to touch it"
        case .unreadableRow(let table, let id, let reason): "cannot read \(table) row \(id): \(reason)"
        case .unstorableText(let table, let column, let reason): "cannot store \(table).\(column): \(reason)"
        case .server(let sqlState, let message): "database error \(sqlState): \(message)"
        }
    }
}
