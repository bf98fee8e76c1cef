import CRMDomain
import Foundation
import Logging
import PostgresNIO

/// crm's tables in PostgreSQL, as numbered migrations. Each migration runs in its own transaction under a
/// transaction-scoped advisory lock, after reading the schema version again, so processes that start together on a
/// new database migrate it once between them and the others wait, then see it done. A version above this build's is
/// refused untouched, and so is a database that holds another application's tables.
enum PostgresSchema {
    /// The schema version this build writes.
    static var version: Int { Self.migrations.count }

    /// The advisory lock key that serializes migrations (`crm_schema` as ASCII bytes).
    static let migrationLock: Int64 = 0x63_72_6d_5f_73_63_68

    /// One step from version N-1 to N.
    struct Migration: Sendable {
        let name: String
        let statements: [PostgresQuery]
        /// Whether this step writes the seed (the first one does, once).
        let seeds: Bool
    }

    static let migrations: [Migration] = [
        Migration(
            name: "tables and seed",
            statements: [
                """
                CREATE TABLE users (
                    name text PRIMARY KEY, display_name text NOT NULL, role text NOT NULL, disabled boolean NOT NULL,
                    created_at timestamptz NOT NULL)
                """,
                """
                CREATE TABLE tokens (
                    id bigserial PRIMARY KEY, user_name text NOT NULL REFERENCES users (name), label text,
                    hash bytea NOT NULL UNIQUE, created_at timestamptz NOT NULL, created_by text NOT NULL,
                    expires_at timestamptz, last_used_at timestamptz, revoked_at timestamptz)
                """,
                "CREATE INDEX tokens_by_user ON tokens (user_name, id)",
                """
                CREATE TABLE customers (
                    id bigserial PRIMARY KEY, name text NOT NULL, email text NOT NULL, company text,
                    created_at timestamptz NOT NULL, updated_at timestamptz NOT NULL, version bigint NOT NULL)
                """,
                """
                CREATE TABLE tickets (
                    id bigserial PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id),
                    subject text NOT NULL, description text NOT NULL, status text NOT NULL, priority text NOT NULL,
                    assignee text, tags text[] NOT NULL, created_at timestamptz NOT NULL,
                    updated_at timestamptz NOT NULL, version bigint NOT NULL)
                """,
                "CREATE INDEX tickets_by_customer ON tickets (customer_id, id)",
                "CREATE INDEX tickets_by_status ON tickets (status, id)",
                "CREATE INDEX tickets_by_priority ON tickets (priority, id)",
                "CREATE INDEX tickets_by_assignee ON tickets (assignee, id)",
                "CREATE INDEX tickets_by_tag ON tickets USING gin (tags)",
                // How many tickets each customer has, in stripes (one per connection, by backend PID) so that
                // concurrent creates for one customer never wait for each other: a page's total is a sum of a few
                // rows instead of a count of every matching ticket.
                """
                CREATE TABLE ticket_counts (
                    customer_id bigint NOT NULL, stripe integer NOT NULL, tickets bigint NOT NULL,
                    PRIMARY KEY (customer_id, stripe))
                """,
                """
                CREATE FUNCTION count_tickets() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'INSERT' THEN
                        INSERT INTO ticket_counts AS c (customer_id, stripe, tickets)
                            VALUES (NEW.customer_id, pg_backend_pid() % 64, 1)
                            ON CONFLICT (customer_id, stripe) DO UPDATE SET tickets = c.tickets + 1;
                    ELSIF TG_OP = 'DELETE' THEN
                        INSERT INTO ticket_counts AS c (customer_id, stripe, tickets)
                            VALUES (OLD.customer_id, pg_backend_pid() % 64, -1)
                            ON CONFLICT (customer_id, stripe) DO UPDATE SET tickets = c.tickets - 1;
                    ELSIF NEW.customer_id IS DISTINCT FROM OLD.customer_id THEN
                        INSERT INTO ticket_counts AS c (customer_id, stripe, tickets)
                            VALUES (OLD.customer_id, pg_backend_pid() % 64, -1)
                            ON CONFLICT (customer_id, stripe) DO UPDATE SET tickets = c.tickets - 1;
                        INSERT INTO ticket_counts AS c (customer_id, stripe, tickets)
                            VALUES (NEW.customer_id, pg_backend_pid() % 64, 1)
                            ON CONFLICT (customer_id, stripe) DO UPDATE SET tickets = c.tickets + 1;
                    END IF;
                    RETURN NULL;
                END
                $$
                """,
                """
                CREATE TRIGGER tickets_counted AFTER INSERT OR DELETE OR UPDATE OF customer_id ON tickets
                    FOR EACH ROW EXECUTE FUNCTION count_tickets()
                """,
                """
                CREATE TABLE notes (
                    id bigserial PRIMARY KEY, ticket_id bigint NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
                    author text NOT NULL, text text NOT NULL, created_at timestamptz NOT NULL)
                """,
                "CREATE INDEX notes_by_ticket ON notes (ticket_id, id)",
                """
                CREATE TABLE audit_events (
                    id bigserial PRIMARY KEY, at timestamptz NOT NULL, actor text NOT NULL, action text NOT NULL,
                    entity text NOT NULL, changes jsonb NOT NULL, via text NOT NULL)
                """,
                "CREATE INDEX audit_by_entity ON audit_events (entity, id)",
                "CREATE INDEX audit_by_actor ON audit_events (actor, id)",
            ],
            seeds: true),
    ]

