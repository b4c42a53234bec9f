import Foundation
import Synchronization

/// The call record store: one SQLite file (`parley.sqlite`) in the data directory.
///
/// An actor on its own serial executor (a dispatch queue): callers from any task `await` it,
/// the compiler checks that the non-Sendable connection is touched only from that executor,
/// and blocking disk work never ties up the cooperative thread pool.
///
/// Writes while a call runs (`callStarted`, `callAnswered`, `turnRecorded`, `eventRecorded`)
/// are synchronous and never wait: they append to a queue under a short lock (no `await`, so a
/// call session stays free of suspension points) and are committed together in one transaction
/// by a flush that runs on the store's executor (group commit). `callEnded` commits the queued
/// writes, the end of the call and any webhooks in one transaction and returns only after the
/// commit: with WAL and `synchronous=NORMAL` the call's row is then in the WAL file and survives
/// the process being killed.
public actor CallStore {
    public struct Configuration: Sendable {
        public var directory: String
        public var fileName: String
        public var durability: Database.Durability
        public var busyTimeoutMs: Int32
        public var clock: StoreClock

        public init(directory: String, fileName: String = "parley.sqlite", durability: Database.Durability = .processCrash,
                    busyTimeoutMs: Int32 = 5_000, clock: StoreClock = .system) {
            self.directory = directory
            self.fileName = fileName
            self.durability = durability
            self.busyTimeoutMs = busyTimeoutMs
            self.clock = clock
        }
    }

    /// Counters for metrics.
    public struct Statistics: Sendable, Equatable {
        public var callsStarted = 0
        public var callsEnded = 0
        public var turns = 0
        public var events = 0
        /// Transactions that committed queued writes (group commits).
        public var flushes = 0
        /// Queued writes that failed on their own (after a batch failed and was replayed one by one).
        public var writeFailures = 0
        public var lastWriteError: StoreError?
    }

    enum PendingWrite: Sendable {
        case start(CallStart)
        case answer(callId: String, atMs: Int64)
        case turn(callId: String, TurnRecord)
        case event(callId: String, EventRecord)
    }

    nonisolated let executor: StoreExecutor
    public nonisolated var unownedExecutor: UnownedSerialExecutor { executor.asUnownedSerialExecutor() }
    public nonisolated let path: String
    public nonisolated let clock: StoreClock

    struct PendingQueue: Sendable {
        var writes: [PendingWrite] = []
        var flushScheduled = false
        var eventSeq: [String: Int] = [:]
    }

    let db: Database
    nonisolated let pending = Mutex(PendingQueue())
    public private(set) var statistics = Statistics()

    /// Opens (creating the directory and file if needed) and migrates the store.
    public init(configuration: Configuration) throws {
        try FileManager.default.createDirectory(atPath: configuration.directory, withIntermediateDirectories: true)
        let path = (configuration.directory as NSString).appendingPathComponent(configuration.fileName)
        let db = try Database(path: path, options: .init(durability: configuration.durability,
                                                         busyTimeoutMs: configuration.busyTimeoutMs))
        try StoreSchema.migrate(db, nowMs: configuration.clock.nowMs())
        self.db = db
        self.path = path
        self.clock = configuration.clock
        self.executor = StoreExecutor(label: "parley.store")
    }

    /// `$PARLEY_DATA_DIR`, else `.data`.
    public static func defaultDataDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let dir = environment["PARLEY_DATA_DIR"], !dir.isEmpty { return dir }
        return ".data"
    }

    // MARK: Writes as the call goes (group-committed)

    public nonisolated func callStarted(_ start: CallStart) throws {
        guard !start.callId.isEmpty else { throw StoreError(.invalidArgument, message: "call id is empty") }
        enqueue(.start(start)) { $0.eventSeq[start.callId] = 0 }
    }

    public nonisolated func callAnswered(callId: String, atMs: Int64) {
        enqueue(.answer(callId: callId, atMs: atMs))
    }

    public nonisolated func turnRecorded(callId: String, turn: TurnRecord) {
        enqueue(.turn(callId: callId, turn))
    }

    /// Records an event; returns its sequence number within the call (1, 2, …).
    @discardableResult
    public nonisolated func eventRecorded(callId: String, atMs: Int64, kind: String, json: String = "{}") -> Int {
        pending.withLock { queue in
            let seq = (queue.eventSeq[callId] ?? 0) + 1
            queue.eventSeq[callId] = seq
            queue.writes.append(.event(callId: callId, EventRecord(seq: seq, atMs: atMs, kind: kind, json: json)))
            scheduleFlush(&queue)
            return seq
        }
    }

    /// In-call writes queued and not yet committed (for metrics).
    public nonisolated var queuedWriteCount: Int { pending.withLock { $0.writes.count } }

    // MARK: The durable end of a call

    /// Ends the call and, in the same transaction, queues `webhooks` in the outbox. Returns
    /// after the commit. Returns the outbox ids of `webhooks` (an existing id when a key was
    /// already queued).
    @discardableResult
    public func callEnded(callId: String, atMs: Int64, disposition: String, tags: [String: String],
                          variant: String? = nil, webhooks: [WebhookRequest] = []) throws -> [Int64] {
        let batch = takePending(endingCall: callId)
        let nowMs = clock.nowMs()
        let write = { [db] () throws -> [Int64] in
            try CallTables.end(callId: callId, atMs: atMs, disposition: disposition, tags: tags, variant: variant, in: db)
            return try webhooks.map { try OutboxTables.enqueue($0, nowMs: nowMs, in: db).id }
        }
        let ids: [Int64]
        if batch.isEmpty {
            ids = try db.transaction(write)
        } else {
            do {
                ids = try db.transaction {
                    try apply(batch)
                    return try write()
                }
                statistics.flushes += 1
                count(batch)
            } catch {
                replayOneByOne(batch)
                ids = try db.transaction(write)
            }
        }
        statistics.callsEnded += 1
        return ids
    }

    /// Commits every queued write now.
    public func flush() {
        let batch = takePending(endingCall: nil)
        guard !batch.isEmpty else { return }
        do {
            try db.transaction { try apply(batch) }
            statistics.flushes += 1
            count(batch)
        } catch {
            replayOneByOne(batch)
        }
    }

    // MARK: Reads (after committing queued writes)

    public func call(id: String) throws -> CallRow? {
        flush()
        return try CallTables.call(id: id, in: db)
    }

    public func calls(matching query: CallQuery) throws -> [CallRow] {
        flush()
        return try CallTables.calls(matching: query, in: db)
    }

    public func turns(callId: String) throws -> [TurnRecord] {
        flush()
        return try CallTables.turns(callId: callId, in: db)
    }

    public func events(callId: String) throws -> [EventRecord] {
        flush()
        return try CallTables.events(callId: callId, in: db)
    }

    /// Copies the WAL into the main database file (e.g. at a clean shutdown).
    public func checkpoint() throws {
        flush()
        try db.checkpoint()
    }

    /// Runs `body` on the store's connection, on its executor (for modules that keep their own
    /// tables in the same file, e.g. campaign state).
    public func withDatabase<T: Sendable>(_ body: (Database) throws -> T) throws -> T {
        flush()
        return try body(db)
    }

    // MARK: Queue internals

    private nonisolated func enqueue(_ write: PendingWrite, also update: (inout PendingQueue) -> Void = { _ in }) {
        pending.withLock { queue in
            update(&queue)
            queue.writes.append(write)
            scheduleFlush(&queue)
        }
    }

    /// Schedules one flush for everything queued until it runs (called with the lock held).
    private nonisolated func scheduleFlush(_ queue: inout PendingQueue) {
        guard !queue.flushScheduled else { return }
        queue.flushScheduled = true
        Task { await self.flush() }
    }

    private func takePending(endingCall callId: String?) -> [PendingWrite] {
        pending.withLock { queue in
            if let callId { queue.eventSeq[callId] = nil }
            queue.flushScheduled = false
            let writes = queue.writes
            queue.writes.removeAll(keepingCapacity: true)
            return writes
        }
    }

    private func apply(_ batch: [PendingWrite]) throws {
        for write in batch { try apply(write) }
    }

    private func apply(_ write: PendingWrite) throws {
        switch write {
        case .start(let start): try CallTables.insert(start, in: db)
        case .answer(let callId, let atMs): try CallTables.answer(callId: callId, atMs: atMs, in: db)
        case .turn(let callId, let turn): try CallTables.insert(turn, callId: callId, in: db)
        case .event(let callId, let event): try CallTables.insert(event, callId: callId, in: db)
        }
    }

    /// A batch failed: apply each write in its own transaction so one bad write (e.g. a duplicate
    /// call id) costs only itself; failures are counted, never dropped silently.
    private func replayOneByOne(_ batch: [PendingWrite]) {
        for write in batch {
            do {
                try db.transaction { try apply(write) }
                count([write])
            } catch let error as StoreError {
                statistics.writeFailures += 1
                statistics.lastWriteError = error
            } catch {
                statistics.writeFailures += 1
            }
        }
        statistics.flushes += 1
    }

    private func count(_ batch: [PendingWrite]) {
        for write in batch {
            switch write {
            case .start: statistics.callsStarted += 1
            case .answer: break
            case .turn: statistics.turns += 1
            case .event: statistics.events += 1
            }
        }
    }
}
