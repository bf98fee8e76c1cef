import Synchronization

/// Puts this process's writes in one order: each takes its IDs (the entity's, then its audit event's) and runs the
/// domain's closure, which reads the clock, alone, first come first served. So within a process IDs follow time: a
/// ticket, note or audit event with a higher ID never has an earlier time. Across processes the audit log's order is
/// its IDs (DESIGN §4); times come from each process's clock.
///
/// A step holds no lock of the database while it waits here, and inside it runs only `nextval` (which never waits
/// for another transaction) and the domain's pure closure; rows are locked before it and written after it. So a step
/// in the order always finishes, and the order is never part of a deadlock. (Writing rows inside it did deadlock: a
/// step waiting for a row held by a transaction that itself waited for the order.) Waiting is suspended, not
/// blocking.
final class WriteOrder: Sendable {
    private struct State {
        var busy = false
        var waiting: [CheckedContinuation<Void, Never>] = []
        var next = 0
    }

    private let state = Mutex(State())

    /// Runs `step` once every step that asked before it is done.
    func run<Result>(_ step: () async throws -> Result) async rethrows -> Result {
        await self.acquire()
        defer { self.release() }
        return try await step()
    }

    private func acquire() async {
        await withCheckedContinuation { continuation in
            let granted = self.state.withLock { state in
                if state.busy {
                    state.waiting.append(continuation)
                    return false
                }
                state.busy = true
                return true
            }
            if granted { continuation.resume() }
        }
    }

    private func release() {
        let next: CheckedContinuation<Void, Never>? = self.state.withLock { state in
            guard state.next < state.waiting.count else {
                state.busy = false
                state.waiting.removeAll(keepingCapacity: true)
                state.next = 0
                return nil
            }
            defer { state.next += 1 }
            return state.waiting[state.next]
        }
        next?.resume()
    }
}
