import Foundation
import Testing
@testable import ParleyStore

@Suite struct DatabaseTests {
    @Test func valuesRoundTripWithTheirTypes() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let db = try Database(path: dir.file("v.sqlite"))
        try db.execute("CREATE TABLE v (i INTEGER, r REAL, t TEXT, b BLOB, n TEXT, f INTEGER)")
        let text = "Grüße, \"quoted\"\n生日快乐 🎂"
        try db.run("INSERT INTO v VALUES (?, ?, ?, ?, ?, ?)", [Int64.min, 0.125, text, [UInt8]([0, 1, 255]), String?.none, true])
        let row = try #require(try db.query("SELECT i, r, t, b, n, f FROM v").first)
        #expect(row["i"] == .integer(Int64.min))
        #expect(row["r"].double == 0.125)
        #expect(row["t"].string == text)
        #expect(row["b"] == .blob([0, 1, 255]))
        #expect(row["n"].isNull)
        #expect(row["f"].bool == true)
    }

    @Test func errorsCarryTheirCodeSQLiteMessageAndSQL() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let db = try Database(path: dir.file("e.sqlite"))
        try db.execute("CREATE TABLE k (id TEXT PRIMARY KEY)")
        try db.run("INSERT INTO k VALUES (?)", ["a"])
        let duplicate = #expect(throws: StoreError.self) { try db.run("INSERT INTO k VALUES (?)", ["a"]) }
        #expect(duplicate?.code == .constraint)
        #expect(duplicate?.sql == "INSERT INTO k VALUES (?)")
        #expect(duplicate?.message.contains("UNIQUE") == true)
        #expect((duplicate?.sqliteCode ?? 0) & 0xff == 19)
        let syntax = #expect(throws: StoreError.self) { try db.run("INSERT INTO nowhere VALUES (?)", [1]) }
        #expect(syntax?.code == .prepare)
        #expect(syntax?.message.contains("no such table") == true)
        let arity = #expect(throws: StoreError.self) { try db.run("INSERT INTO k VALUES (?)", []) }
        #expect(arity?.code == .invalidArgument)
        let open = #expect(throws: StoreError.self) { try Database(path: dir.file("missing/dir/x.sqlite")) }
        #expect(open?.code == .open)
    }

    @Test func preparedStatementsAreCachedAndReused() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let db = try Database(path: dir.file("c.sqlite"))
        try db.execute("CREATE TABLE n (x INTEGER)")
        let before = db.cachedStatementCount
        for i in 0..<100 { try db.run("INSERT INTO n VALUES (?)", [i]) }
        #expect(db.cachedStatementCount == before + 1)
        #expect(try db.scalar("SELECT SUM(x) FROM n").int == 4950)
    }

    @Test func aThrowingTransactionRollsBack() throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let db = try Database(path: dir.file("t.sqlite"))
        try db.execute("CREATE TABLE n (x INTEGER)")
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try db.transaction {
                try db.run("INSERT INTO n VALUES (1)")
                throw Boom()
            }
        }
        #expect(!db.isInTransaction)
        #expect(try db.scalar("SELECT COUNT(*) FROM n").int == 0)
        try db.transaction { try db.run("INSERT INTO n VALUES (2)") }
        #expect(try db.scalar("SELECT COUNT(*) FROM n").int == 1)
    }
}

@Suite struct ReadOnlyTests {
    @Test func aReadOnlyConnectionReadsButRefusesWrites() async throws {
        let dir = try TempDirectory()
        defer { dir.remove() }
        let store = try openStore(dir)
        try store.callStarted(sampleStart("r1"))
        await store.flush()
        let reader = try Database(path: store.path, options: .init(mode: .readOnly))
        #expect(try reader.scalar("SELECT COUNT(*) FROM calls").int == 1)
        let error = #expect(throws: StoreError.self) { try reader.run("DELETE FROM calls") }
        #expect(((error?.sqliteCode ?? 0) & 0xff) == 8)  // SQLITE_READONLY
        #expect(try reader.scalar("SELECT COUNT(*) FROM calls").int == 1)
    }
}
