/// Outbox operations on the store's connection (see `WebhookOutbox`).
extension CallStore {
    func outboxEnqueue(_ request: WebhookRequest, nowMs: Int64) throws -> Int64 {
        flush()
        return try db.transaction { try OutboxTables.enqueue(request, nowMs: nowMs, in: db).id }
    }

    func outboxClaimDue(nowMs: Int64, limit: Int) throws -> [OutboxItem] {
        try OutboxTables.claimDue(nowMs: nowMs, limit: limit, in: db)
    }

    func outboxMarkDelivered(id: Int64, status: Int, nowMs: Int64) throws {
        try OutboxTables.markDelivered(id: id, status: status, nowMs: nowMs, in: db)
    }

    func outboxMarkFailed(id: Int64, status: Int?, error: String, permanent: Bool, nowMs: Int64,
                          policy: BackoffPolicy, unit: Double) throws -> FailureDecision {
        try OutboxTables.markFailed(id: id, status: status, error: error, permanent: permanent, nowMs: nowMs,
                                    policy: policy, unit: unit, in: db)
    }

    func outboxReleaseClaims() throws -> Int { try OutboxTables.releaseClaims(in: db) }

    func outboxRequeue(id: Int64, nowMs: Int64) throws { try OutboxTables.requeue(id: id, nowMs: nowMs, in: db) }

    func outboxNextDueAtMs() throws -> Int64? { try OutboxTables.nextDueAtMs(in: db) }

    func outboxCounts() throws -> OutboxCounts { try OutboxTables.counts(in: db) }

    func outboxItems(state: OutboxState?, limit: Int) throws -> [OutboxItem] {
        try OutboxTables.items(state: state, limit: limit, in: db)
    }

    func outboxItem(id: Int64) throws -> OutboxItem? { try OutboxTables.item(id: id, in: db) }
}
