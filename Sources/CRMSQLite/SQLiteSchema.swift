import CRMDomain
import Foundation
import GRDB

/// The schema, as GRDB migrations: migration N leaves `PRAGMA user_version` at N, so a crm that knows fewer
/// migrations refuses a newer file, and a file of the first release (schema 1 and user_version 1, written before
/// the migrator kept its `grdb_migrations` table) is recognised as already holding migration 1.
enum SQLiteSchema {
    /// The migrations of this build, in order; the first one also seeds a new database.
    static func migrator(seed: Seed, seededAt: Timestamp) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration(Self.identifiers[0]) { db in
            guard try Int.fetchOne(db, sql: "PRAGMA user_version") == 0 else { return }
            try Self.createVersion1(db, seed: seed, seededAt: seededAt)
            try db.execute(sql: "PRAGMA user_version = 1")
        }
        migrator.registerMigration(Self.identifiers[1]) { db in
            try db.execute(sql: "ALTER TABLE customers ADD COLUMN version INTEGER NOT NULL DEFAULT 1")
            try db.execute(sql: "PRAGMA user_version = 2")
        }
        migrator.registerMigration(Self.identifiers[2]) { db in
            try Self.migrateToVersion3(db, seededAt: seededAt)
            try db.execute(sql: "PRAGMA user_version = 3")
        }
        return migrator
    }

    /// Writes a new database file exactly as the release that knew only the first `count` migrations wrote it
    /// (seeded): the starting point of upgrade tests.
    static func writeEarlierRelease(path: String, migrations count: Int, seed: Seed, seededAt: Timestamp) throws {
        try SQLiteFile.createPrivately(path)
        let queue = try DatabaseQueue(path: path)
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
        try Self.migrator(seed: seed, seededAt: seededAt).migrate(queue, upTo: Self.identifiers[count - 1])
    }

    /// The migrations' identifiers, oldest first.
    static let identifiers = ["1 tables and seed", "2 customer versions", "3 users and personal tokens"]

    /// The tables every crm database holds (besides GRDB's `grdb_migrations`).
    static let tables: Set<String> = ["users", "tokens", "customers", "tickets", "ticket_tags", "notes", "audit_events"]

    /// Migration 3: users gain a display name, a disabled flag and a creation time; tokens become rows with an
    /// ID, a label, an expiry and the times of last use and revocation. The tokens already there (the seeded ones)
    /// keep their digests, labelled `seed`, numbered in the order they were written (agent's first). Users are
    /// dated by the first customer, which the seed wrote with them.
    /// Gives the seeded token rows (`created_by = 'seed'`, in ID order) the digests of this start's seed, so a
    /// changed `CRM_AGENT_TOKEN` / `CRM_ADMIN_TOKEN` works on an existing database and the previous value stops;
    /// a revoked seed token stays revoked. Reads first and writes only when a digest differs.
    static func applySeedTokens(_ seed: Seed, to pool: DatabasePool) throws {
        let wanted = seed.accounts.flatMap(\.tokenHashes).map { Data($0.bytes) }
        let stored = try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, hash FROM tokens WHERE created_by = 'seed' ORDER BY id")
                .map { row -> (id: Int64, hash: Data?) in (row[0], row[1]) }
        }
        let changed = zip(stored, wanted).filter { $0.0.hash != $0.1 }
        guard !changed.isEmpty else { return }
        try pool.write { db in
            // Two passes, so swapping two seeded tokens never meets the digests' UNIQUE index half-way.
            for (row, _) in changed {
                try db.execute(sql: "UPDATE tokens SET hash = randomblob(32) WHERE id = ?", arguments: [row.id])
            }
            for (row, hash) in changed {
                try db.execute(sql: "UPDATE tokens SET hash = ? WHERE id = ?", arguments: [hash, row.id])
            }
        }
    }

    private static func migrateToVersion3(_ db: Database, seededAt: Timestamp) throws {
        try db.execute(
            sql: """
                ALTER TABLE users ADD COLUMN display_name TEXT NOT NULL DEFAULT '';
                ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE users ADD COLUMN created_at TEXT NOT NULL DEFAULT '';
                UPDATE users SET display_name = name,
                    created_at = COALESCE((SELECT created_at FROM customers ORDER BY id LIMIT 1), ?);
                CREATE TABLE personal_tokens (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT NOT NULL REFERENCES users(name), label TEXT,
                    hash BLOB NOT NULL UNIQUE, created_at TEXT NOT NULL, created_by TEXT NOT NULL, expires_at TEXT,
                    last_used_at TEXT, revoked_at TEXT);
                INSERT INTO personal_tokens (user, label, hash, created_at, created_by)
                    SELECT t.user, 'seed', t.hash, u.created_at, 'seed' FROM tokens t JOIN users u ON u.name = t.user
                    ORDER BY t.rowid;
                DROP TABLE tokens;
                ALTER TABLE personal_tokens RENAME TO tokens;
                CREATE INDEX tokens_by_user ON tokens(user, id);
                """,
            arguments: [seededAt.iso8601])
    }

    /// Migration 1: the first release's schema and seed, exactly.
    private static func createVersion1(_ db: Database, seed: Seed, seededAt: Timestamp) throws {
        try db.execute(
            sql: """
                CREATE TABLE users (name TEXT PRIMARY KEY, role TEXT NOT NULL);
                CREATE TABLE tokens (hash BLOB PRIMARY KEY, user TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE);
                CREATE TABLE customers (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, email TEXT NOT NULL, company TEXT,
                    created_at TEXT NOT NULL, updated_at TEXT NOT NULL);
                CREATE TABLE tickets (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, customer_id INTEGER NOT NULL REFERENCES customers(id),
                    subject TEXT NOT NULL, description TEXT NOT NULL, status TEXT NOT NULL, priority TEXT NOT NULL,
                    assignee TEXT, tags TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
                    version INTEGER NOT NULL);
                CREATE INDEX tickets_by_customer ON tickets(customer_id, id);
                CREATE INDEX tickets_by_status ON tickets(status, id);
                CREATE INDEX tickets_by_priority ON tickets(priority, id);
                CREATE INDEX tickets_by_assignee ON tickets(assignee, id);
                CREATE TABLE ticket_tags (
                    tag TEXT NOT NULL, ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
                    PRIMARY KEY (tag, ticket_id)) WITHOUT ROWID;
                CREATE INDEX ticket_tags_by_ticket ON ticket_tags(ticket_id);
                CREATE TABLE notes (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    ticket_id INTEGER NOT NULL REFERENCES tickets(id) ON DELETE CASCADE,
                    author TEXT NOT NULL, text TEXT NOT NULL, created_at TEXT NOT NULL);
                CREATE INDEX notes_by_ticket ON notes(ticket_id, id);
                CREATE TABLE audit_events (
                    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
                    entity TEXT NOT NULL, changes TEXT NOT NULL, via TEXT NOT NULL);
                CREATE INDEX audit_by_entity ON audit_events(entity, id);
                CREATE INDEX audit_by_actor ON audit_events(actor, id);
                """)
        for account in seed.accounts {
            try db.execute(
                sql: "INSERT INTO users (name, role) VALUES (?, ?)", arguments: [account.user.name, account.user.role.rawValue])
            for hash in account.tokenHashes {
                try db.execute(
                    sql: "INSERT INTO tokens (hash, user) VALUES (?, ?)", arguments: [Data(hash.bytes), account.user.name])
            }
        }
        for customer in seed.customers {
            try db.execute(
                sql: "INSERT INTO customers (name, email, company, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [customer.name, customer.email, customer.company, seededAt.iso8601, seededAt.iso8601])
        }
    }
}
