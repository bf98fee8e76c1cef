import CRMDomain
/// The in-memory store's tickets by ID, compact: about 100 bytes a ticket in fixed-size chunks, so a million
/// tickets take about 100 MB and growing never copies the whole table. Tags are kept as one comma-joined
/// string (a tag never holds a comma), which for typical tags fits inside the string itself with no allocation.
///
/// Invariants:
/// - IDs run 1...`lastID` with no gaps; ticket `n` sits at chunk `(n - 1) / 4096`, slot `(n - 1) % 4096`. A deleted
///   ticket leaves a nil slot, so IDs are never reused.
/// - Lookups by a client's ID are bounds-checked (`subscript` returns nil outside 1...`lastID`); `append` traps
///   unless the ticket's ID is `lastID + 1`; `replace` and `remove` trap (array bounds) for an ID that was never
///   appended, so the store calls them only for a ticket it has just looked up.
/// - A customer ID or version above `Int32.max` traps when a row is built (`Int32(_:)`), rather than wrapping:
///   over two billion customers, or updates of one ticket, are beyond what this store is for.
struct TicketTable {
    private static let chunkSize = 4_096

    /// One ticket without its ID (the position gives it); customer IDs and versions are kept in 32 bits, which
    /// holds over two billion of either.
    private struct Row {
        var subject: String
        var description: String
        var assignee: String?
        var tags: String
        var createdAt: Int64
        var updatedAt: Int64
        var customerID: Int32
        var version: Int32
        var status: TicketStatus
        var priority: Priority

        init(_ ticket: Ticket) {
            self.subject = ticket.subject
            self.description = ticket.description
            self.assignee = ticket.assignee
            self.tags = ticket.tags.joined(separator: ",")
            self.createdAt = ticket.createdAt.secondsSince1970
            self.updatedAt = ticket.updatedAt.secondsSince1970
            self.customerID = Int32(ticket.customerID.rawValue)
            self.version = Int32(ticket.version)
            self.status = ticket.status
            self.priority = ticket.priority
        }

        func ticket(id: Int) -> Ticket {
            Ticket(
                id: TicketID(id), customerID: CustomerID(Int(self.customerID)), subject: self.subject,
                description: self.description, status: self.status, priority: self.priority, assignee: self.assignee,
                tags: self.tags.isEmpty
                    ? [] : self.tags.utf8.contains(UInt8(ascii: ",")) ? self.tags.split(separator: ",").map(String.init) : [self.tags],
                createdAt: Timestamp(secondsSince1970: self.createdAt),
                updatedAt: Timestamp(secondsSince1970: self.updatedAt), version: Int(self.version))
        }
    }

    private var chunks: [[Row?]] = []
    /// The highest ID given out, deleted tickets included; the next ticket gets `lastID + 1`.
    private(set) var lastID = 0

    /// The ticket with this ID, or nil when it never existed or was deleted. Any ID a client sends (zero,
    /// negative, `Int.max`) is compared with the bounds before any arithmetic.
    subscript(id: TicketID) -> Ticket? {
        guard id.rawValue >= 1, id.rawValue <= self.lastID else { return nil }
        let index = id.rawValue - 1
        return self.chunks[index / Self.chunkSize][index % Self.chunkSize]?.ticket(id: id.rawValue)
    }

    /// Stores a ticket with the next ID (`lastID + 1`).
    mutating func append(_ ticket: Ticket) {
        precondition(ticket.id.rawValue == self.lastID + 1, "tickets are appended in ID order")
        if self.lastID % Self.chunkSize == 0 {
            var chunk: [Row?] = []
            chunk.reserveCapacity(Self.chunkSize)
            self.chunks.append(chunk)
        }
        self.chunks[self.chunks.count - 1].append(Row(ticket))
        self.lastID += 1
    }

    /// Replaces an existing ticket.
    mutating func replace(_ ticket: Ticket) {
        let index = ticket.id.rawValue - 1
        self.chunks[index / Self.chunkSize][index % Self.chunkSize] = Row(ticket)
    }

    /// Forgets a ticket; its ID is not given out again.
    mutating func remove(_ id: TicketID) {
        let index = id.rawValue - 1
        self.chunks[index / Self.chunkSize][index % Self.chunkSize] = nil
    }
}
