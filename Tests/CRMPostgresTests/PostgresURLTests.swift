import CRMPostgres
import Testing

@Suite("PostgreSQL URLs (--db, CRM_DATABASE_URL)")
struct PostgresURLTests {
    func parse(_ text: String) throws -> PostgresURL {
        try PostgresURL(parsing: text, defaultUser: "osuser")
    }

    @Test("user, password, host, port and database, percent-decoded")
    func tcp() throws {
        let url = try self.parse("postgres://crm%20app:p%40ss%3Aw%2Frd@db.example.com:6543/support%2Ddesk")
        #expect(url.endpoint == .tcp(host: "db.example.com", port: 6543))
        #expect(url.user == "crm app")
        #expect(url.password == "p@ss:w/rd")
        #expect(url.database == "support-desk")
        #expect(url.tls == .prefer)
    }

    @Test("postgresql:// too; the default port; an IPv6 host; a password holding '@'")
    func forms() throws {
        #expect(try self.parse("postgresql://u@h/d").endpoint == .tcp(host: "h", port: 5432))
        #expect(try self.parse("POSTGRES://u@[::1]:5433/d").endpoint == .tcp(host: "::1", port: 5433))
        #expect(try self.parse("postgres://u:a@b@h/d").password == "a@b")
    }

    @Test("a Unix socket directory as ?host=/dir or a percent-encoded host, without TLS")
    func socket() throws {
        let url = try self.parse("postgres://crm@/crm?host=/run/postgresql")
        #expect(url.endpoint == .socket(directory: "/run/postgresql", port: 5432))
        #expect(url.tls == .disable)
        #expect(try self.parse("postgres://crm@%2Ftmp%2Fpg:5999/crm").endpoint == .socket(directory: "/tmp/pg", port: 5999))
        #expect(url.description == "postgres://crm@/crm?host=/run/postgresql")
    }

    @Test("a missing user is the login user, a missing database the user's own, as in libpq")
    func defaults() throws {
        let url = try self.parse("postgres:///?host=/run/postgresql")
        #expect(url.user == "osuser")
        #expect(url.database == "osuser")
    }

    @Test("parameters: sslmode, connect_timeout, pool_size")
    func parameters() throws {
        let url = try self.parse("postgres://u@h/d?sslmode=require&connect_timeout=3&pool_size=7")
        #expect(url.tls == .require)
        #expect(url.connectTimeout == .seconds(3))
        #expect(url.poolSize == 7)
    }

    @Test(
        "bad URLs are one-line errors that name the problem",
        arguments: [
            ("mysql://u@h/d", "must start with postgres://"),
            ("postgres://u@h:99999/d", "port '99999'"),
            ("postgres://u@h:abc/d", "port 'abc'"),
            ("postgres://u@h/d?sslmode=maybe", "sslmode 'maybe'"),
            ("postgres://u@h/d?colour=blue", "unknown parameter 'colour'"),
            ("postgres://u@h/d?connect_timeout=0", "connect_timeout '0'"),
            ("postgres://u@h/d%zz", "the database name has a '%'"),
            ("postgres://u@h/d%ff", "the database name is not UTF-8"),
            ("postgres://u@[::1/d", "closing ']'"),
        ])
    func badURLs(_ text: String, _ expected: String) {
        #expect {
            try self.parse(text)
        } throws: { error in
            let message = String(describing: error)
            return message.hasPrefix("bad database URL: ") && message.contains(expected) && !message.contains("\n")
        }
    }

    @Test("the password is never shown: not in the description, not in an error about the password itself")
    func passwordHidden() throws {
        let url = try self.parse("postgres://crm:s3cret-pw@db:5432/crm")
        #expect(url.description == "postgres://crm@db:5432/crm")
        #expect(!String(reflecting: url).contains("s3cret"))
        var dumped = ""
        dump(url, to: &dumped)
        #expect(!dumped.contains("s3cret"))
        #expect {
            try self.parse("postgres://crm:s3cret%zz@db/crm")
        } throws: { error in
            let message = String(describing: error)
            return message.contains("the password") && !message.contains("s3cret")
        }
    }
}
