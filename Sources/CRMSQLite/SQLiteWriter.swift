import GRDB
import Synchronization

/// Runs the store's write transactions, each as `BEGIN IMMEDIATE`, the updates, `COMMIT` (or a rollback when
/// anything throws), by the shorter of two ways:
/// - **At once**, on the calling thread, when no other write of this process is in flight: GRDB's writer is
///   entered synchronously and the write lock is asked for without waiting. This saves the hop to GRDB's writer
///   queue and back, two thread wake-ups per transaction, which made a script of 5,000 creates switch context
///   40,790 times (382 at once) and run at a third of the DESIGN §7 budget.
/// - **Queued**, suspended on GRDB's writer queue, when another write of this process is in flight or another
///   process holds the write lock (`SQLITE_BUSY` at `BEGIN`): `BEGIN` then waits up to the busy timeout, and no
///   thread is blocked meanwhile.
///
/// Either way the updates (and with them the domain's closure and its clock) run at most once, after the write
/// lock is taken: a `BEGIN` that finds the lock taken has run nothing yet, and a failure after the updates ran
/// is reported, never retried.
final class SQLiteWriter: Sendable {
    private let pool: DatabasePool
    /// Sets the writer connection's busy timeout for a queued write (each way sets its own before `BEGIN`).
    private let waitForLock: String
    /// Writes of this process started and not yet finished, either way.
    private let inFlight = Atomic<Int>(0)
    /// Whether the writer connection's busy timeout is off now (as the at-once way leaves it), so a run of writes
    /// at once sets it once instead of once per write. Read and changed only inside the writer's serialized access.
    private let lockWaitIsOff = Atomic<Bool>(false)

    init(pool: DatabasePool, busyTimeoutMilliseconds: Int) {
        self.pool = pool
        self.waitForLock = "PRAGMA busy_timeout = \(busyTimeoutMilliseconds)"
    }

    /// Runs `updates` in one transaction and returns its result once committed.
    func write<T: Sendable>(_ updates: @Sendable (Database) throws -> T) async throws -> T {
        let alone = self.inFlight.add(1, ordering: .acquiringAndReleasing).newValue == 1
        defer { self.inFlight.subtract(1, ordering: .acquiringAndReleasing) }
        if alone, case .committed(let result) = try self.writeAtOnce(updates) { return result }
        return try await self.pool.writeWithoutTransaction { db in
            if self.lockWaitIsOff.exchange(false, ordering: .relaxed) {
                try db.cachedStatement(sql: self.waitForLock).execute()
            }
            try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
            return try Self.finish(db, updates)
        }
    }

    /// What a try at once did: ran to the end, or found the lock taken (or another write of this process in
    /// flight) and ran nothing.
    enum AtOnce<T> {
        case committed(T)
        case lockTaken
    }

    /// Runs `value` in a read transaction on the writer's connection, on the calling thread, when no write of this
    /// process is in flight (`lockTaken` otherwise, having run nothing: read through the reader pool then). A read
    /// here finds the pages the last writes left in this connection's cache, where a reader connection drops its
    /// cache after every write and is lent by a pool that costs more than the read (measured: a login check read
    /// through the pool was 9 % of the CPU of a ticket create from a script). A write arriving meanwhile is queued
    /// behind the read, so only reads of a few rows by key come this way.
    func readAtOnce<T>(_ value: (Database) throws -> T) throws -> AtOnce<T> {
        guard self.inFlight.add(1, ordering: .acquiringAndReleasing).newValue == 1 else {
            self.inFlight.subtract(1, ordering: .acquiringAndReleasing)
            return .lockTaken
        }
        defer { self.inFlight.subtract(1, ordering: .acquiringAndReleasing) }
        return try self.pool.writeWithoutTransaction { db in
            do {
                try db.cachedStatement(sql: "BEGIN DEFERRED TRANSACTION").execute()
                let result = try value(db)
                try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
                return .committed(result)
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
                try? db.rollback()
                return .lockTaken
            } catch {
                try? db.rollback()
                throw error
            }
        }
    }

    /// The at-once way: `BEGIN IMMEDIATE` with the busy timeout off.
    private func writeAtOnce<T>(_ updates: (Database) throws -> T) throws -> AtOnce<T> {
        try self.pool.writeWithoutTransaction { db in
            if !self.lockWaitIsOff.exchange(true, ordering: .relaxed) {
                try db.cachedStatement(sql: "PRAGMA busy_timeout = 0").execute()
            }
            do {
                try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY {
                return .lockTaken
            }
            return .committed(try Self.finish(db, updates))
        }
    }

    /// Runs `updates` in the transaction just begun and commits, or rolls back and rethrows.
    private static func finish<T>(_ db: Database, _ updates: (Database) throws -> T) throws -> T {
        do {
            let result = try updates(db)
            try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
            return result
        } catch {
            try? db.rollback()
            throw error
        }
    }
}
