import Foundation

/// Reads the daemon's SQLite store with the Debian `sqlite3` CLI (an independent reader: not
/// the daemon's own code), rows as JSON objects.
struct StoreReader {
    let path: String

    typealias Row = [String: Any]

    func query(_ sql: String) throws -> [Row] {
        guard FileManager.default.fileExists(atPath: path) else { return [] }
        let out = try runTool("/usr/bin/sqlite3", ["-json", "-cmd", ".timeout 5000", path, sql])
        let trimmed = out.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return [] }
        guard let rows = try JSONSerialization.jsonObject(with: Data(trimmed.utf8)) as? [Row] else {
            throw ChildProcess.Failure(description: "sqlite3 -json gave no array: \(trimmed.prefix(300))")
        }
        return rows
    }

    /// One integer (e.g. `SELECT count(*) …`); 0 when the store does not exist yet.
    func integer(_ sql: String) throws -> Int {
        guard let row = try query(sql).first, let value = row.values.first else { return 0 }
        return (value as? Int) ?? Int("\(value)") ?? 0
    }

    func calls() throws -> [Row] { try query("SELECT * FROM calls ORDER BY started_at") }

    /// Rows as text for failure messages (never throws).
    func dump(_ sql: String = "SELECT * FROM calls ORDER BY started_at") -> String {
        do { return "\(try query(sql))" } catch { return "(\(error))" }
    }

    /// `calls.tags` (a JSON object, or a list in case the daemon writes one) → tag names.
    static func tagNames(_ row: Row) -> Set<String> {
        guard let text = row["tags"] as? String,
              let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else { return [] }
        if let dictionary = object as? [String: Any] { return Set(dictionary.keys) }
        if let list = object as? [String] { return Set(list) }
        return []
    }

    static func string(_ row: Row, _ column: String) -> String? {
        guard let value = row[column], !(value is NSNull) else { return nil }
        return "\(value)"
    }

    static func int(_ row: Row, _ column: String) -> Int? {
        guard let value = row[column], !(value is NSNull) else { return nil }
        return (value as? Int) ?? Int("\(value)")
    }
}

/// A quoted SQL string literal.
func sqlLiteral(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
