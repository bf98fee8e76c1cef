import Synchronization

/// Puts this process's writes in one order: each runs its "take IDs, apply the domain's closure (which reads the
/// clock), write the rows and the audit event" step alone, first come first served, and commits outside it. So
/// within a process, IDs follow time: a ticket, note or audit event with a higher ID never has an earlier time,
/// and the audit log read by ID is oldest first, as with the other stores. Waiting is suspended, not blocking.
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
