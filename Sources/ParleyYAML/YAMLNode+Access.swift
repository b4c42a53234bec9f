/// Typed accessors with positioned errors ("expected a mapping, found a sequence").
extension YAMLNode {
    /// The scalar text; throws for sequences, mappings and null.
    public func string() throws(YAMLError) -> String {
        guard case .scalar(let s) = content, !isNull else { throw mismatch("a string") }
        return s.value
    }

    /// An integer written as a plain scalar (`42`, `-3`, `1_000`).
    public func int() throws(YAMLError) -> Int {
        guard case .scalar(let s) = content, s.style == .plain,
              let v = Int(s.value.replacingOccurrences(of: "_", with: "")) else { throw mismatch("an integer") }
        return v
    }

    /// A number written as a plain scalar.
    public func double() throws(YAMLError) -> Double {
        guard case .scalar(let s) = content, s.style == .plain,
              let v = Double(s.value.replacingOccurrences(of: "_", with: "")) else { throw mismatch("a number") }
        return v
    }

    /// `true` or `false` (YAML 1.2 core schema: `yes`/`no` are strings).
    public func bool() throws(YAMLError) -> Bool {
        guard case .scalar(let s) = content, s.style == .plain else { throw mismatch("true or false") }
        switch s.value {
        case "true", "True", "TRUE": return true
        case "false", "False", "FALSE": return false
        default: throw mismatch("true or false")
        }
    }

    /// The items of a sequence.
    public func sequence() throws(YAMLError) -> [YAMLNode] {
        guard case .sequence(let items) = content else { throw mismatch("a sequence") }
        return items
    }

    /// The entries of a mapping, in source order.
    public func mapping() throws(YAMLError) -> [YAMLPair] {
        guard case .mapping(let pairs) = content else { throw mismatch("a mapping") }
        return pairs
    }

    /// A single string or a sequence of strings, as a list.
    public func stringList() throws(YAMLError) -> [String] {
        if case .sequence(let items) = content {
            var out: [String] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try item.string()) }
            return out
        }
        return [try string()]
    }

    /// The value for `key` in a mapping node (nil when absent or not a mapping).
    public subscript(key: String) -> YAMLNode? {
        guard case .mapping(let pairs) = content else { return nil }
        return pairs.first(where: { $0.name == key })?.value
    }

    /// A type error at this node: "expected X, found Y".
    public func mismatch(_ expected: String) -> YAMLError {
        var found = kindName
        if case .scalar(let s) = content, !isNull { found = "'\(s.value.prefix(40))'" }
        return YAMLError(.typeMismatch, "expected \(expected), found \(found)", at: mark)
    }
}
