import CRMAPI
import CRMDomain
import CRMMemoryStore
import CRMTestSupport
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// MARK: - Worlds

/// The instant every test world starts at (DESIGN §3.6 example).
let t0Text = "2025-01-06T09:00:00Z"

/// The seeded tokens (DESIGN §3.4).
enum Token {
    static let agent = "agent123"
    static let admin = "admin123"
}

/// A fresh seeded in-memory store and the service over it, with a stepping clock.
struct APIWorld: Sendable {
    let store: InMemoryCRMStore
    let service: CRMService
    /// The seeded users acting from the shell, for setting up and checking state beside the HTTP layer.
    let agent: Caller
    let admin: Caller

    static func make(publicTickets: Bool = true) async throws -> APIWorld {
        let store = InMemoryCRMStore(seed: .demo(), seededAt: t0)
        let service = CRMService(
            store: store, policy: AccessPolicy(publicTickets: publicTickets), clock: SteppingClock(start: t0))
        return APIWorld(
            store: store, service: service, agent: try await service.login(token: Token.agent, via: .shell),
            admin: try await service.login(token: Token.admin, via: .shell))
    }

    /// Runs `body` against the router in memory (no sockets), or against a live server on a free port.
    func test<Value: Sendable>(
        _ mode: Mode = .router, _ body: @Sendable (RouterDriver) async throws -> Value
    ) async throws -> Value {
        let app = Application(router: buildRouter(service: self.service))
        return try await app.test(mode == .router ? .router : .live) { client in
            try await body(RouterDriver(client: client))
        }
    }

    /// Runs `body` against the router of a fresh world, for a test that needs nothing else of the world.
    static func test(_ body: @Sendable (RouterDriver) async throws -> Void) async throws {
        try await Self.make().test(.router, body)
    }

    /// Opens a ticket (`ticket()`'s defaults) and runs `body` with it against the router.
    func testOnTicket(_ body: @Sendable (RouterDriver, Ticket) async throws -> Void) async throws {
        let ticket = try await self.ticket()
        try await self.test { api in try await body(api, ticket) }
    }

    enum Mode: String, Sendable, CaseIterable, CustomTestStringConvertible {
        case router, live
        var testDescription: String { self.rawValue }
    }

    /// Starts a `BackgroundServer` over this world's service on a free port of `host`: the server and a client of it.
    func startServer(host: String = "127.0.0.1", logger: Logger = LiveServerTests.quiet) async throws
        -> (BackgroundServer, SocketDriver)
    {
        let server = BackgroundServer()
        let address = try await server.start(service: self.service, host: host, port: 0, logger: logger)
        return (server, try SocketDriver(address: address))
    }

    /// Opens a ticket from the shell side (as admin unless told otherwise).
    @discardableResult
    func ticket(_ subject: String = "Printer on fire", customer: Int = 1, by caller: Caller? = nil) async throws
        -> Ticket
    {
        try await self.service.createTicket(
            NewTicket(customerID: CustomerID(customer), subject: subject), by: caller ?? self.admin)
    }

    /// Every audit event, oldest first, read straight from the store.
    func auditEvents() async throws -> [AuditEvent] {
        try await self.store.auditEvents(AuditQuery(limit: 1_000_000)).items
    }

    /// Every ticket, by ID.
    func tickets() async throws -> [Ticket] {
        try await self.store.tickets(TicketQuery(limit: 1_000_000)).items
    }
}

// MARK: - Requests and replies (the client itself is CRMTestSupport's HTTPClient.swift)

extension HTTPDriver {
    /// Creates a ticket over HTTP and returns its ID, recording an issue when that fails.
    func createTicket(
        _ subject: String = "Cannot log in", customer: Int = 1, token: String = Token.agent,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Int {
        let reply = try await self.post(
            "/api/tickets/", #"{"customer_id": \#(customer), "subject": "\#(subject)", "description": "d"}"#,
            token: token)
        try #require(reply.status == 200, "\(reply)", sourceLocation: sourceLocation)
        return try #require(reply.object?["id"] as? Int, sourceLocation: sourceLocation)
    }
}

/// Sends requests through HummingbirdTesting (in-memory router or its live client).
struct RouterDriver: HTTPDriver {
    let client: any TestClientProtocol

