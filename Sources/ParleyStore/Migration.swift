/// One schema step of a component, applied once and recorded in `schema_version`.
public struct Migration: Sendable {
    public let version: Int
    public let summary: String
    public let sql: String

    public init(version: Int, summary: String, sql: String) {
        self.version = version
        self.summary = summary
        self.sql = sql
    }
}

/// Applies a component's migrations in order. Each component (`store`, and later
/// `campaign`) keeps its own row in `schema_version(component, version, applied_at)`, so
/// modules can own their tables in the same file without sharing one version counter.
/// Running it again is a no-op; each step runs in its own transaction with its version bump.
public enum Migrator {
    static let versionTableSQL = """
        CREATE TABLE IF NOT EXISTS schema_version (
            component  TEXT PRIMARY KEY,
            version    INTEGER NOT NULL,
            applied_at INTEGER NOT NULL
        )
        """

    /// The version of `component` recorded in the file (0 when none).
    public static func version(of component: String, in database: Database) throws -> Int {
        try database.execute(versionTableSQL)
        return try database.scalar("SELECT version FROM schema_version WHERE component = ?", [component]).int ?? 0
    }

    /// Brings `component` up to the last of `migrations`; returns the versions applied now.
    @discardableResult
    public static func migrate(_ database: Database, component: String, migrations: [Migration],
                               nowMs: Int64) throws -> [Int] {
        let ordered = migrations.sorted { $0.version < $1.version }
        for (offset, step) in ordered.enumerated() where step.version != offset + 1 {
            throw StoreError(.schema, message: "\(component) migrations must be numbered 1, 2, 3…; found \(step.version)")
        }
        let current = try version(of: component, in: database)
        if current > ordered.count {
            throw StoreError(.schema, message: "\(component) schema version \(current) is newer than this program (\(ordered.count))")
        }
        var applied: [Int] = []
        for step in ordered where step.version > current {
            do {
                try database.transaction {
                    try database.execute(step.sql)
                    try database.run("""
                        INSERT INTO schema_version (component, version, applied_at) VALUES (?, ?, ?)
                        ON CONFLICT(component) DO UPDATE SET version = excluded.version, applied_at = excluded.applied_at
                        """, [component, step.version, nowMs])
                }
            } catch let error as StoreError {
                throw StoreError(.schema, sqliteCode: error.sqliteCode,
                                 message: "\(component) migration \(step.version) (\(step.summary)) failed: \(error.message)",
                                 sql: error.sql)
            }
            applied.append(step.version)
        }
        return applied
    }
}
