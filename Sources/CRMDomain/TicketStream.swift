/// Every ticket matching a query, read from the store one page at a time by ascending ID, so a caller can
/// send a million tickets while holding only one page in memory. Tickets created or deleted while it runs may
/// shift the pages (each page is read on its own).
public struct TicketStream: AsyncSequence, Sendable {
    public typealias Element = [Ticket]

    /// How many tickets each page holds.
    public static let pageSize = PageRequest.maximumLimit

    let store: any CRMStore
    let query: TicketQuery

    public func makeAsyncIterator() -> Iterator {
        Iterator(store: self.store, query: self.query)
    }

    /// Yields non-empty pages until the store has no more.
    public struct Iterator: AsyncIteratorProtocol {
        let store: any CRMStore
        var query: TicketQuery
        var finished = false

        init(store: any CRMStore, query: TicketQuery) {
            self.store = store
            self.query = query
            self.query.limit = TicketStream.pageSize
            self.query.offset = 0
        }

        public mutating func next() async throws -> [Ticket]? {
            guard !self.finished else { return nil }
            let page = try await self.store.tickets(self.query).items
            self.query.offset += page.count
            self.finished = page.count < self.query.limit
            return page.isEmpty ? nil : page
        }
    }
}