    func send(_ request: Req) async throws -> Reply {
        var fields = HTTPFields()
        for (name, value) in request.headers {
            fields.append(HTTPField(name: try #require(HTTPField.Name(name)), value: value))
        }
        let body = request.body.map { ByteBuffer(bytes: $0) }
        let response = try await self.client.executeRequest(
            uri: request.path, method: request.method, headers: fields, body: body)
        var headers: [String: String] = [:]
        for field in response.headers {
            let name = field.name.canonicalName.lowercased()
            headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
        }
        return Reply(status: Int(response.status.code), headers: headers, body: Data(response.body.readableBytesView))
    }
}

// MARK: - JSON in expectations

/// A JSON string literal for `text`.
func jsonString(_ text: String) -> String {
    let data = try! JSONSerialization.data(withJSONObject: [text], options: [])
    return String(String(decoding: data, as: UTF8.self).dropFirst().dropLast())
}

/// `value` as an Int when it is a JSON number.
func int(_ value: Any?) -> Int? { value as? Int }

/// Whether `value` is JSON null.
func isNull(_ value: Any?) -> Bool { value is NSNull }

// MARK: - Principals

/// The three kinds of caller.
enum Who: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case anonymous, agent, admin

    var token: String? {
        switch self {
        case .anonymous: nil
        case .agent: Token.agent
        case .admin: Token.admin
        }
    }

    var principal: Principal {
        switch self {
        case .anonymous: .anonymous
        case .agent: .user(User(name: "agent", role: .agent))
        case .admin: .user(User(name: "admin", role: .admin))
        }
    }

    var testDescription: String { self.rawValue }
}

// MARK: - Child processes

/// Collects what a file descriptor yields (a pipe or a pty master) on its own thread.
final class OutputCollector: @unchecked Sendable {
    private let condition = NSCondition()
    private var data = Data()
    private var finished = false

    init(fd: Int32) {
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 16_384)
            while true {
                let count = read(fd, &buffer, buffer.count)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }  // EOF, or EIO once a pty's other end is closed
                self.condition.lock()
                self.data.append(contentsOf: buffer[0..<count])
                self.condition.broadcast()
                self.condition.unlock()
            }
            close(fd)
            self.condition.lock()
            self.finished = true
            self.condition.broadcast()
            self.condition.unlock()
        }
        thread.start()
    }

    /// Everything so far, with pty line endings normalized.
    var text: String {
        self.condition.lock()
        defer { self.condition.unlock() }
        return String(decoding: self.data, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
    }

    /// Blocks until `text` satisfies `match` (returning its result), the stream ends, or `timeout` passes.
    func wait<T>(timeout: TimeInterval = 60, for match: (String) -> T?) -> T? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        self.condition.lock()
        defer { self.condition.unlock() }
        while true {
            let text = String(decoding: self.data, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
            if let result = match(text) { return result }
            if self.finished { return nil }
            if !self.condition.wait(until: deadline) { return match(text) }
        }
    }

    /// Blocks until the stream ends (or `timeout`); whether it did.
    func waitForEnd(timeout: TimeInterval = 60) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        self.condition.lock()
        defer { self.condition.unlock() }
        while !self.finished {
            if !self.condition.wait(until: deadline) { return self.finished }
        }
        return true
    }
}

/// A `crm` child process with stdin as a pipe we keep open.
final class CRMProcess: @unchecked Sendable {
    let process = Process()
    let stdin = Pipe()
    let stdout: OutputCollector
    let stderr: OutputCollector
    private let exited = DispatchSemaphore(value: 0)
    /// The working directory (and state home) made for this process, removed with it.
    let directory: URL

