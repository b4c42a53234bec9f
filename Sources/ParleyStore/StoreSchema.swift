/// The store's tables. Times are INTEGER milliseconds since the Unix epoch (UTC); JSON columns
/// hold text checked with `json_valid`. See docs/store.md.
public enum StoreSchema {
    public static let component = "store"

    public static let migrations: [Migration] = [
        Migration(version: 1, summary: "calls, turns, events, webhook_outbox", sql: """
            CREATE TABLE IF NOT EXISTS calls (
                call_id        TEXT PRIMARY KEY,
                node_id        TEXT NOT NULL DEFAULT '',
                direction      TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
                from_uri       TEXT NOT NULL,
                to_uri         TEXT NOT NULL,
                script         TEXT,
                script_version TEXT,
                variant        TEXT,
                started_at     INTEGER NOT NULL,
                answered_at    INTEGER,
                ended_at       INTEGER,
                disposition    TEXT,
                tags           TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(tags)),
                sip_call_id    TEXT
            );
            CREATE INDEX IF NOT EXISTS calls_by_started_at ON calls (started_at);
            CREATE INDEX IF NOT EXISTS calls_by_disposition ON calls (disposition, started_at);
            CREATE INDEX IF NOT EXISTS calls_by_sip_call_id ON calls (sip_call_id);

            CREATE TABLE IF NOT EXISTS turns (
                call_id     TEXT NOT NULL REFERENCES calls (call_id) ON DELETE CASCADE,
                seq         INTEGER NOT NULL,
                state       TEXT NOT NULL,
                prompt      TEXT,
                barged_in   INTEGER NOT NULL DEFAULT 0 CHECK (barged_in IN (0, 1)),
                transcript  TEXT,
                intent      TEXT,
                confidence  REAL,
                emotion     TEXT,
                response_ms INTEGER,
                barge_in_ms INTEGER,
                PRIMARY KEY (call_id, seq)
            ) WITHOUT ROWID;

            CREATE TABLE IF NOT EXISTS events (
                call_id TEXT NOT NULL REFERENCES calls (call_id) ON DELETE CASCADE,
                seq     INTEGER NOT NULL,
                at      INTEGER NOT NULL,
                kind    TEXT NOT NULL,
                json    TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(json)),
                PRIMARY KEY (call_id, seq)
            ) WITHOUT ROWID;

            CREATE TABLE IF NOT EXISTS webhook_outbox (
                id              INTEGER PRIMARY KEY AUTOINCREMENT,
                idempotency_key TEXT NOT NULL UNIQUE,
                endpoint        TEXT NOT NULL,
                url             TEXT NOT NULL,
                payload         TEXT NOT NULL CHECK (json_valid(payload)),
                created_at      INTEGER NOT NULL,
                attempts        INTEGER NOT NULL DEFAULT 0,
                next_attempt_at INTEGER NOT NULL,
                last_status     INTEGER,
                last_error      TEXT,
                delivered_at    INTEGER,
                state           TEXT NOT NULL DEFAULT 'pending'
                                CHECK (state IN ('pending', 'delivered', 'dead')),
                claimed_at      INTEGER,
                dead_at         INTEGER
            );
            CREATE INDEX IF NOT EXISTS webhook_outbox_due ON webhook_outbox (state, next_attempt_at);
            """),
    ]

    /// Creates or upgrades the store's tables; safe to call on every open.
    @discardableResult
    public static func migrate(_ database: Database, nowMs: Int64) throws -> [Int] {
        try Migrator.migrate(database, component: component, migrations: migrations, nowMs: nowMs)
    }
}
