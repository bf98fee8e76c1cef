import Foundation
import HTTPTypes
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The HTTP client of the tests that talk to a server (CRMAPITests, CRMPostgresTests): requests, replies, and one
// blocking socket driver for live servers.

/// One HTTP request as the tests describe it.
public struct Req: Sendable {
    public var method: HTTPRequest.Method
    public var path: String
    public var headers: [(String, String)] = []
    public var body: Data?

    public init(_ method: HTTPRequest.Method, _ path: String, token: String? = nil, json: String? = nil,
        headers: [(String, String)] = [], body: Data? = nil)
    {
        self.method = method
        self.path = path
        if let token { self.headers.append(("Authorization", "Bearer \(token)")) }
        self.headers += headers
        if let json {
            self.body = Data(json.utf8)
            self.headers.append(("Content-Type", "application/json"))
        } else if let body {
            self.body = body
            self.headers.append(("Content-Type", "application/json"))
        }
    }

    /// The same request with `token` as its bearer token (none when nil).
    public func withToken(_ token: String?) -> Req {
        var request = self
        if let token { request.headers.insert(("Authorization", "Bearer \(token)"), at: 0) }
        return request
    }
}

/// One HTTP response, however it was obtained.
public struct Reply: Sendable, CustomStringConvertible {
    public let status: Int
    /// Lower-cased names; repeated fields joined with ", ".
    public let headers: [String: String]
    public let body: Data

    public init(status: Int, headers: [String: String], body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public func header(_ name: String) -> String? { self.headers[name.lowercased()] }

    public var text: String { String(decoding: self.body, as: UTF8.self) }

    /// The body parsed as JSON, nil when it is not JSON.
    public var json: Any? { try? JSONSerialization.jsonObject(with: self.body, options: [.fragmentsAllowed]) }
    public var object: [String: Any]? { self.json as? [String: Any] }
    public var array: [[String: Any]]? { self.json as? [[String: Any]] }

    /// `error.code` and `error.message` of an error body.
    public var errorCode: String? { (self.object?["error"] as? [String: Any])?["code"] as? String }
    public var errorMessage: String? { (self.object?["error"] as? [String: Any])?["message"] as? String }

    /// `detail`, the original service's error text.
    public var detail: String? { self.object?["detail"] as? String }

    /// Whether the body is exactly
    /// `{"detail": String, "error": {"code": String, "message": String[, "allowed": [String]]}}`.
    public var hasErrorShape: Bool {
        guard let object = self.object, object.count == 2, let detail = object["detail"] as? String, !detail.isEmpty,
            let error = object["error"] as? [String: Any]
        else {
            return false
        }
        guard let code = error["code"] as? String, !code.isEmpty, let message = error["message"] as? String,
            !message.isEmpty
        else { return false }
        let extra = Set(error.keys).subtracting(["code", "message", "allowed"])
        if let allowed = error["allowed"] { guard allowed is [String] else { return false } }
        return extra.isEmpty
    }

    /// The no-route answer of the error middleware ("no route for …").
    public var isRouteNotFound: Bool {
        self.status == 404 && (self.errorMessage?.hasPrefix("no route for") ?? false)
    }

    public var description: String { "HTTP \(self.status) \(self.text.prefix(400))" }
}

/// Anything that can answer a `Req`.
public protocol HTTPDriver: Sendable {
    func send(_ request: Req) async throws -> Reply
}

extension HTTPDriver {
    public func get(_ path: String, token: String? = nil, headers: [(String, String)] = []) async throws -> Reply {
        try await self.send(Req(.get, path, token: token, headers: headers))
    }

    public func post(_ path: String, _ json: String, token: String? = nil, headers: [(String, String)] = []) async throws
        -> Reply
    {
        try await self.send(Req(.post, path, token: token, json: json, headers: headers))
    }

    public func patch(_ path: String, _ json: String, token: String? = nil, headers: [(String, String)] = []) async throws
        -> Reply
    {
        try await self.send(Req(.patch, path, token: token, json: json, headers: headers))
    }

    public func delete(_ path: String, token: String? = nil) async throws -> Reply {
        try await self.send(Req(.delete, path, token: token))
    }
}


/// Sends each request over its own TCP connection from its own thread (never blocking the Swift concurrency
/// pool, which the server in the same process needs).
public struct SocketDriver: HTTPDriver {
    public let host: String
    public let port: Int

    public init(host: String = "127.0.0.1", port: Int) {
        self.host = host
        self.port = port
    }

    /// `http://127.0.0.1:PORT` → a driver.
    public init(address: String) throws {
        let rest = try #require(address.split(separator: "//").last)
        let parts = rest.split(separator: ":")
        try #require(parts.count == 2, "address \(address)")
        self.host = String(parts[0])
        self.port = try #require(Int(parts[1].prefix { $0.isNumber }))
    }

