/// Synchronous operations on `webhook_outbox` for one connection (see `WebhookOutbox` for
/// the semantics).
enum OutboxTables {
    static let columns = """
        id, idempotency_key, endpoint, url, payload, created_at, attempts, next_attempt_at, last_status,
        last_error, delivered_at, state, claimed_at, dead_at
        """

    /// Inserts `request` due at `nowMs`; returns the item's id and whether it is new.
    static func enqueue(_ request: WebhookRequest, nowMs: Int64, in db: Database) throws -> (id: Int64, inserted: Bool) {
        guard !request.idempotencyKey.isEmpty else {
            throw StoreError(.invalidArgument, message: "webhook idempotency key is empty")
        }
        let sql = """
            INSERT INTO webhook_outbox (idempotency_key, endpoint, url, payload, created_at, next_attempt_at)
            VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (idempotency_key) DO NOTHING
            """
        if try db.run(sql, [request.idempotencyKey, request.endpoint, request.url, request.payloadJSON, nowMs, nowMs]) == 1 {
            return (db.lastInsertRowID, true)
        }
        let existing = "SELECT id FROM webhook_outbox WHERE idempotency_key = ?"
        guard let id = try db.scalar(existing, [request.idempotencyKey]).int64 else {
            throw StoreError(.notFound, message: "outbox item vanished after a key conflict", sql: existing)
        }
        return (id, false)
    }

    /// Claims up to `limit` pending, unclaimed items due at `nowMs`, oldest due first.
    static func claimDue(nowMs: Int64, limit: Int, in db: Database) throws -> [OutboxItem] {
        let rows = try db.query("""
            UPDATE webhook_outbox SET claimed_at = ?
            WHERE id IN (SELECT id FROM webhook_outbox
                         WHERE state = 'pending' AND claimed_at IS NULL AND next_attempt_at <= ?
                         ORDER BY next_attempt_at, id LIMIT ?)
            RETURNING \(columns)
            """, [nowMs, nowMs, limit])
        return try rows.map(decode).sorted { ($0.nextAttemptAtMs, $0.id) < ($1.nextAttemptAtMs, $1.id) }
    }

    static func markDelivered(id: Int64, status: Int, nowMs: Int64, in db: Database) throws {
        let sql = """
            UPDATE webhook_outbox
            SET state = 'delivered', delivered_at = ?, attempts = attempts + 1, last_status = ?, last_error = NULL,
                claimed_at = NULL
            WHERE id = ? AND state = 'pending'
            """
        guard try db.run(sql, [nowMs, status, id]) == 1 else {
            throw StoreError(.notFound, message: "no pending outbox item \(id)", sql: sql)
        }
    }

    static func markFailed(id: Int64, status: Int?, error: String, permanent: Bool, nowMs: Int64,
                           policy: BackoffPolicy, unit: Double, in db: Database) throws -> FailureDecision {
        try db.transaction {
            let select = "SELECT attempts FROM webhook_outbox WHERE id = ? AND state = 'pending'"
            guard let attempts = try db.scalar(select, [id]).int else {
                throw StoreError(.notFound, message: "no pending outbox item \(id)", sql: select)
            }
            let made = attempts + 1
            if permanent || made >= policy.maxAttempts {
                try db.run("""
                    UPDATE webhook_outbox SET state = 'dead', dead_at = ?, attempts = ?, last_status = ?, last_error = ?,
                                              claimed_at = NULL
                    WHERE id = ?
                    """, [nowMs, made, status, error, id])
                return .dead
            }
            let next = nowMs + policy.delayMs(afterAttempt: made, unit: unit)
            try db.run("""
                UPDATE webhook_outbox SET attempts = ?, next_attempt_at = ?, last_status = ?, last_error = ?, claimed_at = NULL
                WHERE id = ?
                """, [made, next, status, error, id])
            return .retry(nextAttemptAtMs: next)
        }
    }

    /// Returns claimed-but-unfinished items to the queue (after a restart); returns how many.
    static func releaseClaims(in db: Database) throws -> Int {
        try db.run("UPDATE webhook_outbox SET claimed_at = NULL WHERE state = 'pending' AND claimed_at IS NOT NULL")
    }

    /// Puts a dead item back in the queue with a fresh attempt budget (an operator's retry).
    static func requeue(id: Int64, nowMs: Int64, in db: Database) throws {
        let sql = """
            UPDATE webhook_outbox SET state = 'pending', attempts = 0, next_attempt_at = ?, dead_at = NULL, claimed_at = NULL
            WHERE id = ? AND state = 'dead'
            """
        guard try db.run(sql, [nowMs, id]) == 1 else {
            throw StoreError(.notFound, message: "no dead outbox item \(id)", sql: sql)
        }
    }

    static func nextDueAtMs(in db: Database) throws -> Int64? {
        try db.scalar("SELECT MIN(next_attempt_at) FROM webhook_outbox WHERE state = 'pending' AND claimed_at IS NULL").int64
    }

    static func counts(in db: Database) throws -> OutboxCounts {
        var counts = OutboxCounts()
        for row in try db.query("SELECT state, COUNT(*) FROM webhook_outbox GROUP BY state") {
            let n = row[1].int ?? 0
            switch row[0].string.flatMap(OutboxState.init(rawValue:)) {
            case .pending: counts.pending = n
            case .delivered: counts.delivered = n
            case .dead: counts.dead = n
            case nil: break
            }
        }
        return counts
    }

    static func items(state: OutboxState?, limit: Int, in db: Database) throws -> [OutboxItem] {
        if let state {
            return try db.query("SELECT \(columns) FROM webhook_outbox WHERE state = ? ORDER BY id LIMIT ?",
                                [state.rawValue, limit]).map(decode)
        }
        return try db.query("SELECT \(columns) FROM webhook_outbox ORDER BY id LIMIT ?", [limit]).map(decode)
    }

    static func item(id: Int64, in db: Database) throws -> OutboxItem? {
        try db.query("SELECT \(columns) FROM webhook_outbox WHERE id = ?", [id]).first.map(decode)
    }

    static func decode(_ row: Row) throws -> OutboxItem {
        guard let id = row[0].int64, let key = row[1].string,
              let state = row[11].string.flatMap(OutboxState.init(rawValue:)) else {
            throw StoreError(.decode, message: "webhook_outbox row is missing id, key or state")
        }
        return OutboxItem(id: id, idempotencyKey: key, endpoint: row[2].string ?? "", url: row[3].string ?? "",
                          payloadJSON: row[4].string ?? "{}", createdAtMs: row[5].int64 ?? 0, attempts: row[6].int ?? 0,
                          nextAttemptAtMs: row[7].int64 ?? 0, lastStatus: row[8].int, lastError: row[9].string,
                          deliveredAtMs: row[10].int64, state: state, claimedAtMs: row[12].int64, deadAtMs: row[13].int64)
    }
}
