import Foundation
import PostgresNIO

/// Where a PostgreSQL database is and how to log in to it, read from a libpq-style URL (DESIGN §4):
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DB`, `postgresql://…`, or a Unix socket directory as
/// `postgres://USER@/DB?host=/run/postgresql`. User, password, host and database are percent-decoded. The password
/// is kept for logging in only: `description` and every error leave it out.
public struct PostgresURL: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// A TCP host and port, or the directory holding the server's Unix socket.
    public enum Endpoint: Sendable, Hashable {
        case tcp(host: String, port: Int)
        case socket(directory: String, port: Int)
    }

    /// libpq's `sslmode`, in the forms crm supports.
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        /// Plain TCP (always over a Unix socket).
        case disable
        /// TLS when the server offers it, without verifying its certificate (libpq's default).
        case prefer
        /// TLS or no connection, without verifying the certificate.
        case require
        /// TLS with the certificate verified against the system's roots and the host name.
        case verifyFull = "verify-full"
    }

    public var endpoint: Endpoint
    public var user: String
    public var password: String?
    public var database: String
    public var tls: TLSMode
    /// How long one connection attempt may take (libpq's `connect_timeout`, in seconds).
    public var connectTimeout: Duration
    /// The most connections one crm process keeps open (`pool_size`, crm's own parameter).
    public var poolSize: Int

    /// Whether `text` names a PostgreSQL database rather than a SQLite file: it starts with `postgres:` or
    /// `postgresql:`, so a mistyped URL (`postgres:/…`, `postgres:pw@host`) is refused by the parser, without
    /// its password, instead of becoming a SQLite file of that name.
    public static func isPostgres(_ text: String) -> Bool {
        guard let scheme = Self.scheme(of: text) else { return false }
        return scheme == "postgres" || scheme == "postgresql"
    }

    /// The scheme of a URL `text` starts with (`mysql` of `mysql://…`), lowercased; nil for a file path.
    public static func scheme(of text: String) -> String? {
        guard let colon = text.prefix(32).firstIndex(of: ":") else { return nil }
        let scheme = text[..<colon].lowercased()
        guard let first = scheme.first, first.isASCII, first.isLetter,
            scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+.-".contains($0)) })
        else { return nil }
        let isPostgres = scheme == "postgres" || scheme == "postgresql"
        return isPostgres || text[colon...].hasPrefix("://") ? scheme : nil
    }

    /// Reads a URL. `defaultUser` stands in for a missing user name (libpq uses the login name); a missing database
    /// is the user's own, as in libpq.
    public init(parsing text: String, defaultUser: String) throws(PostgresStoreError) {
        guard Self.isPostgres(text), let scheme = Self.scheme(of: text), text.dropFirst(scheme.count).hasPrefix("://") else {
            throw .badURL("it must start with postgres:// or postgresql://")
        }
        var rest = text.dropFirst(scheme.count + 3)
        var parameters: [(String, String)] = []
        if let question = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: question)...].split(separator: "&", omittingEmptySubsequences: true) {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = try Self.decoded(parts[0], component: "a parameter name")
                guard parts.count == 2 else { throw .badURL("parameter '\(name)' has no value (write \(name)=VALUE)") }
                parameters.append((name, try Self.decoded(parts[1], component: "parameter '\(name)'")))
            }
            rest = rest[..<question]
        }
        let authority: Substring
        var databaseText: Substring = ""
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            databaseText = rest[rest.index(after: slash)...]
        } else {
            authority = rest
        }
        var hostPort = authority
        var user = defaultUser
        var password: String?
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            hostPort = authority[authority.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                user = try Self.decoded(userInfo[..<colon], component: "the user name")
                password = try Self.decoded(userInfo[userInfo.index(after: colon)...], component: "the password")
            } else {
                user = try Self.decoded(userInfo, component: "the user name")
            }
        }
        var host: String?
        var port: Int?
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw .badURL("an IPv6 host needs its closing ']'") }
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let after = hostPort[hostPort.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .badURL("unexpected text after the IPv6 host") }
                port = try Self.port(String(after.dropFirst()))
            }
        } else if let colon = hostPort.lastIndex(of: ":") {
            host = try Self.decoded(hostPort[..<colon], component: "the host")
            port = try Self.port(String(hostPort[hostPort.index(after: colon)...]))
        } else if !hostPort.isEmpty {
            host = try Self.decoded(hostPort, component: "the host")
        }
        var database = try Self.decoded(databaseText, component: "the database name")
        var tls: TLSMode?
        var connectTimeout = Duration.seconds(5)
        var poolSize = 20
        for (name, value) in parameters {
            switch name {
            case "host": host = value
            case "port": port = try Self.port(value)
            case "user": user = value
            case "password": password = value
            case "dbname": database = value
            case "sslmode":
                guard let mode = TLSMode(rawValue: value) else {
                    throw .badURL(
                        "sslmode '\(value)' is not one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                tls = mode
            case "connect_timeout":
                guard let seconds = Int(value), (1...3_600).contains(seconds) else {
                    throw .badURL("connect_timeout '\(value)' is not a whole number of seconds from 1 to 3600")
                }
                connectTimeout = .seconds(seconds)
            case "pool_size":
                guard let size = Int(value), (1...1_000).contains(size) else {
                    throw .badURL("pool_size '\(value)' is not a whole number from 1 to 1000")
                }
                poolSize = size
            default:
                throw .badURL(
                    "unknown parameter '\(name)' (crm knows host, port, user, password, dbname, sslmode, connect_timeout,"
                        + " pool_size)")
            }
        }
        guard !user.isEmpty else { throw .badURL("the user name is empty") }
        let hostName = host ?? "/run/postgresql"
        if hostName.hasPrefix("/") {
            self.endpoint = .socket(directory: hostName, port: port ?? 5432)
            self.tls = .disable
        } else {
            guard !hostName.isEmpty else { throw .badURL("the host is empty") }
            self.endpoint = .tcp(host: hostName, port: port ?? 5432)
            self.tls = tls ?? .prefer
        }
        self.user = user
        self.password = password
        self.database = database.isEmpty ? user : database
        self.connectTimeout = connectTimeout
        self.poolSize = poolSize
    }

    /// The URL without its password, as it may be shown in messages and logs.
    public var description: String {
        let user = Self.encoded(self.user)
        let database = Self.encoded(self.database)
        switch self.endpoint {
        case .tcp(let host, let port):
            let shownHost = host.contains(":") ? "[\(host)]" : Self.encoded(host)
            return "postgres://\(user)@\(shownHost):\(port)/\(database)"
        case .socket(let directory, let port):
            return "postgres://\(user)@/\(database)?host=\(directory)" + (port == 5432 ? "" : "&port=\(port)")
        }
    }

    public var debugDescription: String { self.description }

    /// What `dump` and debuggers show: the description, never the password.
    public var customMirror: Mirror { Mirror(self, children: ["url": self.description]) }

    /// The configuration of a connection pool to this database.
    var clientConfiguration: PostgresClient.Configuration {
        get throws(PostgresStoreError) {
            var configuration: PostgresClient.Configuration
            switch self.endpoint {
            case .tcp(let host, let port):
                configuration = PostgresClient.Configuration(
                    host: host, port: port, username: self.user, password: self.password, database: self.database,
                    tls: self.clientTLS)
            case .socket(let directory, let port):
                configuration = PostgresClient.Configuration(
                    unixSocketPath: Self.socketPath(directory, port), username: self.user, password: self.password,
                    database: self.database)
            }
            configuration.options.connectTimeout = self.connectTimeout
            configuration.options.maximumConnections = self.poolSize
            configuration.options.additionalStartupParameters = [("application_name", "crm")]
            return configuration
        }
    }

    /// The configuration of a single connection to this database.
    var connectionConfiguration: PostgresConnection.Configuration {
        get throws(PostgresStoreError) {
            var configuration: PostgresConnection.Configuration
            switch self.endpoint {
            case .tcp(let host, let port):
                configuration = PostgresConnection.Configuration(
                    host: host, port: port, username: self.user, password: self.password, database: self.database,
                    tls: try self.connectionTLS)
            case .socket(let directory, let port):
                configuration = PostgresConnection.Configuration(
                    unixSocketPath: Self.socketPath(directory, port), username: self.user, password: self.password,
                    database: self.database)
            }
            configuration.options.connectTimeout = .nanoseconds(Int64(self.connectTimeout.components.seconds) * 1_000_000_000)
            configuration.options.additionalStartupParameters = [("application_name", "crm")]
            return configuration
        }
    }

    /// The socket file a server with `port` keeps in `directory` (libpq's naming).
    static func socketPath(_ directory: String, _ port: Int) -> String {
        (directory.hasSuffix("/") ? directory : directory + "/") + ".s.PGSQL.\(port)"
    }

    private var clientTLS: PostgresClient.Configuration.TLS {
        switch self.tls {
        case .disable: .disable
        case .prefer: .prefer(Self.tlsConfiguration(verify: false))
        case .require: .require(Self.tlsConfiguration(verify: false))
        case .verifyFull: .require(Self.tlsConfiguration(verify: true))
        }
    }

    private var connectionTLS: PostgresConnection.Configuration.TLS {
        get throws(PostgresStoreError) {
            do {
                switch self.tls {
                case .disable: return .disable
                case .prefer: return .prefer(try NIOSSLContext(configuration: Self.tlsConfiguration(verify: false)))
                case .require: return .require(try NIOSSLContext(configuration: Self.tlsConfiguration(verify: false)))
                case .verifyFull: return .require(try NIOSSLContext(configuration: Self.tlsConfiguration(verify: true)))
                }
            } catch {
                throw .cannotConnect(url: self.description, reason: "cannot set up TLS: \(error)")
            }
        }
    }

    private static func tlsConfiguration(verify: Bool) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if !verify { configuration.certificateVerification = .none }
        return configuration
    }

    private static func port(_ text: String) throws(PostgresStoreError) -> Int {
        guard let port = Int(text), (1...65_535).contains(port), text.allSatisfy(\.isASCII) else {
            throw .badURL("port '\(text.prefix(20))' is not a number from 1 to 65535")
        }
        return port
    }

    /// Percent-decodes one part; a broken escape, bytes that are not UTF-8 or a NUL are refused, naming the part
    /// but never quoting it (it may be the password).
    private static func decoded(_ text: Substring, component: String) throws(PostgresStoreError) -> String {
        var bytes: [UInt8] = []
        var index = text.utf8.startIndex
        let utf8 = text.utf8
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == UInt8(ascii: "%") {
                let high = utf8.index(after: index)
                guard high < utf8.endIndex, utf8.index(after: high) < utf8.endIndex,
                    let upper = Self.hexValue(utf8[high]), let lower = Self.hexValue(utf8[utf8.index(after: high)])
                else { throw .badURL("\(component) has a '%' that is not followed by two hex digits") }
                bytes.append(upper << 4 | lower)
                index = utf8.index(high, offsetBy: 2)
            } else {
                bytes.append(byte)
                index = utf8.index(after: index)
            }
        }
        guard let decoded = String(validating: bytes, as: UTF8.self) else {
            throw .badURL("\(component) is not UTF-8 once percent-decoded")
        }
        guard !bytes.contains(0) else { throw .badURL("\(component) holds a NUL character (%00)") }
        return decoded
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        Character(Unicode.Scalar(byte)).hexDigitValue.map(UInt8.init)
    }

    /// Percent-encodes what would change a URL's structure.
    private static func encoded(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
    }
}