    /// Starts `crm ARGUMENTS` in a fresh temporary directory (so no `.env` is read) with the `CRM_*` variables
    /// cleared. With `stdoutIsTerminal`, stdout is a pseudo-terminal, so it is line-buffered as at a prompt
    /// while stdin stays a pipe (script mode).
    init(_ arguments: [String], stdoutIsTerminal: Bool = false) throws {
        let executable = try crmExecutable()
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("crm-api-tests-\(UUID().uuidString)")
        self.directory = directory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("CRM_") }
        environment["XDG_STATE_HOME"] = directory.path + "/state"
        environment["NO_COLOR"] = "1"
        self.process.executableURL = executable
        self.process.arguments = arguments
        self.process.environment = environment
        self.process.currentDirectoryURL = directory
        self.process.standardInput = self.stdin
        let errorPipe = Pipe()
        self.process.standardError = errorPipe
        var childEnd: Int32 = -1
        let outputFD: Int32
        if stdoutIsTerminal {
            let (master, slave) = try openPTY()
            childEnd = slave
            outputFD = master
            self.process.standardOutput = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
        } else {
            let outputPipe = Pipe()
            self.process.standardOutput = outputPipe
            outputFD = dup(outputPipe.fileHandleForReading.fileDescriptor)
        }
        let semaphore = self.exited
        self.process.terminationHandler = { _ in semaphore.signal() }
        try self.process.run()
        if childEnd >= 0 { close(childEnd) }
        if let pipe = self.process.standardOutput as? Pipe {
            try? pipe.fileHandleForWriting.close()
            try? pipe.fileHandleForReading.close()
        }
        try? errorPipe.fileHandleForWriting.close()
        try? self.stdin.fileHandleForReading.close()
        self.stdout = OutputCollector(fd: outputFD)
        self.stderr = OutputCollector(fd: dup(errorPipe.fileHandleForReading.fileDescriptor))
        try? errorPipe.fileHandleForReading.close()
    }

    deinit {
        self.killIfRunning()
        try? FileManager.default.removeItem(at: self.directory)
    }

    /// Writes one line to the child's stdin.
    func send(_ line: String) {
        self.stdin.fileHandleForWriting.write(Data((line + "\n").utf8))
    }

    func closeInput() {
        try? self.stdin.fileHandleForWriting.close()
    }

    /// Waits (blocking) up to `timeout` for the process to exit; its status, or nil if it is still running.
    /// Once it has exited, its output is read to the end, so `stdout.text` holds all it wrote.
    func waitForExit(timeout: TimeInterval = 60) -> Int32? {
        guard self.exited.wait(timeout: .now() + timeout) == .success else { return nil }
        self.exited.signal()
        _ = self.stdout.waitForEnd(timeout: 10)
        _ = self.stderr.waitForEnd(timeout: 10)
        return self.process.terminationStatus
    }

    /// The same, without blocking the concurrency pool.
    func exitStatus(timeout: TimeInterval = 60) async throws -> Int32? {
        try await onThread { self.waitForExit(timeout: timeout) }
    }

    /// SIGKILLs the process if it is still running (cleanup after a failed expectation).
    func killIfRunning() {
        if self.process.isRunning { kill(self.process.processIdentifier, SIGKILL) }
    }
}

