import CRMDomain
import Logging
import PostgresNIO
import Synchronization

/// Puts this process's writes in one order: each takes its IDs (the entity's, then its audit event's) and runs the
/// domain's closure, which reads the clock, in the order the writes arrive. So within a process IDs follow time: a
/// ticket, note or audit event with a higher ID never has an earlier time. Across processes the audit log's order is
/// its IDs (DESIGN §4); times come from each process's clock.
///
/// The writes that arrive while one batch is being served are served together as the next batch, by one of them (the
/// leader, on its own connection): one query takes the entity IDs of the whole batch, the closures run one after the
/// other in arrival order, and one more query takes the audit event IDs of those that changed something (a batch of
/// inserts only takes its audit IDs with its entity IDs). So a batch costs one or two round trips however many writes
/// it holds, and a busy server does not queue its writes behind round trips of their own. A change that changes
/// nothing uses no audit ID; an insert whose closure throws leaves its IDs unused.
///
/// A batch holds no lock of the database and runs only `nextval` (which never waits for another transaction) and
/// the domain's pure closures; rows are locked before a write joins and written after it leaves. So a batch always
/// finishes, and the order is never part of a deadlock. (Writing rows inside it did deadlock: a write waiting for a
/// row held by a transaction that itself waited for the order.) Waiting is suspended, not blocking.
final class WriteOrder: Sendable {
    private struct State {
        var leading = false
        var queue: [PendingWrite] = []
    }

    private let state = Mutex(State())

    /// For a new entity: takes an ID of `sequence`, runs `step` with it in this process's order, and takes the
    /// audit event's ID.
    func insert<Value: Sendable>(
        taking sequence: String, on connection: PostgresConnection, _ step: @Sendable (Int) throws -> Recorded<Value>
    ) async throws -> (recorded: Recorded<Value>, auditID: Int) {
        let result = try await self.run(taking: sequence, on: connection) { id -> Recorded<Value>? in
            guard let id else { throw WriteOrderError.noID }
            return try step(id)
        }
        guard let result else { throw WriteOrderError.noID }
        return result
    }

    /// For a change: runs `step` in this process's order and takes an audit event ID when it records a change;
    /// nil when it changed nothing.
    func change<Value: Sendable>(
        on connection: PostgresConnection, _ step: @Sendable () throws -> Recorded<Value>?
    ) async throws -> (recorded: Recorded<Value>, auditID: Int)? {
        try await self.run(taking: nil, on: connection) { _ in try step() }
    }

    /// The same, for a step that always records a change.
    func change<Value: Sendable>(
        on connection: PostgresConnection, _ step: @Sendable () throws -> Recorded<Value>
    ) async throws -> (recorded: Recorded<Value>, auditID: Int) {
        let result = try await self.run(taking: nil, on: connection) { _ -> Recorded<Value>? in try step() }
        guard let result else { throw WriteOrderError.noID }
        return result
    }

    private func run<Value: Sendable>(
        taking sequence: String?, on connection: PostgresConnection,
        _ step: @Sendable (Int?) throws -> Recorded<Value>?
    ) async throws -> (recorded: Recorded<Value>, auditID: Int)? {
        // The leader runs `step` on its task and lets go of it before this write is settled, so it does not escape.
        try await withoutActuallyEscaping(step) { step in
            let outcome = StepOutcome<Value>()
            let write = PendingWrite(sequence: sequence) { id in
                let result = Result { try step(id) }
                outcome.keep(result)
                guard case .success(.some) = result else { return false }
                return true
            }
            let auditID = try await self.submit(write, on: connection)
            guard let recorded = try outcome.value() else { return nil }
            guard let auditID else { throw WriteOrderError.noID }
            return (recorded, auditID)
        }
    }

    /// Queues `write`; the first write to find no batch under way leads, and every leader hands on to the first
    /// write still queued after its batch. Returns the write's audit event ID (nil when it changed nothing).
    private func submit(_ write: PendingWrite, on connection: PostgresConnection) async throws -> Int? {
        let leads = self.state.withLock { state in
            state.queue.append(write)
            guard !state.leading else { return false }
            state.leading = true
            return true
        }
        var signal: PendingWrite.Signal = leads ? .lead : await write.nextSignal()
        while true {
            switch signal {
            case .done(let auditID):
                return try auditID.get()
            case .lead:
                let batch = self.state.withLock { state in
                    let batch = Array(state.queue.prefix(Self.batchLimit))
                    state.queue.removeFirst(batch.count)
                    return batch
                }
                await Self.serve(batch, on: connection)
                let next: PendingWrite? = self.state.withLock { state in
                    guard let first = state.queue.first else {
                        state.leading = false
                        return nil
                    }
                    return first
                }
                next?.send(.lead)
                signal = await write.nextSignal()
            }
        }
    }

    /// The most writes one batch serves (two IDs each at most: well within a query's 1,664 columns).
    private static let batchLimit = 200
    private static let auditSequence = "audit_events_id_seq"