    public func send(_ request: Req) async throws -> Reply {
        let host = self.host
        let port = self.port
        return try await onThread { try RawHTTP.exchange(host: host, port: port, request: request) }
    }

    /// Whether a TCP connection to the server is refused right now.
    public func connectionRefused() async throws -> Bool {
        let host = self.host
        let port = self.port
        return try await onThread {
            do {
                let fd = try RawHTTP.connect(host: host, port: port)
                close(fd)
                return false
            } catch let error as SocketError where error.errno == ECONNREFUSED {
                return true
            }
        }
    }
}

/// Runs blocking work on a dedicated thread.
public func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.start()
    }
}

public struct SocketError: Error, CustomStringConvertible {
    public let operation: String
    public let errno: Int32

    public var description: String { "\(self.operation): \(String(cString: strerror(self.errno))) (errno \(self.errno))" }

    /// `operation` failed with `code` (an `errno` value).
    public static func failed(_ operation: String, errno code: Int32) -> SocketError {
        SocketError(operation: operation, errno: code)
    }
}

/// A minimal blocking HTTP/1.1 client: one request per connection, `Connection: close`.
public enum RawHTTP {
    public static func connect(host: String, port: Int) throws -> Int32 {
        let fd = try tcpSocket()
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else {
            close(fd)
            throw SocketError.failed("inet_pton \(host)", errno: EINVAL)
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                #if canImport(Glibc)
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                #else
                Darwin.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                #endif
            }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw SocketError.failed("connect \(host):\(port)", errno: code)
        }
        return fd
    }

    public static func exchange(host: String, port: Int, request: Req) throws -> Reply {
        let fd = try self.connect(host: host, port: port)
        defer { close(fd) }
        var head = "\(request.method.rawValue) \(request.path) HTTP/1.1\r\nHost: \(host):\(port)\r\nConnection: close\r\n"
        for (name, value) in request.headers { head += "\(name): \(value)\r\n" }
        if let body = request.body { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        var outgoing = Data(head.utf8)
        if let body = request.body { outgoing += body }
        // The server may answer early (413) and close: stop sending then, and read what it said.
        _ = outgoing.withUnsafeBytes { buffer -> Bool in
            var sent = 0
            while sent < buffer.count {
                #if canImport(Glibc)
                let flags = Int32(MSG_NOSIGNAL)
                #else
                let flags: Int32 = 0
                #endif
                let count = Glibc.send(fd, buffer.baseAddress! + sent, buffer.count - sent, flags)
                if count < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                sent += count
            }
            return true
        }
        var incoming = Data()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count > 0 {
                incoming.append(contentsOf: chunk[0..<count])
            } else if count == 0 {
                break
            } else if errno == EINTR {
                continue
            } else if errno == ECONNRESET && !incoming.isEmpty {
                break
            } else {
                throw SocketError.failed("recv \(request.method) \(request.path)", errno: errno)
            }
        }
        return try self.parse(incoming)
    }

    public static func parse(_ data: Data) throws -> Reply {
        let separator = Data("\r\n\r\n".utf8)
        let end = try #require(data.range(of: separator), "no end of headers in \(data.count) bytes")
        let head = String(decoding: data[..<end.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        try #require(statusLine.count >= 2 && statusLine[0].hasPrefix("HTTP/1."), "status line \(statusLine)")
        let status = try #require(Int(statusLine[1]))
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = headers[name].map { $0 + ", " + value } ?? value
        }
        var body = Data(data[end.upperBound...])
        if let length = headers["content-length"].flatMap({ Int($0) }) {
            try #require(body.count >= length, "body cut short: \(body.count) of \(length) bytes")
            body = body.prefix(length)
        } else if headers["transfer-encoding"]?.lowercased().contains("chunked") == true {
            body = try self.dechunk(body)
        }
        return Reply(status: status, headers: headers, body: Data(body))
    }

    private static func dechunk(_ data: Data) throws -> Data {
        var output = Data()
        var rest = data[...]
        let crlf = Data("\r\n".utf8)
        while true {
            let lineEnd = try #require(rest.range(of: crlf), "bad chunk")
            let sizeText = String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self)
                .split(separator: ";").first.map(String.init) ?? ""
            let size = try #require(Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16), "chunk size")
            rest = rest[lineEnd.upperBound...]
            if size == 0 { return output }
            output += rest.prefix(size)
            rest = rest.dropFirst(size + 2)
        }
    }
}

/// A new IPv4 TCP socket's descriptor.
public func tcpSocket() throws -> Int32 {
    #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw SocketError.failed("socket", errno: errno) }
    return fd
}
