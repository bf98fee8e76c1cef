import CRMDomain
import CRMSQLite
import CRMTestSupport
import Foundation
import Testing

/// A file a newer crm migrated names its real schema, even when that crm recorded its migration ("4 …") without
/// raising `user_version`.
@Suite("Newer schema")
struct NewerSchemaTests {
    @Test(arguments: [
        ("INSERT INTO grdb_migrations VALUES ('4 ticket watchers');", "schema 4, this crm knows 3"),
        ("INSERT INTO grdb_migrations VALUES ('12 later');", "schema 12, this crm knows 3"),
        ("PRAGMA user_version = 5;", "schema 5, this crm knows 3"),
        ("INSERT INTO grdb_migrations VALUES ('watchers');",
         "schema 3 with migrations this crm does not know: watchers, this crm knows 3"),
    ])
    func messageSaysTheRealVersions(_ sql: String, _ expected: String) async throws {
        let path = try temporaryFolder().appendingPathComponent("crm.sqlite").path
        _ = try await SQLiteFixture(path: path)
        _ = try sqlite3(path, "PRAGMA wal_checkpoint(TRUNCATE); " + sql)
        #expect {
            _ = try SQLiteCRMStore(path: path, seededAt: t0)
        } throws: { error in
            String(describing: error) == "'\(path)' was written by a newer crm (\(expected)); refusing to touch it"
        }
    }
}
