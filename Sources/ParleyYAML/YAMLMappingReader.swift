/// Reads a mapping against a set of allowed keys: unknown keys become errors with a
/// did-you-mean suggestion, required keys that are missing become errors at the mapping.
public struct YAMLMappingReader: Sendable {
    public let node: YAMLNode
    public let pairs: [YAMLPair]
    /// The keys' text, index-aligned with `pairs`.
    public let names: [String]
    /// One error per key not in `allowedKeys`.
    public let unknownKeyErrors: [YAMLError]

    public init(_ node: YAMLNode, allowedKeys: [String], context: String = "") throws(YAMLError) {
        self.node = node
        self.pairs = try node.mapping()
        self.names = pairs.map(\.name)
        var errors: [YAMLError] = []
        for (i, name) in names.enumerated() where !allowedKeys.contains(name) {
            let pair = pairs[i]
            var message = "unknown key '\(pair.name)'"
            if !context.isEmpty { message += " in \(context)" }
            if let guess = YAMLMappingReader.suggestion(for: pair.name, among: allowedKeys) {
                message += "; did you mean '\(guess)'?"
            }
            errors.append(YAMLError(.unknownKey, message, at: pair.key.mark))
        }
        self.unknownKeyErrors = errors
    }

    /// The value for `key`, if present.
    public subscript(key: String) -> YAMLNode? {
        guard let i = names.firstIndex(of: key) else { return nil }
        return pairs[i].value
    }

    /// The mark of `key` itself (not its value), if present.
    public func keyMark(_ key: String) -> YAMLMark? {
        guard let i = names.firstIndex(of: key) else { return nil }
        return pairs[i].key.mark
    }

    /// The value for `key`, or a "missing key" error at the mapping.
    public func require(_ key: String, context: String = "") throws(YAMLError) -> YAMLNode {
        if let value = self[key] { return value }
        let suffix = context.isEmpty ? "" : " in \(context)"
        throw YAMLError(.missingKey, "missing key '\(key)'\(suffix)", at: node.mark)
    }

    /// The closest allowed key within a small edit distance, if any.
    public static func suggestion(for key: String, among candidates: [String]) -> String? {
        var best: (String, Int)?
        let limit = max(1, key.count / 3)
        for candidate in candidates {
            let d = editDistance(key, candidate)
            if d <= limit, d < (best?.1 ?? Int.max) { best = (candidate, d) }
        }
        return best?.0
    }

    /// Edit distance over Unicode scalars where an insertion, deletion, substitution or
    /// swap of two neighbours costs 1 (optimal string alignment).
    public static func editDistance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { d[i][0] = i }
        for j in 0...y.count { d[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[x.count][y.count]
    }
}