    /// Takes the batch's entity IDs, runs its steps in order, takes the audit IDs of those that changed something,
    /// and settles every write; a failed query fails them all. A batch of inserts only (whose steps always record a
    /// change) takes its audit IDs with its entity IDs, in one round trip.
    private static func serve(_ batch: [PendingWrite], on connection: PostgresConnection) async {
        do {
            let insertsOnly = batch.allSatisfy { $0.sequence != nil }
            let entitySequences = batch.compactMap(\.sequence)
            let taken = try await Self.takeIDs(
                entitySequences + (insertsOnly ? Array(repeating: Self.auditSequence, count: batch.count) : []),
                on: connection)
            var entityIDs = taken[..<entitySequences.count].makeIterator()
            let changed = batch.map { write in write.runStep(write.sequence == nil ? nil : entityIDs.next()) }
            let auditIDs =
                insertsOnly
                ? Array(taken[entitySequences.count...])
                : try await Self.takeIDs(
                    Array(repeating: Self.auditSequence, count: changed.filter { $0 }.count), on: connection)
            var next = auditIDs.makeIterator()
            for (write, changed) in zip(batch, changed) {
                write.send(.done(.success(changed ? next.next() : nil)))
            }
        } catch {
            for write in batch {
                write.dropStep()
                write.send(.done(.failure(error)))
            }
        }
    }

    /// One ID of each sequence named, in one query (one `nextval` column each); within a sequence the IDs ascend in
    /// the order named.
    private static func takeIDs(_ sequences: [String], on connection: PostgresConnection) async throws -> [Int] {
        guard !sequences.isEmpty else { return [] }
        var query = PostgresQuery(
            unsafeSQL: "SELECT " + sequences.indices.map { "nextval($\($0 + 1)::regclass)" }.joined(separator: ", "))
        for sequence in sequences { query.binds.append(sequence) }
        var taken: [String: [Int]] = [:]
        for row in try await connection.answer(query, logger: PostgresCRMStore.silentLogger) {
            for (sequence, cell) in zip(sequences, row) {
                taken[sequence, default: []].append(try cell.decode(Int.self))
            }
        }
        var ascending = taken.mapValues { $0.sorted().makeIterator() }
        return try sequences.map { sequence in
            guard let id = ascending[sequence]?.next() else { throw WriteOrderError.noID }
            return id
        }
    }
}

/// The server answered an ID query with fewer IDs than asked for, or a settled write's step never ran.
enum WriteOrderError: Error {
    case noID
    case stepNotRun
}

/// A write waiting in the order: the ID sequence it needs, its step (true when the step recorded a change), and the
/// signals it receives: lead the next batch, or done.
private final class PendingWrite: Sendable {
    enum Signal: Sendable {
        case lead
        case done(Result<Int?, any Error>)
    }

    let sequence: String?
    private let step: Mutex<(@Sendable (Int?) -> Bool)?>
    private let mailbox = Mutex<(signals: [Signal], waiter: CheckedContinuation<Signal, Never>?)>(([], nil))

    init(sequence: String?, step: @escaping @Sendable (Int?) -> Bool) {
        self.sequence = sequence
        self.step = Mutex(step)
    }

    /// Runs the step once with its entity ID and lets go of it; true when it recorded a change.
    func runStep(_ id: Int?) -> Bool {
        guard let step = self.step.withLock({ $0.take() }) else { return false }
        return step(id)
    }

    /// Lets go of a step that will not run.
    func dropStep() {
        self.step.withLock { $0 = nil }
    }

    /// Delivers `signal` to the write, waking it if it waits.
    func send(_ signal: Signal) {
        let waiter: CheckedContinuation<Signal, Never>? = self.mailbox.withLock { mailbox in
            guard let waiter = mailbox.waiter else {
                mailbox.signals.append(signal)
                return nil
            }
            mailbox.waiter = nil
            return waiter
        }
        waiter?.resume(returning: signal)
    }

    /// The next signal, waiting for it if none has come.
    func nextSignal() async -> Signal {
        await withCheckedContinuation { continuation in
            let signal: Signal? = self.mailbox.withLock { mailbox in
                guard !mailbox.signals.isEmpty else {
                    mailbox.waiter = continuation
                    return nil
                }
                return mailbox.signals.removeFirst()
            }
            if let signal { continuation.resume(returning: signal) }
        }
    }
}

/// What a step returned or threw, kept for the write that owns it (the leader runs it on its own task).
private final class StepOutcome<Value: Sendable>: Sendable {
    private let result = Mutex<Result<Recorded<Value>?, any Error>?>(nil)

    func keep(_ result: Result<Recorded<Value>?, any Error>) {
        self.result.withLock { $0 = result }
    }

    /// The step's value, or what it threw.
    func value() throws -> Recorded<Value>? {
        guard let result = self.result.withLock({ $0 }) else { throw WriteOrderError.stepNotRun }
        return try result.get()
    }
}
