import CRMDomain
import CRMTestSupport
import Foundation
import Testing

@testable import CRMSQLite

/// Files written by earlier releases open and are upgraded in place (DESIGN §4).
@Suite("SQLite migrations")
struct SQLiteMigrationTests {
    /// How a database at schema 1 was written: by the first release (no `grdb_migrations` table), or by GRDB's
    /// migrator when migration 1 was the only one (its table names migration 1). Either way it is seeded and holds
    /// `olderReleaseRows`.
    enum SchemaOneWriter: String, CaseIterable, Sendable {
        case firstRelease
        case migratorAtMigrationOne

        func write(at path: String) throws {
            try SQLiteSchema.writeEarlierRelease(path: path, migrations: 1, seed: .demo(), seededAt: t0)
            let forget = self == .firstRelease ? "DROP TABLE grdb_migrations;\n" : ""
            try sqlite3(path, forget + olderReleaseRows)
        }
    }

    @Test("migration 1 still writes the first release's tables and indexes, to the byte")
    func migrationOneIsTheFirstReleaseSchema() throws {
        let path = try temporaryFolder().appendingPathComponent("first.sqlite").path
        try SchemaOneWriter.firstRelease.write(at: path)
        let query = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"
        let digest = try sqlite3(path, "SELECT lower(hex(sha3_query('\(query)', 256)));")
        // The SHA3-256 of what the first release wrote: a schema change belongs in a new migration.
        #expect(digest == "4c6a022c1c8660f62750c0549e9120548c25f31e878c9e86e1983d37df155bcd\n")
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
        #expect(history.map(\.id) == [AuditEventID(1), AuditEventID(2)], "the old audit is kept, with its IDs")
        #expect(history.first?.changes == ["subject": FieldChange(.null, .string("Printer"))])
        let log = try await service.auditLog(by: fixture.admin).items
        #expect(
            log.map(\.action) == ["ticket.create", "note.add", "customer.update", "ticket.create"], "new events follow the old")
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
