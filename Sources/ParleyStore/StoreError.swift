/// An error from the store: what kind of failure, SQLite's own message and result code,
/// and the SQL text that failed (statement text only — bound values, which may hold
/// personal data, are never part of an error).
public struct StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// The database file could not be opened or configured.
        case open
        /// A statement could not be compiled (syntax, unknown table or column).
        case prepare
        /// A UNIQUE, NOT NULL, CHECK or FOREIGN KEY constraint failed.
        case constraint
        /// Another connection held a lock for longer than the busy timeout.
        case busy
        /// The operating system reported an I/O error or the disk is full.
        case io
        /// The file is not a database or is damaged.
        case corrupt
        /// A migration failed or the file's schema is newer than this program knows.
        case schema
        /// A value read back did not have the expected type or shape.
        case decode
        /// The caller passed a value the store cannot accept.
        case invalidArgument
        /// A row that must exist does not.
        case notFound
        /// Any other SQLite failure; `sqliteCode` says which.
        case sqlite
    }

    public let code: Code
    /// SQLite's extended result code, or 0 when the error did not come from SQLite.
    public let sqliteCode: Int32
    public let message: String
    public let sql: String?

    public init(_ code: Code, sqliteCode: Int32 = 0, message: String, sql: String? = nil) {
        self.code = code
        self.sqliteCode = sqliteCode
        self.message = message
        self.sql = sql
    }

    public var description: String {
        var text = "store error \(code.rawValue)"
        if sqliteCode != 0 { text += " (sqlite \(sqliteCode))" }
        text += ": \(message)"
        if let sql { text += " [sql: \(sql)]" }
        return text
    }

    /// Maps an SQLite primary result code to a `Code`.
    static func code(forSQLite result: Int32) -> Code {
        switch result & 0xff {
        case 19: return .constraint            // SQLITE_CONSTRAINT
        case 5, 6: return .busy                // SQLITE_BUSY, SQLITE_LOCKED
        case 10, 13, 14: return .io            // SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN
        case 11, 26: return .corrupt           // SQLITE_CORRUPT, SQLITE_NOTADB
        case 1: return .sqlite                 // SQLITE_ERROR
        default: return .sqlite
        }
    }
}
