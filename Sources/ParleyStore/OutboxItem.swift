/// A webhook to deliver: where, what, and the key the receiver uses to drop duplicates.
public struct WebhookRequest: Sendable, Equatable {
    /// The configured endpoint's name (e.g. "crm"), kept for metrics and the admin API.
    public var endpoint: String
    public var url: String
    /// Sent as the `Idempotency-Key` header; unique in the outbox (a second enqueue with the
    /// same key is ignored and returns the first item's id).
    public var idempotencyKey: String
    /// The JSON body.
    public var payloadJSON: String

    public init(endpoint: String, url: String, idempotencyKey: String, payloadJSON: String) {
        self.endpoint = endpoint
        self.url = url
        self.idempotencyKey = idempotencyKey
        self.payloadJSON = payloadJSON
    }
}

public enum OutboxState: String, Sendable, Equatable, CaseIterable {
    /// Waiting for its next attempt (or being attempted, when claimed).
    case pending
    case delivered
    /// Failed permanently (a 4xx other than 408/429) or ran out of attempts; kept for inspection.
    case dead
}

/// A row of `webhook_outbox`.
public struct OutboxItem: Sendable, Equatable {
    public var id: Int64
    public var idempotencyKey: String
    public var endpoint: String
    public var url: String
    public var payloadJSON: String
    public var createdAtMs: Int64
    public var attempts: Int
    public var nextAttemptAtMs: Int64
    public var lastStatus: Int?
    public var lastError: String?
    public var deliveredAtMs: Int64?
    public var state: OutboxState
    public var claimedAtMs: Int64?
    public var deadAtMs: Int64?
}

/// Outbox size by state, for metrics (`webhook backlog`) and the admin API.
public struct OutboxCounts: Sendable, Equatable {
    public var pending: Int
    public var delivered: Int
    public var dead: Int

    public init(pending: Int = 0, delivered: Int = 0, dead: Int = 0) {
        self.pending = pending
        self.delivered = delivered
        self.dead = dead
    }
}

/// What `markFailed` decided.
public enum FailureDecision: Sendable, Equatable {
    case retry(nextAttemptAtMs: Int64)
    case dead
}
