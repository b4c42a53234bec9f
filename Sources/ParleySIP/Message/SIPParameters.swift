/// An ordered list of `;name[=value]` parameters (header or URI parameters). Names match
/// case-insensitively; values are kept as they came (quoted strings keep their quotes).
public struct SIPParameters: Sendable, Equatable, Sequence {
    public struct Parameter: Sendable, Equatable {
        public var name: String
        public var value: String?
        public init(name: String, value: String?) {
            self.name = name
            self.value = value
        }
    }

    public private(set) var items: [Parameter] = []

    public init() {}
    public init(_ items: [Parameter]) { self.items = items }

    public var isEmpty: Bool { items.isEmpty }
    public var count: Int { items.count }
    public func makeIterator() -> IndexingIterator<[Parameter]> { items.makeIterator() }

    public func contains(_ name: String) -> Bool { index(of: name) != nil }

    /// The value of `name` (quotes removed); `""` for a parameter without a value; nil if absent.
    public subscript(_ name: String) -> String? {
        get {
            guard let i = index(of: name) else { return nil }
            return items[i].value.map(SIPGrammar.unquote) ?? ""
        }
    }

    /// The value exactly as it came (quotes kept); nil if absent or valueless.
    public func rawValue(_ name: String) -> String? {
        guard let i = index(of: name) else { return nil }
        return items[i].value
    }

    /// Sets (replacing the first match) or appends a parameter. A nil value sets a flag.
    public mutating func set(_ name: String, _ value: String?) {
        if let i = index(of: name) { items[i].value = value } else { items.append(Parameter(name: name, value: value)) }
    }

    public mutating func remove(_ name: String) {
        items.removeAll { SIPParameters.equalsIgnoringCase($0.name, name) }
    }

    func index(of name: String) -> Int? {
        items.firstIndex { SIPParameters.equalsIgnoringCase($0.name, name) }
    }

    /// ASCII case-insensitive comparison without allocating.
    static func equalsIgnoringCase(_ a: String, _ b: String) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        for (x, y) in zip(a.utf8, b.utf8) where x != y {
            let lx = (x >= 0x41 && x <= 0x5A) ? x | 0x20 : x
            let ly = (y >= 0x41 && y <= 0x5A) ? y | 0x20 : y
            if lx != ly { return false }
        }
        return true
    }

    /// `;a=b;c` form.
    public var serialized: String {
        var out = ""
        for p in items {
            out += ";"
            out += p.name
            if let v = p.value { out += "="; out += v }
        }
        return out
    }

    /// Parses `;name[=value]…` (the leading `;` optional) with LWS allowed around `;` and `=`.
    /// Values may be tokens, hosts (incl. `[v6]`) or quoted strings.
    static func parse(_ text: Substring) throws(SIPParseError) -> SIPParameters {
        var params = SIPParameters()
        guard let pieces = SIPGrammar.splitOutsideQuotes(text, on: UInt8(ascii: ";")) else {
            throw SIPParseError(.unterminatedQuotedString, "Unterminated quoted string in parameter")
        }
        for (n, piece) in pieces.enumerated() {
            let p = SIPGrammar.trim(piece)
            if p.isEmpty {
                if n == 0 { continue }
                throw SIPParseError(.malformedParameter, "Empty parameter")
            }
            if let eq = p.utf8.firstIndex(of: UInt8(ascii: "=")) {
                let name = SIPGrammar.trim(p[p.startIndex..<eq])
                let value = SIPGrammar.trim(p[p.utf8.index(after: eq)...])
                guard SIPGrammar.isToken(name) else { throw SIPParseError(.malformedParameter, "Bad parameter name") }
                if value.utf8.first == SIPGrammar.dquote {
                    guard let q = SIPGrammar.quotedString(value), SIPGrammar.trim(q.rest).isEmpty else {
                        throw SIPParseError(.malformedParameter, "Bad quoted parameter value")
                    }
                } else {
                    guard !value.isEmpty, value.utf8.allSatisfy({ SIPGrammar.isTokenChar($0) || isHostOrParamChar($0) }) else {
                        throw SIPParseError(.malformedParameter, "Bad parameter value")
                    }
                }
                params.items.append(Parameter(name: String(name), value: String(value)))
            } else {
                guard SIPGrammar.isToken(p) else { throw SIPParseError(.malformedParameter, "Bad parameter name") }
                params.items.append(Parameter(name: String(p), value: nil))
            }
        }
        return params
    }

    /// Characters allowed in a gen-value besides token characters: IPv6 references and
    /// URI-ish values (paramchar / param-unreserved), and UTF-8 beyond ASCII.
    static func isHostOrParamChar(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: ":"), UInt8(ascii: "/"),
             UInt8(ascii: "&"), UInt8(ascii: "$"), UInt8(ascii: "@"), UInt8(ascii: "("), UInt8(ascii: ")"):
            return true
        default: return c >= 0x80
        }
    }
}
