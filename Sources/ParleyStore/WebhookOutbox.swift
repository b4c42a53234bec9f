/// The durable webhook queue, kept in the store's `webhook_outbox` table.
///
/// - `enqueue` adds an item due now (or `CallStore.callEnded(…, webhooks:)` adds it in the same
///   transaction as the call's end). The idempotency key is unique: enqueuing it again is a no-op.
/// - `claimDue` hands out pending items whose `next_attempt_at` has come, marking them claimed so
///   a second claim does not return them again. Claims are not durable promises: after a restart
///   `releaseClaims` returns items whose delivery was interrupted to the queue (at-least-once
///   delivery; the receiver drops duplicates by the `Idempotency-Key` header).
/// - `markDelivered` ends an item; `markFailed` counts the attempt and either schedules the next
///   one with exponential backoff and jitter, or — for a permanent failure or when `maxAttempts`
///   is reached — moves it to `dead`, where it stays for inspection and `requeue`.
///   Nothing is deleted.
public struct WebhookOutbox: Sendable {
    public let store: CallStore
    public let policy: BackoffPolicy
    public let clock: StoreClock
    public let jitter: JitterSource

    public init(store: CallStore, policy: BackoffPolicy = BackoffPolicy(), clock: StoreClock? = nil,
                jitter: JitterSource = .system) {
        self.store = store
        self.policy = policy
        self.clock = clock ?? store.clock
        self.jitter = jitter
    }

    /// Queues `request`, due now; returns its id (the existing id when the key is already queued).
    @discardableResult
    public func enqueue(_ request: WebhookRequest) async throws -> Int64 {
        try await store.outboxEnqueue(request, nowMs: clock.nowMs())
    }

    /// Claims up to `limit` due items.
    public func claimDue(limit: Int) async throws -> [OutboxItem] {
        try await store.outboxClaimDue(nowMs: clock.nowMs(), limit: max(0, limit))
    }

    public func markDelivered(id: Int64, status: Int) async throws {
        try await store.outboxMarkDelivered(id: id, status: status, nowMs: clock.nowMs())
    }

    /// Records a failed attempt. `permanent` dead-letters at once (e.g. HTTP 400).
    @discardableResult
    public func markFailed(id: Int64, status: Int?, error: String, permanent: Bool) async throws -> FailureDecision {
        try await store.outboxMarkFailed(id: id, status: status, error: error, permanent: permanent,
                                         nowMs: clock.nowMs(), policy: policy, unit: jitter.nextUnit())
    }

    /// Returns every claimed, unfinished item to the queue; call once at start-up.
    @discardableResult
    public func releaseClaims() async throws -> Int {
        try await store.outboxReleaseClaims()
    }

    /// Moves a dead item back to pending with a fresh attempt budget.
    public func requeue(id: Int64) async throws {
        try await store.outboxRequeue(id: id, nowMs: clock.nowMs())
    }

    /// When the earliest unclaimed pending item is due, if any.
    public func nextDueAtMs() async throws -> Int64? { try await store.outboxNextDueAtMs() }

    public func counts() async throws -> OutboxCounts { try await store.outboxCounts() }

    public func items(state: OutboxState? = nil, limit: Int = 1_000) async throws -> [OutboxItem] {
        try await store.outboxItems(state: state, limit: limit)
    }

    public func item(id: Int64) async throws -> OutboxItem? { try await store.outboxItem(id: id) }
}
