import CRMDomain
/// The in-memory store's append-only audit trail, kept compact so a million events fit in about a hundred
/// megabytes: each event is encoded into a byte arena of fixed-size chunks (a ticket create takes about 100 bytes,
/// against over a kilobyte as a struct holding a dictionary, and the arena never copies itself to grow), and each
/// event links back to the previous event of the same entity and of the same actor, so a history is a walk
/// down one chain rather than a stored array per entity.
///
/// Invariants:
/// - Event `n` (its ID) is at position `n - 1`; events are only appended, never changed or removed.
/// - `starts[position]` packs where the event's bytes begin: chunk index in the high 32 bits, byte offset within
///   that chunk in the low 32. An event never spans chunks (one larger than a chunk gets a chunk of its own size),
///   so the offset is below 2³² and the chunk index stays below 2³² for any log that fits in memory.
/// - The chains link positions as `Int32`, so the log holds at most `Int32.max` (about two billion) events:
///   `Int32(position)` traps beyond that rather than wrapping into a wrong link. -1 ends a chain.
/// - `event(at:)` expects a position below `count` (array bounds trap otherwise); only the store calls it, with
///   positions it got from `count` or a chain.
struct AuditLog {
    private static let chunkSize = 1 << 20

    private var chunks: [[UInt8]] = []
    /// Reused to encode each event before it is copied into a chunk.
    private var scratch: [UInt8] = []
    /// Where each event starts: its chunk in the high 32 bits, its offset in the low 32.
    private var starts: [UInt64] = []
    private var entityChain = Chain()
    private var actorChain = Chain()

    /// How many events there are.
    var count: Int { self.starts.count }

    /// Appends an event; its ID is its position plus one.
    mutating func append(_ record: AuditRecord) {
        self.scratch.removeAll(keepingCapacity: true)
        AuditCoding.encode(record, into: &self.scratch)
        if self.chunks.isEmpty || self.chunks[self.chunks.count - 1].count + self.scratch.count > Self.chunkSize {
            var chunk: [UInt8] = []
            chunk.reserveCapacity(max(Self.chunkSize, self.scratch.count))
            self.chunks.append(chunk)
        }
        let chunk = self.chunks.count - 1
        self.starts.append(UInt64(chunk) << 32 | UInt64(self.chunks[chunk].count))
        self.chunks[chunk].append(contentsOf: self.scratch)
        let position = self.starts.count - 1
        self.entityChain.link(position, key: record.entity)
        self.actorChain.link(position, key: record.actor)
    }

    /// The event at `position` (0-based).
    func event(at position: Int) -> AuditEvent {
        let start = self.starts[position]
        let record = self.chunks[Int(start >> 32)].withUnsafeBufferPointer { chunk in
            var reader = AuditCoding.Reader(bytes: chunk, position: Int(start & 0xFFFF_FFFF))
            return reader.record()
        }
        return AuditEvent(id: AuditEventID(position + 1), record: record)
    }

    /// The positions of an entity's events, oldest first.
    func positions(entity: String) -> [Int] {
        self.entityChain.positions(key: entity)
    }

    /// The positions of an actor's events, oldest first.
    func positions(actor: String) -> [Int] {
        self.actorChain.positions(key: actor)
    }

    /// Positions sharing a key, linked newest to oldest.
    private struct Chain {
        /// The position of the previous event with the same key, or -1.
        private var previous: [Int32] = []
        /// The newest position for each key. Ticket and customer keys (`ticket/7`), the vast majority, are kept
        /// in arrays by number rather than as a million dictionary entries.
        private var newestTicket: [Int32] = []
        private var newestCustomer: [Int32] = []
        private var newestOther: [String: Int32] = [:]

        mutating func link(_ position: Int, key: String) {
            self.previous.append(self.replaceNewest(key, with: Int32(position)))
        }

        func positions(key: String) -> [Int] {
            var result: [Int] = []
            var position = self.newest(key)
            while position >= 0 {
                result.append(Int(position))
                position = self.previous[Int(position)]
            }
            return result.reversed()
        }

        private func newest(_ key: String) -> Int32 {
            switch Self.slot(of: key) {
            case .ticket(let index): index < self.newestTicket.count ? self.newestTicket[index] : -1
            case .customer(let index): index < self.newestCustomer.count ? self.newestCustomer[index] : -1
            case .other: self.newestOther[key] ?? -1
            }
        }

        /// Stores `position` as the newest for `key` and returns the one it replaces (-1 when none).
        private mutating func replaceNewest(_ key: String, with position: Int32) -> Int32 {
            func swap(_ array: inout [Int32], _ index: Int) -> Int32 {
                if index >= array.count { array.append(contentsOf: repeatElement(-1, count: index - array.count + 1)) }
                defer { array[index] = position }
                return array[index]
            }
            switch Self.slot(of: key) {
            case .ticket(let index): return swap(&self.newestTicket, index)
            case .customer(let index): return swap(&self.newestCustomer, index)
            case .other:
                defer { self.newestOther[key] = position }
                return self.newestOther[key] ?? -1
            }
        }

        private enum Slot {
            case ticket(Int)
            case customer(Int)
            case other
        }

        private static func slot(of key: String) -> Slot {
            if let number = Self.number(in: key, after: "ticket/") { return .ticket(number) }
            if let number = Self.number(in: key, after: "customer/") { return .customer(number) }
            return .other
        }

        /// The positive number written canonically (no sign, no leading zero) after `prefix`, if that is all.
        private static func number(in key: String, after prefix: String) -> Int? {
            guard key.hasPrefix(prefix) else { return nil }
            let digits = key.utf8.dropFirst(prefix.utf8.count)
            guard let first = digits.first, first != UInt8(ascii: "0"), digits.count <= 18,
                digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
            else { return nil }
            return digits.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
        }
    }
}
