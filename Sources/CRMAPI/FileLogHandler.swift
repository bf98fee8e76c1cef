import Foundation
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A log handler that appends lines to a file (so a server inside the REPL never writes over the prompt) or to
/// standard error (`crm serve`). Unlike swift-log's stream handler it does no work when metadata is set, which
/// Hummingbird does on every request, and it never makes a request wait for the disk: lines go to a buffer that
/// one writer thread per destination empties, many lines per `write` under load (an access line per request
/// would otherwise cost a system call each). The writer wakes once per gathering window, not once per line: a
/// wake-up per request made it compete for the CPU with the server on every request.
public struct FileLogHandler: LogHandler {
    /// Owns a writer; when the last handler using it goes away, the writer writes what is left and ends.
    private final class Sink: Sendable {
        let writer: LineWriter

        init(writer: LineWriter) {
            self.writer = writer
        }

        deinit { self.writer.close() }
    }

    private let sink: Sink
    private let label: String
    public var logLevel: Logger.Level = .info
    public var metadata: Logger.Metadata = [:]

    /// A handler writing to `path`, creating it (mode 0600) when missing.
    public init(label: String, path: String) {
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        self.init(label: label, sink: Sink(writer: LineWriter(descriptor: descriptor, closesDescriptor: true)))
    }

    /// A handler writing to standard error.
    public static func standardError(label: String) -> FileLogHandler {
        FileLogHandler(label: label, sink: Sink(writer: LineWriter(descriptor: STDERR_FILENO, closesDescriptor: false)))
    }

    private init(label: String, sink: Sink) {
        self.label = label
        self.sink = sink
    }

    /// Waits until every line logged so far through any `FileLogHandler` is written (before a server stops or
    /// the process exits).
    public static func flushAll() {
        LineWriter.flushAll()
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = self.metadata.merging(event.metadata ?? [:]) { $1 }
        let details = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        self.sink.writer.append("\(Date()) \(event.level) \(self.label): \(event.message)\(details)\n")
    }
}

/// Lines waiting to be written to one file descriptor, and the thread that writes them in order.
final class LineWriter: @unchecked Sendable {
    /// How long the first line of a batch waits for others, at most (a line reaches the file this late, at most,
    /// unless someone flushes).
    private static let gathering: TimeInterval = 0.02
    /// A batch this big is written without waiting for the end of its window.
    private static let batchBytes = 64 * 1024

    // `pending`, `writing`, `flushing` and `closed` are guarded by `condition`.
    private let condition = NSCondition()
    private var pending: [UInt8] = []
    private var writing = false
    /// Callers of `flush` waiting now: the writer then writes at once.
    private var flushing = 0
    private var closed = false
    private let descriptor: Int32
    private let closesDescriptor: Bool

    /// Every writer still running, for `flushAll`.
    private static let running = Mutex<[ObjectIdentifier: LineWriter]>([:])

    init(descriptor: Int32, closesDescriptor: Bool) {
        self.descriptor = descriptor
        self.closesDescriptor = closesDescriptor
        Self.running.withLock { $0[ObjectIdentifier(self)] = self }
        let thread = Thread { [self] in self.run() }
        thread.name = "crm log writer"
        thread.start()
    }

    /// Queues `line`; returns at once.
    func append(_ line: String) {
        self.condition.lock()
        let wasEmpty = self.pending.isEmpty
        self.pending.append(contentsOf: line.utf8)
        if wasEmpty || self.pending.count >= Self.batchBytes { self.condition.broadcast() }
        self.condition.unlock()
    }

    /// Waits until everything appended so far is written.
    func flush() {
        self.condition.lock()
        self.flushing += 1
        self.condition.broadcast()
        while !self.pending.isEmpty || self.writing { self.condition.wait() }
        self.flushing -= 1
        self.condition.unlock()
    }

    /// Writes what is left, then ends the thread.
    func close() {
        self.condition.lock()
        self.closed = true
        self.condition.broadcast()
        self.condition.unlock()
    }

    static func flushAll() {
        for writer in Self.running.withLock({ Array($0.values) }) { writer.flush() }
    }

    private func run() {
        self.condition.lock()
        while true {
            while self.pending.isEmpty && !self.closed { self.condition.wait() }
            if self.pending.isEmpty { break }
            let windowEnd = Date(timeIntervalSinceNow: Self.gathering)
            while !self.closed && self.flushing == 0 && self.pending.count < Self.batchBytes
                && self.condition.wait(until: windowEnd)
            {}
            var batch: [UInt8] = []
            swap(&batch, &self.pending)
            self.writing = true
            self.condition.unlock()
            self.write(batch)
            self.condition.lock()
            self.writing = false
            self.condition.broadcast()
        }
        self.condition.unlock()
        if self.closesDescriptor && self.descriptor >= 0 {
            #if canImport(Glibc)
            _ = Glibc.close(self.descriptor)
            #else
            _ = Darwin.close(self.descriptor)
            #endif
        }
        Self.running.withLock { $0[ObjectIdentifier(self)] = nil }
    }

    /// Writes all of `bytes`, retrying short writes; a log that can't be written is dropped, never an error.
    private func write(_ bytes: [UInt8]) {
        guard self.descriptor >= 0 else { return }
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                #if canImport(Glibc)
                let written = Glibc.write(self.descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                #else
                let written = Darwin.write(self.descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                #endif
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { return }
                offset += written
            }
        }
    }
}
