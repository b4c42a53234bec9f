// Safety invariants (pointer-level SQLite calls):
// - `handle` is a valid `sqlite3*` from `sqlite3_open_v2` for the whole life of the object and
//   is closed exactly once, in `deinit`, after every cached statement has been finalized.
// - The connection is opened with SQLITE_OPEN_NOMUTEX: it must be used by one thread at a time.
//   `Database` is not Sendable; its owner (the `CallStore` actor on its serial executor, or a
//   single-threaded command) guarantees that.
// - C strings passed to SQLite come from `withCString` or are copied by SQLite before the call
//   returns (`SQLITE_TRANSIENT`); C strings SQLite returns are copied into Swift `String`s at once.
import CSQLite

/// One SQLite connection to a file: WAL journal, a chosen `synchronous` level, a busy timeout
/// and a cache of prepared statements keyed by their SQL text.
public final class Database {
    /// How far a committed transaction survives a failure.
    public enum Durability: String, Sendable {
        /// `synchronous=NORMAL` in WAL mode: a commit is written into the WAL file (handed to the
        /// kernel) before `COMMIT` returns, so it survives the process being killed (SIGKILL, a
        /// crash); it may be lost on power loss or a kernel crash before the next checkpoint.
        case processCrash
        /// `synchronous=FULL`: the WAL is fsync'ed at every commit; survives power loss.
        case powerLoss
    }

    public enum Mode: Sendable { case readWrite, readOnly }

    public struct Options: Sendable {
        public var durability: Durability
        public var busyTimeoutMs: Int32
        public var mode: Mode
        public init(durability: Durability = .processCrash, busyTimeoutMs: Int32 = 5_000, mode: Mode = .readWrite) {
            self.durability = durability
            self.busyTimeoutMs = busyTimeoutMs
            self.mode = mode
        }
    }

    public let path: String
    public let options: Options
    let handle: OpaquePointer
    var statements: [String: Statement] = [:]

    /// Opens (creating when read-write) the database file at `path` and configures it.
    public init(path: String, options: Options = Options()) throws {
        var db: OpaquePointer?
        var flags = SQLITE_OPEN_NOMUTEX
        switch options.mode {
        case .readWrite: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        }
        let result = sqlite3_open_v2(path, &db, flags, nil)
        guard result == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw StoreError(.open, sqliteCode: result, message: "\(message) (\(path))")
        }
        self.handle = db
        self.path = path
        self.options = options
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, options.busyTimeoutMs)
        if options.mode == .readWrite {
            let mode = try query("PRAGMA journal_mode=WAL").first?[0].string ?? ""
            guard mode.lowercased() == "wal" else {
                throw StoreError(.open, message: "journal_mode is \(mode), WAL required (\(path))")
            }
            let level = options.durability == .powerLoss ? "FULL" : "NORMAL"
            try execute("PRAGMA synchronous=\(level)")
        }
        try execute("PRAGMA foreign_keys=ON")
    }

    deinit {
        for statement in statements.values { statement.finalize() }
        statements.removeAll()
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements without bindings (schema, pragmas).
    public func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let result = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if result != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? lastErrorMessage
            sqlite3_free(errorMessage)
            throw StoreError(StoreError.code(forSQLite: result), sqliteCode: result, message: message, sql: sql)
        }
    }

    /// Rows changed by the last INSERT, UPDATE or DELETE.
    public var changes: Int { Int(sqlite3_changes(handle)) }

    /// The rowid of the last successful INSERT on this connection.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    /// True while a transaction is open on this connection.
    public var isInTransaction: Bool { sqlite3_get_autocommit(handle) == 0 }

    var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    func error(_ result: Int32, sql: String?) -> StoreError {
        StoreError(StoreError.code(forSQLite: result), sqliteCode: result, message: lastErrorMessage, sql: sql)
    }

    /// The cached prepared statement for `sql`, compiling it on first use.
    func statement(_ sql: String) throws -> Statement {
        if let cached = statements[sql] { return cached }
        var raw: OpaquePointer?
        let result = sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &raw, nil)
        guard result == SQLITE_OK, let raw else {
            let code = StoreError.code(forSQLite: result)
            throw StoreError(code == .sqlite ? .prepare : code, sqliteCode: result, message: lastErrorMessage, sql: sql)
        }
        let statement = Statement(raw: raw, database: self, sql: sql)
        statements[sql] = statement
        return statement
    }

    /// Number of statements in the prepared-statement cache.
    public var cachedStatementCount: Int { statements.count }

    /// Runs the WAL checkpoint (TRUNCATE): copies the WAL into the main file and empties it.
    public func checkpoint() throws {
        let result = sqlite3_wal_checkpoint_v2(handle, nil, SQLITE_CHECKPOINT_TRUNCATE, nil, nil)
        guard result == SQLITE_OK else { throw error(result, sql: "wal_checkpoint(TRUNCATE)") }
    }

    /// SQLite library version, e.g. "3.40.1".
    public static var sqliteVersion: String { String(cString: sqlite3_libversion()) }
}
