// Safety invariants (pointer-level SQLite calls):
// - `raw` is a valid `sqlite3_stmt*` owned by exactly one `Statement`, finalized once by
//   `finalize()` (called by the owning `Database` before it closes its connection).
// - A statement is used only by the thread that currently owns its `Database` (see
//   Database+C.swift); it is reset and its bindings cleared before every use.
// - Text and blob values are bound with SQLITE_TRANSIENT, so SQLite copies them before
//   `sqlite3_bind_*` returns; column text/blob pointers are copied into Swift values before
//   the next step or reset.
import CSQLite

/// A prepared statement cached by its `Database`.
final class Statement {
    let raw: OpaquePointer
    unowned let database: Database
    let sql: String
    private(set) lazy var columnNames: [String] = (0..<sqlite3_column_count(raw)).map {
        String(cString: sqlite3_column_name(raw, $0))
    }

    init(raw: OpaquePointer, database: Database, sql: String) {
        self.raw = raw
        self.database = database
        self.sql = sql
    }

    func finalize() { sqlite3_finalize(raw) }

    func bind(_ values: [SQLValue]) throws {
        sqlite3_reset(raw)
        sqlite3_clear_bindings(raw)
        let expected = Int(sqlite3_bind_parameter_count(raw))
        guard values.count == expected else {
            throw StoreError(.invalidArgument, message: "statement takes \(expected) values, \(values.count) given", sql: sql)
        }
        for (offset, value) in values.enumerated() {
            let index = Int32(offset + 1)
            let result: Int32
            switch value {
            case .null: result = sqlite3_bind_null(raw, index)
            case .integer(let v): result = sqlite3_bind_int64(raw, index, v)
            case .real(let v): result = sqlite3_bind_double(raw, index, v)
            case .text(let v): result = sqlite3_bind_text(raw, index, v, -1, parley_sqlite_transient())
            case .blob(let v):
                result = v.withUnsafeBytes { bytes in
                    sqlite3_bind_blob(raw, index, bytes.baseAddress, Int32(bytes.count), parley_sqlite_transient())
                }
            }
            guard result == SQLITE_OK else { throw database.error(result, sql: sql) }
        }
    }

    /// Steps once: true when a row is available, false when done.
    func step() throws -> Bool {
        let result = sqlite3_step(raw)
        switch result {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default:
            let error = database.error(result, sql: sql)
            sqlite3_reset(raw)
            throw error
        }
    }

    func reset() { sqlite3_reset(raw) }

    func currentRow() -> Row {
        let count = sqlite3_column_count(raw)
        var values: [SQLValue] = []
        values.reserveCapacity(Int(count))
        for column in 0..<count {
            switch sqlite3_column_type(raw, column) {
            case SQLITE_INTEGER: values.append(.integer(sqlite3_column_int64(raw, column)))
            case SQLITE_FLOAT: values.append(.real(sqlite3_column_double(raw, column)))
            case SQLITE_TEXT:
                if let text = sqlite3_column_text(raw, column) {
                    values.append(.text(String(cString: text)))
                } else {
                    values.append(.text(""))
                }
            case SQLITE_BLOB:
                let count = Int(sqlite3_column_bytes(raw, column))
                if let base = sqlite3_column_blob(raw, column), count > 0 {
                    values.append(.blob(Array(UnsafeRawBufferPointer(start: base, count: count))))
                } else {
                    values.append(.blob([]))
                }
            default: values.append(.null)
            }
        }
        return Row(columns: columnNames, values: values)
    }
}