    /// Brings the database up to this build's schema, seeding it the first time. Throws `newerSchema` or `notCRM`
    /// without changing anything.
    static func migrate(
        _ connection: PostgresConnection, url: PostgresURL, seed: Seed, seededAt: Timestamp, logger: Logger
    ) async throws {
        while true {
            let done: Bool = try await PostgresTransaction.run(connection, logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: logger)
                let current = try await Self.currentVersion(connection, url: url, logger: logger)
                guard current <= Self.version else { throw PostgresStoreError.newerSchema(url: url.description, version: current) }
                guard current < Self.version else { return true }
                if current == 0 {
                    try await connection.query(
                        """
                        CREATE TABLE crm_schema (
                            version integer PRIMARY KEY, name text NOT NULL, migrated_at timestamptz NOT NULL DEFAULT now())
                        """, logger: logger)
                }
                let migration = Self.migrations[current]
                for statement in migration.statements { try await connection.query(statement, logger: logger) }
                if migration.seeds { try await Self.write(seed, at: seededAt, connection, logger: logger) }
                let version = current + 1
                try await connection.query(
                    "INSERT INTO crm_schema (version, name) VALUES (\(version), \(migration.name))", logger: logger)
                return version == Self.version
            }
            if done { return }
        }
    }

    /// The version recorded in `crm_schema`; 0 for a database without crm's tables, refused when it holds others.
    private static func currentVersion(_ connection: PostgresConnection, url: PostgresURL, logger: Logger) async throws -> Int {
        let tables = try await connection.query(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename", logger: logger
        ).collect().map { try $0.decode(String.self) }
        guard tables.contains("crm_schema") else {
            guard tables.isEmpty else { throw PostgresStoreError.notCRM(url: url.description, tables: tables) }
            return 0
        }
        let rows = try await connection.query("SELECT coalesce(max(version), 0) FROM crm_schema", logger: logger).collect()
        return try rows.first?.decode(Int.self) ?? 0
    }

    private static func write(_ seed: Seed, at time: Timestamp, _ connection: PostgresConnection, logger: Logger) async throws {
        let at = PostgresRows.date(time)
        let (users, tokens) = seed.rows(at: time)
        for user in users {
            try await connection.query(
                """
                INSERT INTO users (name, display_name, role, disabled, created_at)
                    VALUES (\(user.name), \(user.displayName), \(user.role.rawValue), \(user.disabled), \(at))
                """, logger: logger)
        }
        for stored in tokens {
            let token = stored.token
            try await connection.query(
                """
                INSERT INTO tokens (id, user_name, label, hash, created_at, created_by)
                    VALUES (nextval('tokens_id_seq'), \(token.user), \(token.label), \(ByteBuffer(bytes: stored.hash.bytes)), \(at),
                    \(token.createdBy))
                """, logger: logger)
        }
        for customer in seed.customers {
            try await connection.query(
                """
                INSERT INTO customers (name, email, company, created_at, updated_at, version)
                    VALUES (\(customer.name), \(customer.email), \(customer.company), \(at), \(at), 1)
                """, logger: logger)
        }
    }
}
