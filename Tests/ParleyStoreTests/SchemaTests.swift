import Foundation
import Testing
@testable import ParleyStore

@Suite struct SchemaTests {
    func columns(_ table: String, in db: Database) throws -> [String] {
        try db.query("PRAGMA table_info(\(table))").compactMap { $0["name"].string }
    }

    @Test func freshStoreCreatesEveryTableAndRecordsItsVersion() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let store = try openStore(dir)
        let db = try Database(path: store.path)
        #expect(try columns("calls", in: db) == [
            "call_id", "node_id", "direction", "from_uri", "to_uri", "script", "script_version", "variant",
            "started_at", "answered_at", "ended_at", "disposition", "tags", "sip_call_id",
        ])
        #expect(try columns("turns", in: db) == [
            "call_id", "seq", "state", "prompt", "barged_in", "transcript", "intent", "confidence", "emotion",
            "response_ms", "barge_in_ms",
        ])
        #expect(try columns("events", in: db) == ["call_id", "seq", "at", "kind", "json"])
        #expect(try columns("webhook_outbox", in: db) == [
            "id", "idempotency_key", "endpoint", "url", "payload", "created_at", "attempts", "next_attempt_at",
            "last_status", "last_error", "delivered_at", "state", "claimed_at", "dead_at",
        ])
        #expect(try Migrator.version(of: "store", in: db) == StoreSchema.migrations.count)
        #expect(try db.scalar("PRAGMA journal_mode").string == "wal")
        // NORMAL = 1 on the store's own connection, FULL = 2 when asked for power-loss durability.
        #expect(try db.scalar("PRAGMA synchronous").int == 1)
        let full = try Database(path: dir.file("full.sqlite"), options: .init(durability: .powerLoss))
        #expect(try full.scalar("PRAGMA synchronous").int == 2)
    }

    @Test func migratingAgainIsANoOpAndKeepsData() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        do {
            let store = try openStore(dir)
            try store.callStarted(sampleStart("c1"))
            try await store.callEnded(callId: "c1", atMs: 1_700_000_060_000, disposition: "completed", tags: [:])
        }
        let db = try Database(path: dir.file("parley.sqlite"))
        #expect(try StoreSchema.migrate(db, nowMs: 1) == [])
        #expect(try StoreSchema.migrate(db, nowMs: 2) == [])
        let reopened = try openStore(dir)
        #expect(try await reopened.call(id: "c1")?.disposition == "completed")
        #expect(try db.scalar("SELECT COUNT(*) FROM schema_version").int == 1)
        #expect(try db.scalar("SELECT applied_at FROM schema_version WHERE component = 'store'").int64 != 2)
    }

    @Test func laterMigrationsApplyOnlyTheMissingSteps() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let db = try Database(path: dir.file("m.sqlite"))
        let v1 = Migration(version: 1, summary: "t", sql: "CREATE TABLE t (a INTEGER)")
        let v2 = Migration(version: 2, summary: "t.b", sql: "ALTER TABLE t ADD COLUMN b TEXT")
        #expect(try Migrator.migrate(db, component: "demo", migrations: [v1], nowMs: 1) == [1])
        try db.run("INSERT INTO t (a) VALUES (?)", [7])
        #expect(try Migrator.migrate(db, component: "demo", migrations: [v1, v2], nowMs: 2) == [2])
        #expect(try Migrator.migrate(db, component: "demo", migrations: [v2, v1], nowMs: 3) == [])
        #expect(try db.query("SELECT a, b FROM t").first?.values == [.integer(7), .null])
        #expect(try Migrator.version(of: "demo", in: db) == 2)
        // A file from a newer program is refused rather than guessed at.
        let error = #expect(throws: StoreError.self) { try Migrator.migrate(db, component: "demo", migrations: [v1], nowMs: 4) }
        #expect(error?.code == .schema)
    }

    @Test func aFailingMigrationRollsBackWholly() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let db = try Database(path: dir.file("m.sqlite"))
        let v1 = Migration(version: 1, summary: "t", sql: "CREATE TABLE t (a INTEGER)")
        let bad = Migration(version: 2, summary: "bad", sql: "CREATE TABLE u (x INTEGER); ALTER TABLE missing ADD COLUMN y")
        try Migrator.migrate(db, component: "demo", migrations: [v1], nowMs: 1)
        let error = #expect(throws: StoreError.self) { try Migrator.migrate(db, component: "demo", migrations: [v1, bad], nowMs: 2) }
        #expect(error?.code == .schema)
        #expect(error?.sql?.contains("ALTER TABLE missing") == true)
        #expect(try Migrator.version(of: "demo", in: db) == 1)
        #expect(try db.scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'u'").int == 0)
        #expect(!db.isInTransaction)
    }

    @Test func misnumberedMigrationsAreRejected() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let db = try Database(path: dir.file("m.sqlite"))
        let gap = [Migration(version: 1, summary: "a", sql: "SELECT 1"), Migration(version: 3, summary: "c", sql: "SELECT 1")]
        let error = #expect(throws: StoreError.self) { try Migrator.migrate(db, component: "x", migrations: gap, nowMs: 1) }
        #expect(error?.code == .schema)
    }
}
