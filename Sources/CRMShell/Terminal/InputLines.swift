import Foundation
import Synchronization

/// Reads the lines of a script from a file descriptor (stdin, a file, a pipe or a FIFO) on a thread of its own,
/// never blocking the Swift concurrency pool (which a background server needs), and hands over whatever complete
/// lines have arrived, so piped input is both fast and responsive.
///
/// The consumer may stop early (a failing command, `exit`, Ctrl-C): dropping this value tells the reader thread to
/// stop, and the reader never blocks on anything the consumer owns, so either side may outlive the other.
final class InputLines {
    /// Why a line, or the input, was refused.
    enum Failure: Error, Equatable, CustomStringConvertible {
        /// The line is not valid UTF-8 (it is refused, never decoded with replacement characters).
        case invalidUTF8
        /// The line holds a NUL byte.
        case nul
        /// Reading failed; the reason is the system's (`strerror`).
        case unreadable(String)

        var description: String {
            switch self {
            case .invalidUTF8: "the line is not valid UTF-8"
            case .nul: "the line contains a NUL byte"
            case .unreadable(let reason): "cannot read: \(reason)"
            }
        }
    }

    private typealias Batch = [Result<String, Failure>]

    /// The longest line read: far beyond any command (a 1 MB note is fine), short of exhausting memory on input
    /// that never breaks its line (`crm -f /dev/zero`).
    static let maximumLineLength = 16 << 20

    /// How many batches the reader may be ahead of the consumer; it blocks (without polling) when it is.
    private static let batchesAhead = 4

    private let readAhead = ReadAhead(limit: InputLines.batchesAhead)
    private var iterator: AsyncStream<Batch>.Iterator
    private var pending: Batch = []
    private var index = 0

    /// Starts reading `fileDescriptor`; the reader closes it when done if `closeWhenDone`.
    init(fileDescriptor: Int32 = 0, closeWhenDone: Bool = false) {
        let (stream, continuation) = AsyncStream.makeStream(of: Batch.self)
        self.iterator = stream.makeAsyncIterator()
        let readAhead = self.readAhead
        let thread = Thread {
            Self.readLines(fileDescriptor, readAhead: readAhead) { continuation.yield($0) }
            continuation.finish()
            if closeWhenDone { close(fileDescriptor) }
        }
        thread.start()
    }

    deinit {
        self.readAhead.stop()
    }

    /// The next line, or nil at end of input (or once Ctrl-C was pressed); throws for a refused line, after which
    /// the next call goes on with the line after it.
    func next() async throws(Failure) -> String? {
        if self.index == self.pending.count {
            guard let batch = await self.iterator.next() else { return nil }
            self.readAhead.release()
            self.pending = batch
            self.index = 0
        }
        defer { self.index += 1 }
        return try self.pending[self.index].get()
    }

    /// The reader thread's loop: lines in batches, each batch waiting for a free slot, until end of input, a read
    /// error, the consumer stopping, or Ctrl-C.
    private static func readLines(_ descriptor: Int32, readAhead: ReadAhead, send: (Batch) -> Void) {
        var partial: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            guard Self.waitForInput(descriptor, readAhead: readAhead) else { return }
            let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, 1 << 16) }
            if count < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            if count < 0 {
                let reason = String(cString: strerror(errno))
                if readAhead.reserve() { send([.failure(.unreadable(reason))]) }
                return
            }
            guard count > 0 else { break }
            var lines: Batch = []
            var start = 0
            for position in 0..<count where buffer[position] == UInt8(ascii: "\n") {
                partial.append(contentsOf: buffer[start..<position])
                lines.append(Self.line(from: partial))
                partial.removeAll(keepingCapacity: true)
                start = position + 1
            }
            partial.append(contentsOf: buffer[start..<count])
            if partial.count > Self.maximumLineLength {
                let reason = "a line is longer than \(Self.maximumLineLength >> 20) MiB (no line break in sight)"
                if readAhead.reserve() { send(lines + [.failure(.unreadable(reason))]) }
                return
            }
            if !lines.isEmpty {
                guard readAhead.reserve() else { return }
                send(lines)
            }
        }
        if !partial.isEmpty, readAhead.reserve() { send([Self.line(from: partial)]) }
    }

    /// Waits until `descriptor` has input, looking up now and then whether the consumer stopped or Ctrl-C was
    /// pressed; false when reading should end.
    private static func waitForInput(_ descriptor: Int32, readAhead: ReadAhead) -> Bool {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        while true {
            if readAhead.isStopped || Interruption.isRequested { return false }
            let ready = poll(&poller, 1, 100)
            if ready != 0 && !(ready < 0 && errno == EINTR) { return true }
        }
    }

    private static func line(from bytes: [UInt8]) -> Result<String, Failure> {
        let trimmed = bytes.last == UInt8(ascii: "\r") ? bytes.dropLast() : bytes[...]
        guard !trimmed.contains(0) else { return .failure(.nul) }
        guard let text = String(validating: trimmed, as: UTF8.self) else { return .failure(.invalidUTF8) }
        return .success(text)
    }
}

/// How far the reader thread of `InputLines` may run ahead of its consumer, and whether the consumer is gone.
/// The reader blocks on a semaphore that starts at zero and is signalled only when the reader is waiting on it, so
/// it is never destroyed below its initial value, and the waiting thread holds it alive.
private final class ReadAhead: Sendable {
    private struct State {
        var batchesOut = 0
        var readerWaiting = false
        var stopped = false
    }

    private let limit: Int
    private let state = Mutex(State())
    private let wake = DispatchSemaphore(value: 0)

    init(limit: Int) {
        self.limit = limit
    }

    /// Whether the consumer has stopped.
    var isStopped: Bool { self.state.withLock { $0.stopped } }

    /// For the reader: waits for a free slot and takes it; false once the consumer has stopped.
    func reserve() -> Bool {
        while true {
            let granted: Bool? = self.state.withLock { state in
                if state.stopped { return false }
                if state.batchesOut < self.limit {
                    state.batchesOut += 1
                    return true
                }
                state.readerWaiting = true
                return nil
            }
            if let granted { return granted }
            self.wake.wait()
        }
    }

    /// For the consumer: a batch was taken, so its slot is free.
    func release() {
        self.wakeReader { $0.batchesOut -= 1 }
    }

    /// For the consumer: no more batches will be taken.
    func stop() {
        self.wakeReader { $0.stopped = true }
    }

    private func wakeReader(after change: (inout State) -> Void) {
        let wasWaiting = self.state.withLock { state in
            change(&state)
            defer { state.readerWaiting = false }
            return state.readerWaiting
        }
        if wasWaiting { self.wake.signal() }
    }
}
