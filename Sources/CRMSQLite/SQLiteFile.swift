import Foundation
import GRDB

/// The database file before crm writes to it: created private, inspected read-only, refused untouched.
///
/// DESIGN §4: a file that is not crm's (not SQLite, another application's tables, a newer schema) is refused and
/// left byte-identical with nothing left beside it; a locked file is waited for and then called locked, never
/// corrupt; a new file and its `-wal`/`-shm` companions are readable by their owner only.
enum SQLiteFile {
    /// The files SQLite may create beside a database.
    static func companions(of path: String) -> [String] {
        ["-wal", "-shm", "-journal"].map { path + $0 }
    }

    /// The companions that exist now.
    static func existingCompanions(of path: String) -> Set<String> {
        Set(Self.companions(of: path).filter { FileManager.default.fileExists(atPath: $0) })
    }

    /// Removes the companions that did not exist before crm looked at the file (`before`).
    static func removeCompanions(of path: String, except before: Set<String>) {
        for companion in Self.companions(of: path) where !before.contains(companion) {
            try? FileManager.default.removeItem(atPath: companion)
        }
    }

    /// Creates the database file with mode 0600 whatever the umask; an empty file already there (which is about to
    /// hold token digests) is made 0600 too. SQLite gives the `-wal` and `-shm` files it creates later the mode of
    /// the database file.
    static func createPrivately(_ path: String) throws(SQLiteStoreError) {
        let descriptor = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            guard errno == EEXIST else { throw .cannotOpen(path: path, reason: String(cString: strerror(errno))) }
            // A file that is someone else's, or not writable, stays as it is: SQLite says whether it can be used.
            let existing = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC)
            if existing >= 0 {
                _ = fchmod(existing, 0o600)
                close(existing)
            }
            return
        }
        defer { close(descriptor) }
        guard fchmod(descriptor, 0o600) == 0 else {
            throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
    }

    /// Whether the file is absent or holds no crm data yet (`true`), or is crm's at a schema this build knows
    /// (`false`); anything else throws, after a read-only look that writes nothing to the file.
    static func inspect(_ path: String, migrations: [String], busyTimeout: TimeInterval) throws(SQLiteStoreError) -> Bool {
        var status = stat()
        guard stat(path, &status) == 0 else {
            if errno == ENOENT { return true }
            throw .cannotOpen(path: path, reason: String(cString: strerror(errno)))
        }
        switch status.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw .cannotOpen(path: path, reason: "it is a directory")
        default: throw .cannotOpen(path: path, reason: "it is not a regular file")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .cannotOpen(path: path, reason: "permission denied")
        }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        try? handle.close()
        guard !header.isEmpty else { return true }
        guard header == Data("SQLite format 3\0".utf8) else { throw .notADatabase(path: path) }

        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(busyTimeout)
        let contents: (version: Int, tables: Set<String>, applied: Set<String>)
        do {
            contents = try DatabaseQueue(path: path, configuration: configuration).read { db in
                let version = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
                let tables = try String.fetchSet(
                    db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")
                let applied = tables.contains("grdb_migrations")
                    ? try String.fetchSet(db, sql: "SELECT identifier FROM grdb_migrations") : []
                return (version, tables, applied)
            }
        } catch {
            throw Self.explain(error, path: path, busyTimeout: busyTimeout)
        }
        if contents.tables.isEmpty && contents.version == 0 { return true }
        let unknown = contents.applied.subtracting(migrations).sorted()
        guard contents.version <= migrations.count, unknown.isEmpty else {
            // A newer crm records its migrations ("4 …") before or without raising user_version: the highest
            // number either way is the file's schema.
            let numbered = unknown.compactMap { Int($0.prefix { $0.isNumber }) }
            let version = ([contents.version] + numbered).max() ?? contents.version
            throw .newerSchema(path: path, version: version, unknownMigrations: version > migrations.count ? [] : unknown)
        }
        let crmTables = SQLiteSchema.tables.union(["grdb_migrations"])
        guard contents.version >= 1, SQLiteSchema.tables.isSubset(of: contents.tables),
            contents.tables.isSubset(of: crmTables)
        else { throw .notCRM(path: path) }
        return false
    }

    /// The store error for a failure of SQLite: locked when another process held the file too long.
    static func explain(_ error: any Error, path: String, busyTimeout: TimeInterval) -> SQLiteStoreError {
        if let error = error as? SQLiteStoreError { return error }
        guard let error = error as? DatabaseError else {
            return .cannotOpen(path: path, reason: String(describing: error))
        }
        switch error.resultCode {
        case .SQLITE_BUSY, .SQLITE_LOCKED: return .locked(path: path, waitedMilliseconds: Int(busyTimeout * 1000))
        case .SQLITE_NOTADB: return .notADatabase(path: path)
        case .SQLITE_CORRUPT: return .cannotOpen(path: path, reason: "the file is damaged (\(error.message ?? "corrupt"))")
        default: return .cannotOpen(path: path, reason: error.message ?? error.description)
        }
    }
}