/// A pseudo-terminal pair in raw mode: (master, slave). The pty functions are looked up at run time, as the
/// Glibc module does not export them.
func openPTY() throws -> (Int32, Int32) {
    func function<T>(_ name: String, as type: T.Type) throws -> T {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else {
            throw SocketError.failed("dlsym \(name)", errno: ENOSYS)
        }
        return unsafeBitCast(symbol, to: type)
    }
    let posixOpenpt = try function("posix_openpt", as: (@convention(c) (Int32) -> Int32).self)
    let grantpt = try function("grantpt", as: (@convention(c) (Int32) -> Int32).self)
    let unlockpt = try function("unlockpt", as: (@convention(c) (Int32) -> Int32).self)
    let ptsnameR = try function(
        "ptsname_r", as: (@convention(c) (Int32, UnsafeMutablePointer<CChar>, Int) -> Int32).self)
    let master = posixOpenpt(O_RDWR | O_NOCTTY | O_CLOEXEC)
    guard master >= 0, grantpt(master) == 0, unlockpt(master) == 0 else {
        throw SocketError.failed("posix_openpt", errno: errno)
    }
    var name = [CChar](repeating: 0, count: 256)
    guard ptsnameR(master, &name, name.count) == 0 else { throw SocketError.failed("ptsname_r", errno: errno) }
    let path = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    let slave = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC)
    guard slave >= 0 else { throw SocketError.failed("open pty", errno: errno) }
    var settings = termios()
    tcgetattr(slave, &settings)
    cfmakeraw(&settings)
    tcsetattr(slave, TCSANOW, &settings)
    return (master, slave)
}

/// The package root (this file is Tests/CRMAPITests/Support.swift).
let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

/// A TCP socket listening on 127.0.0.1 on a free port: (descriptor, port).
func listeningSocket() throws -> (Int32, Int) {
    let fd = try tcpSocket()
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard bound == 0, listen(fd, 16) == 0 else { throw SocketError.failed("bind/listen", errno: errno) }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard named == 0 else { throw SocketError.failed("getsockname", errno: errno) }
    return (fd, Int(UInt16(bigEndian: address.sin_port)))
}

/// Reads a child's output in order: each `next` waits for the pattern after the previous match.
final class OutputCursor: @unchecked Sendable {
    let collector: OutputCollector
    private var offset = 0  // UTF-16 offset into the collected text

    init(_ collector: OutputCollector) {
        self.collector = collector
    }

    /// Blocks until `pattern` matches after the cursor; returns its capture groups (group 0 first) and moves on.
    func next(_ pattern: String, timeout: TimeInterval = 60) -> [String]? {
        guard let regex = try? NSRegularExpression(pattern: pattern) else { return nil }
        let start = self.offset
        let found: ([String], Int)? = self.collector.wait(timeout: timeout) { text in
            let string = text as NSString
            guard start <= string.length,
                let match = regex.firstMatch(in: text, range: NSRange(location: start, length: string.length - start))
            else { return nil }
            let groups = (0..<match.numberOfRanges).map {
                match.range(at: $0).location == NSNotFound ? "" : string.substring(with: match.range(at: $0))
            }
            return (groups, match.range.location + match.range.length)
        }
        guard let found else { return nil }
        self.offset = found.1
        return found.0
    }

    /// The same, off the concurrency pool.
    func awaitNext(_ pattern: String, timeout: TimeInterval = 60) async throws -> [String]? {
        try await onThread { self.next(pattern, timeout: timeout) }
    }
}

/// Runs a program to completion: (status, stdout, stderr).
func run(_ executable: String, _ arguments: [String], timeout: TimeInterval = 120) async throws -> (Int32?, String, String) {
    try await onThread {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        try process.run()
        try? output.fileHandleForWriting.close()
        try? error.fileHandleForWriting.close()
        let out = OutputCollector(fd: dup(output.fileHandleForReading.fileDescriptor))
        let err = OutputCollector(fd: dup(error.fileHandleForReading.fileDescriptor))
        try? output.fileHandleForReading.close()
        try? error.fileHandleForReading.close()
        guard done.wait(timeout: .now() + timeout) == .success else {
            kill(process.processIdentifier, SIGKILL)
            return (nil, out.text, err.text + "\n(killed after \(timeout) s)")
        }
        _ = out.waitForEnd(timeout: 10)
        _ = err.waitForEnd(timeout: 10)
        return (process.terminationStatus, out.text, err.text)
    }
}

// MARK: - Raw connections

/// A raw TCP connection to a live server, for what well-behaved clients never send: slow, malformed or cut
/// short requests. Blocking; use it from `onThread`.
final class RawConnection: @unchecked Sendable {
    let fd: Int32

