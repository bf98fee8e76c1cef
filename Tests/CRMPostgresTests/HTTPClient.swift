import CRMTestSupport
import Foundation

/// An HTTP answer: status and body.
struct HTTPReply: Sendable {
    let status: Int
    let body: String

    /// The body as a JSON object.
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(self.body.utf8))) as? [String: Any] ?? [:]
    }
}

struct SocketFailure: Error, CustomStringConvertible {
    let description: String
}

/// A minimal blocking HTTP/1.1 client for 127.0.0.1: one request per connection, `Connection: close`.
enum HTTP {
    static func send(
        port: Int, _ method: String, _ path: String, token: String? = nil, json: String? = nil
    ) async throws -> HTTPReply {
        try await onThread { try Self.exchange(port: port, method, path, token: token, json: json) }
    }

    private static func exchange(port: Int, _ method: String, _ path: String, token: String?, json: String?) throws
        -> HTTPReply
    {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SocketFailure(description: "socket: errno \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw SocketFailure(description: "connect to port \(port): errno \(errno)") }
        let body = Data((json ?? "").utf8)
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        if json != nil { head += "Content-Type: application/json\r\nContent-Length: \(body.count)\r\n" }
        let outgoing = Data((head + "\r\n").utf8) + body
        let sent = outgoing.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == outgoing.count else { throw SocketFailure(description: "send: errno \(errno)") }
        var incoming = Data()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count > 0 {
                incoming.append(contentsOf: chunk[0..<count])
            } else if count == 0 {
                break
            } else if errno != EINTR {
                throw SocketFailure(description: "recv \(method) \(path): errno \(errno)")
            }
        }
        guard let end = incoming.range(of: Data("\r\n\r\n".utf8)),
            let statusLine = String(decoding: incoming[..<end.lowerBound], as: UTF8.self).split(separator: "\r\n").first,
            let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "")
        else { throw SocketFailure(description: "no HTTP reply to \(method) \(path)") }
        let head2 = String(decoding: incoming[..<end.lowerBound], as: UTF8.self).lowercased()
        var content = Data(incoming[end.upperBound...])
        if head2.contains("transfer-encoding: chunked") { content = Self.dechunk(content) }
        return HTTPReply(status: status, body: String(decoding: content, as: UTF8.self))
    }

    private static func dechunk(_ data: Data) -> Data {
        var output = Data()
        var rest = data[...]
        while let lineEnd = rest.range(of: Data("\r\n".utf8)),
            let size = Int(String(decoding: rest[..<lineEnd.lowerBound], as: UTF8.self), radix: 16), size > 0
        {
            rest = rest[lineEnd.upperBound...]
            output += rest.prefix(size)
            rest = rest.dropFirst(size + 2)
        }
        return output
    }
}

/// A `crm serve` child process on a free port.
final class ServeProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    private let errorPipe = Pipe()
    private let exited = DispatchSemaphore(value: 0)

    /// Starts `crm serve --port 0 ARGUMENTS` and waits until it prints its port (never longer than 60 s).
    init(_ arguments: [String], environment: [String: String] = crmEnvironment()) throws {
        self.process.executableURL = try crmExecutable()
        self.process.arguments = ["serve", "--port", "0"] + arguments
        self.process.environment = environment
        let output = Pipe()
        self.process.standardOutput = output
        self.process.standardError = self.errorPipe
        self.process.standardInput = FileHandle.nullDevice
        let exited = self.exited
        self.process.terminationHandler = { _ in exited.signal() }
        try self.process.run()
        try? output.fileHandleForWriting.close()
        let reader = output.fileHandleForReading
        var text = ""
        let deadline = Date(timeIntervalSinceNow: 60)
        while !text.contains("\n"), Date() < deadline {
            let data = reader.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        guard let found = text.range(of: #"http://127\.0\.0\.1:(\d+)"#, options: .regularExpression),
            let port = Int(text[found].split(separator: ":").last ?? "")
        else {
            self.process.terminate()
            throw SocketFailure(description: "crm serve did not start: \(text)")
        }
        self.port = port
    }

    /// Stops the server (SIGTERM, then SIGKILL after 30 s) and waits for it.
    func stop() {
        guard self.process.isRunning else { return }
        self.process.terminate()
        if self.exited.wait(timeout: .now() + 30) == .timedOut {
            kill(self.process.processIdentifier, SIGKILL)
            self.exited.wait()
        }
        self.exited.signal()
    }

    deinit { self.stop() }
}
