import Foundation

/// Reads stdin on a thread of its own (never blocking the Swift concurrency pool, which a background server
/// needs) and hands over whatever complete lines have arrived, so piped input is both fast and responsive.
final class InputLines {
    /// How many batches the reader may be ahead of the consumer; it blocks (without polling) when it is.
    private static let batchesAhead = 4

    private let freeSlots = DispatchSemaphore(value: InputLines.batchesAhead)
    private var iterator: AsyncStream<[String]>.Iterator
    private var pending: [String] = []
    private var index = 0

    init(fileDescriptor: Int32 = 0) {
        let (stream, continuation) = AsyncStream.makeStream(of: [String].self)
        self.iterator = stream.makeAsyncIterator()
        let freeSlots = self.freeSlots
        let thread = Thread {
            func send(_ lines: [String]) {
                freeSlots.wait()
                continuation.yield(lines)
            }
            var partial: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fileDescriptor, $0.baseAddress, 1 << 16) }
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { break }
                var lines: [String] = []
                var start = 0
                for position in 0..<count where buffer[position] == UInt8(ascii: "\n") {
                    partial.append(contentsOf: buffer[start..<position])
                    lines.append(Self.line(from: partial))
                    partial.removeAll(keepingCapacity: true)
                    start = position + 1
                }
                partial.append(contentsOf: buffer[start..<count])
                if !lines.isEmpty { send(lines) }
            }
            if !partial.isEmpty { send([Self.line(from: partial)]) }
            continuation.finish()
        }
        thread.start()
    }

    /// The next line, or nil at end of input.
    func next() async -> String? {
        if self.index == self.pending.count {
            guard let batch = await self.iterator.next() else { return nil }
            self.freeSlots.signal()
            self.pending = batch
            self.index = 0
        }
        defer { self.index += 1 }
        return self.pending[self.index]
    }

    private static func line(from bytes: [UInt8]) -> String {
        let trimmed = bytes.last == UInt8(ascii: "\r") ? bytes.dropLast() : bytes[...]
        return String(decoding: trimmed, as: UTF8.self)
    }
}