    init(port: Int) throws {
        self.fd = try RawHTTP.connect(host: "127.0.0.1", port: port)
    }

    deinit { close(self.fd) }

    /// Sends all of `data`; false once the server has closed the connection.
    @discardableResult
    func send(_ data: Data) -> Bool {
        data.withUnsafeBytes { buffer in
            var sent = 0
            while sent < buffer.count {
                let count = Glibc.send(self.fd, buffer.baseAddress! + sent, buffer.count - sent, Int32(MSG_NOSIGNAL))
                if count < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                sent += count
            }
            return true
        }
    }

    @discardableResult
    func send(_ text: String) -> Bool { self.send(Data(text.utf8)) }

    /// Ends our side (the server sees EOF) while still reading its answer.
    func shutdownWrite() { shutdown(self.fd, Int32(SHUT_WR)) }

    /// Whether the server closed the connection (EOF or reset) within `timeout` seconds; reads and discards
    /// what it sends meanwhile.
    func waitForClose(timeout: TimeInterval) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        var buffer = [UInt8](repeating: 0, count: 4096)
        while Date() < deadline {
            var descriptor = pollfd(fd: self.fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 50)
            guard ready > 0 else { continue }
            let count = recv(self.fd, &buffer, buffer.count, 0)
            if count == 0 || (count < 0 && errno != EINTR && errno != EAGAIN) { return true }
        }
        return false
    }

    /// Sends `bytes` one at a time, `interval` apart, until the server closes the connection or `timeout`
    /// passes; the seconds until it closed, nil if it never did. The connection is never idle meanwhile.
    func trickle(_ bytes: Data, every interval: TimeInterval, timeout: TimeInterval) -> TimeInterval? {
        let start = Date()
        var index = bytes.startIndex
        while Date().timeIntervalSince(start) < timeout {
            if index < bytes.endIndex {
                guard self.send(Data([bytes[index]])) else { return Date().timeIntervalSince(start) }
                index += 1
            }
            if self.waitForClose(timeout: interval) { return Date().timeIntervalSince(start) }
        }
        return nil
    }

    /// Everything the server sends until it closes (or `timeout`), parsed as one HTTP response.
    func response(timeout: TimeInterval = 30) throws -> Reply {
        var incoming = Data()
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let deadline = Date(timeIntervalSinceNow: timeout)
        while Date() < deadline {
            var descriptor = pollfd(fd: self.fd, events: Int16(POLLIN), revents: 0)
            guard poll(&descriptor, 1, 100) > 0 else { continue }
            let count = recv(self.fd, &buffer, buffer.count, 0)
            if count > 0 {
                incoming.append(contentsOf: buffer[0..<count])
            } else if count == 0 || errno != EINTR {
                break
            }
        }
        return try RawHTTP.parse(incoming)
    }
}

extension CRMProcess {
    /// Starts `crm serve --port 0 ARGUMENTS` and waits until it listens: the process (killed when released) and its
    /// address (`http://127.0.0.1:PORT`).
    static func serve(_ arguments: [String] = []) async throws -> (CRMProcess, address: String) {
        let serve = try CRMProcess(["serve", "--port", "0"] + arguments)
        let listening = try await OutputCursor(serve.stdout).awaitNext(#"listening on (http://127\.0\.0\.1:\d+)"#)
        return (serve, try #require(listening?[1], "\(serve.stdout.text) \(serve.stderr.text)"))
    }
}

/// A headless `crm serve --port 0` for the duration of `body`, given its port.
func withServe<T: Sendable>(_ body: (Int) async throws -> T) async throws -> T {
    let (serve, address) = try await CRMProcess.serve()
    defer { serve.killIfRunning() }
    return try await body(try SocketDriver(address: address).port)
}

/// Expects `201 Created` naming the new resource's path in `Location`.
func expectCreated(_ reply: Reply, at location: String, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(reply.status == 201, "\(reply)", sourceLocation: sourceLocation)
    #expect(reply.header("Location") == location, sourceLocation: sourceLocation)
}
