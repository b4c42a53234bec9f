/// Typed statement execution and transactions over the statement cache.
extension Database {
    /// Runs a statement with bound values (INSERT, UPDATE, DELETE); returns rows changed.
    @discardableResult
    public func run(_ sql: String, _ values: [any SQLValueConvertible] = []) throws -> Int {
        let statement = try statement(sql)
        try statement.bind(values.map(\.sqlValue))
        defer { statement.reset() }
        while try statement.step() {}
        return changes
    }

    /// Runs a query and returns every row.
    public func query(_ sql: String, _ values: [any SQLValueConvertible] = []) throws -> [Row] {
        let statement = try statement(sql)
        try statement.bind(values.map(\.sqlValue))
        defer { statement.reset() }
        var rows: [Row] = []
        while try statement.step() { rows.append(statement.currentRow()) }
        return rows
    }

    /// The first column of the first row, or `.null` when there is no row.
    public func scalar(_ sql: String, _ values: [any SQLValueConvertible] = []) throws -> SQLValue {
        try query(sql, values).first?.values.first ?? .null
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction: committed when it returns, rolled back
    /// when it throws. Nested calls join the outer transaction.
    @discardableResult
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        if isInTransaction { return try body() }
        try run("BEGIN IMMEDIATE")
        do {
            let value = try body()
            try run("COMMIT")
            return value
        } catch {
            if isInTransaction { _ = try? run("ROLLBACK") }
            throw error
        }
    }
}
