/// A position in a YAML source: the file path and a 1-based line and column.
public struct YAMLMark: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var path: String
    /// 1-based line.
    public var line: Int
    /// 1-based column.
    public var column: Int

    public init(path: String, line: Int, column: Int) {
        self.path = path
        self.line = line
        self.column = column
    }

    /// `path:line:col`, the prefix every diagnostic starts with.
    public var description: String { "\(path):\(line):\(column)" }

    public static func < (a: YAMLMark, b: YAMLMark) -> Bool {
        (a.path, a.line, a.column) < (b.path, b.line, b.column)
    }
}
