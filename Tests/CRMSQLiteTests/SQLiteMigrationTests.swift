import CRMDomain
import CRMSQLite
import CRMTestSupport
import Foundation
import Testing

/// Files written by earlier releases open and are upgraded in place (DESIGN §4).
@Suite("SQLite migrations")
struct SQLiteMigrationTests {
    /// The schema of the first release exactly as it wrote it (before GRDB's migrator), with `user_version` 1.
    static let firstReleaseSchema = """
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
        """

    /// A WAL database as the first release left it: seeded, with one ticket (tagged), a note and their audit.
    static func firstReleaseDatabase(at path: String) throws {
        func hex(_ token: String) -> String { TokenHash(token: token).bytes.map { String(format: "%02X", $0) }.joined() }
        try sqlite3(
            path,
            "PRAGMA journal_mode = WAL;\n" + Self.firstReleaseSchema + """

                INSERT INTO users (name, role) VALUES ('agent', 'agent'), ('admin', 'admin');
                INSERT INTO tokens (hash, user) VALUES (X'\(hex("agent123"))', 'agent'), (X'\(hex("admin123"))', 'admin');
                INSERT INTO customers (name, email, company, created_at, updated_at) VALUES
                    ('Jane Doe', 'jane@example.com', NULL, '2025-01-06T09:00:00Z', '2025-01-06T09:00:00Z'),
                    ('John Smith', 'john@example.com', 'Smith & Co', '2025-01-06T09:00:00Z', '2025-01-06T09:00:00Z');
                INSERT INTO tickets (customer_id, subject, description, status, priority, assignee, tags, created_at,
                    updated_at, version) VALUES (2, 'Printer', '', 'pending', 'high', 'agent', 'hw',
                    '2025-01-06T09:00:01Z', '2025-01-06T09:00:02Z', 2);
                INSERT INTO ticket_tags (tag, ticket_id) VALUES ('hw', 1);
                INSERT INTO notes (ticket_id, author, text, created_at) VALUES (1, 'agent', 'called', '2025-01-06T09:00:03Z');
                INSERT INTO audit_events (at, actor, action, entity, changes, via) VALUES
                    ('2025-01-06T09:00:01Z', 'agent', 'ticket.create', 'ticket/1', '{"subject":[null,"Printer"]}', 'shell');
                PRAGMA user_version = 1;
                """)
    }

    /// How a database at schema 1 was written: by the first release (no `grdb_migrations` table), or by GRDB's
    /// migrator when migration 1 was the only one (its table names migration 1).
    enum SchemaOneWriter: String, CaseIterable, Sendable {
        case firstRelease
        case migratorAtMigrationOne

        func write(at path: String) throws {
            try SQLiteMigrationTests.firstReleaseDatabase(at: path)
            if self == .migratorAtMigrationOne {
                try sqlite3(
                    path,
                    """
                    CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY);
                    INSERT INTO grdb_migrations (identifier) VALUES ('1 tables and seed');
                    """)
            }
        }
    }

    @Test("a schema-1 database opens, keeps its data and audit, and gains customer versions", arguments: SchemaOneWriter.allCases)
    func upgradesSchemaOne(_ writer: SchemaOneWriter) async throws {
        let path = try temporaryFolder().appendingPathComponent("old.sqlite").path
        try writer.write(at: path)
        let fixture = try await SQLiteFixture(path: path)
        let service = fixture.service
        let customers = try await service.listCustomers(by: fixture.agent).items
        #expect(customers.map(\.name) == ["Jane Doe", "John Smith"], "not seeded again")
        #expect(customers.map(\.version) == [1, 1])
        #expect(customers[1].company == "Smith & Co")
        let ticket = try await service.ticket(TicketID(1), by: fixture.agent)
        #expect(ticket.status == .pending && ticket.priority == .high && ticket.tags == ["hw"] && ticket.version == 2)
        #expect(try await service.notes(on: TicketID(1), by: fixture.agent).map(\.text) == ["called"])
        let updated = try await service.updateCustomer(CustomerID(1), CustomerChanges(name: "Jane D."), by: fixture.agent)
        #expect(updated.version == 2)
        let next = try await service.createTicket(NewTicket(customerID: CustomerID(1), subject: "Next"), by: fixture.agent)
        #expect(next.id == TicketID(2))
        #expect(try sqlite3(path, "PRAGMA user_version;") == "\(SQLiteCRMStore.schemaVersion)\n")
        let history = try await service.ticketHistory(TicketID(1), by: fixture.agent).items
        #expect(history.map(\.id) == [AuditEventID(1)], "the old audit is kept, with its ID")
        #expect(history.first?.changes == ["subject": FieldChange(.null, .string("Printer"))])
        let log = try await service.auditLog(by: fixture.admin).items
        #expect(log.map(\.action) == ["ticket.create", "customer.update", "ticket.create"], "new events follow the old")
        #expect(try sqlite3(path, "SELECT identifier FROM grdb_migrations ORDER BY identifier;")
            == "1 tables and seed\n2 customer versions\n3 users and personal tokens\n")

        let reopened = try await SQLiteFixture(path: path)
        #expect(try await reopened.service.customer(CustomerID(1), by: reopened.agent) == updated)
    }

    @Test("a new database is at the newest schema version")
    func newDatabase() async throws {
        let path = try temporaryFolder().appendingPathComponent("new.sqlite").path
        let fixture = try await SQLiteFixture(path: path)
        #expect(try await fixture.service.customer(CustomerID(2), by: fixture.agent).version == 1)
        #expect(try sqlite3(path, "PRAGMA user_version;") == "\(SQLiteCRMStore.schemaVersion)\n")
    }
}
