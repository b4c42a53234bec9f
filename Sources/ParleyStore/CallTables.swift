import Foundation

/// Synchronous reads and writes of `calls`, `turns` and `events` on one connection. The
/// `CallStore` actor calls these on its own executor; `parley calls export` calls the reads
/// directly on a read-only connection.
public enum CallTables {
    static let insertCallSQL = """
        INSERT INTO calls (call_id, node_id, direction, from_uri, to_uri, script, script_version, variant,
                           started_at, sip_call_id)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    static let answerSQL = "UPDATE calls SET answered_at = ? WHERE call_id = ?"
    static let insertTurnSQL = """
        INSERT OR REPLACE INTO turns (call_id, seq, state, prompt, barged_in, transcript, intent, confidence,
                                      emotion, response_ms, barge_in_ms)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    static let insertEventSQL = "INSERT INTO events (call_id, seq, at, kind, json) VALUES (?, ?, ?, ?, ?)"
    /// `variant` is kept when the end does not know it (NULL).
    static let endSQL = "UPDATE calls SET ended_at = ?, disposition = ?, tags = ?, variant = COALESCE(?, variant) WHERE call_id = ?"
    static let selectColumns = """
        call_id, node_id, direction, from_uri, to_uri, script, script_version, variant, started_at,
        answered_at, ended_at, disposition, tags, sip_call_id
        """

    static func insert(_ start: CallStart, in db: Database) throws {
        try db.run(insertCallSQL, [start.callId, start.nodeId, start.direction.rawValue, start.fromURI, start.toURI,
                                   start.script, start.scriptVersion, start.variant, start.startedAtMs, start.sipCallId])
    }

    static func answer(callId: String, atMs: Int64, in db: Database) throws {
        guard try db.run(answerSQL, [atMs, callId]) == 1 else {
            throw StoreError(.notFound, message: "no call row to mark answered", sql: answerSQL)
        }
    }

    static func insert(_ turn: TurnRecord, callId: String, in db: Database) throws {
        try db.run(insertTurnSQL, [callId, turn.seq, turn.state, turn.prompt, turn.bargedIn, turn.transcript,
                                   turn.intent, turn.confidence, turn.emotion, turn.responseMs, turn.bargeInMs])
    }

    static func insert(_ event: EventRecord, callId: String, in db: Database) throws {
        try db.run(insertEventSQL, [callId, event.seq, event.atMs, event.kind, event.json])
    }

    static func end(callId: String, atMs: Int64, disposition: String, tags: [String: String], variant: String? = nil,
                    in db: Database) throws {
        let variantValue: SQLValue = variant.map { .text($0) } ?? .null
        guard try db.run(endSQL, [.integer(atMs), .text(disposition), .text(try tagsJSON(tags)), variantValue,
                                  .text(callId)]) == 1 else {
            throw StoreError(.notFound, message: "no call row to end", sql: endSQL)
        }
    }

    /// Tags as a JSON object with sorted keys.
    public static func tagsJSON(_ tags: [String: String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let text = String(data: try encoder.encode(tags), encoding: .utf8) else {
            throw StoreError(.invalidArgument, message: "tags are not UTF-8")
        }
        return text
    }

    static func decodeTags(_ text: String?) throws -> [String: String] {
        guard let text, !text.isEmpty else { return [:] }
        do {
            return try JSONDecoder().decode([String: String].self, from: Data(text.utf8))
        } catch {
            throw StoreError(.decode, message: "calls.tags is not a JSON object of strings")
        }
    }

    // MARK: Reads

    public static func call(id: String, in db: Database) throws -> CallRow? {
        try db.query("SELECT \(selectColumns) FROM calls WHERE call_id = ?", [id]).first.map(decodeCall)
    }

    /// Calls matching `query`, oldest first (by `started_at`, then `call_id`).
    public static func calls(matching query: CallQuery, in db: Database) throws -> [CallRow] {
        var clauses: [String] = []
        var values: [any SQLValueConvertible] = []
        if let since = query.sinceMs { clauses.append("started_at >= ?"); values.append(since) }
        if let until = query.untilMs { clauses.append("started_at < ?"); values.append(until) }
        if let disposition = query.disposition { clauses.append("disposition = ?"); values.append(disposition) }
        if let script = query.script { clauses.append("script = ?"); values.append(script) }
        var sql = "SELECT \(selectColumns) FROM calls"
        if !clauses.isEmpty { sql += " WHERE " + clauses.joined(separator: " AND ") }
        sql += " ORDER BY started_at, call_id"
        if let limit = query.limit {
            guard limit >= 0 else { throw StoreError(.invalidArgument, message: "limit must be ≥ 0") }
            sql += " LIMIT ?"
            values.append(limit)
        }
        return try db.query(sql, values).map(decodeCall)
    }

    public static func turns(callId: String, in db: Database) throws -> [TurnRecord] {
        try db.query("""
            SELECT seq, state, prompt, barged_in, transcript, intent, confidence, emotion, response_ms, barge_in_ms
            FROM turns WHERE call_id = ? ORDER BY seq
            """, [callId]).map { row in
            TurnRecord(seq: row[0].int ?? 0, state: row[1].string ?? "", prompt: row[2].string,
                       bargedIn: row[3].bool ?? false, transcript: row[4].string, intent: row[5].string,
                       confidence: row[6].double, emotion: row[7].string, responseMs: row[8].int, bargeInMs: row[9].int)
        }
    }

    public static func events(callId: String, in db: Database) throws -> [EventRecord] {
        try db.query("SELECT seq, at, kind, json FROM events WHERE call_id = ? ORDER BY seq", [callId]).map { row in
            EventRecord(seq: row[0].int ?? 0, atMs: row[1].int64 ?? 0, kind: row[2].string ?? "", json: row[3].string ?? "{}")
        }
    }

    static func decodeCall(_ row: Row) throws -> CallRow {
        guard let callId = row[0].string, let direction = row[2].string.flatMap(CallDirection.init(rawValue:)),
              let startedAt = row[8].int64 else {
            throw StoreError(.decode, message: "calls row is missing call_id, direction or started_at")
        }
        return CallRow(callId: callId, nodeId: row[1].string ?? "", direction: direction,
                       fromURI: row[3].string ?? "", toURI: row[4].string ?? "", script: row[5].string,
                       scriptVersion: row[6].string, variant: row[7].string, startedAtMs: startedAt,
                       answeredAtMs: row[9].int64, endedAtMs: row[10].int64, disposition: row[11].string,
                       tags: try decodeTags(row[12].string), sipCallId: row[13].string)
    }
}
