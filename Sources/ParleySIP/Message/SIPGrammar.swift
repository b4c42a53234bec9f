/// Character classes and small scanners from RFC 3261 §25.1 over UTF-8 bytes.
enum SIPGrammar {
    static let sp: UInt8 = 0x20, htab: UInt8 = 0x09, cr: UInt8 = 0x0D, lf: UInt8 = 0x0A
    static let dquote: UInt8 = 0x22, backslash: UInt8 = 0x5C

    /// token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
    static func isTokenChar(_ c: UInt8) -> Bool {
        switch c {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "%"),
             UInt8(ascii: "*"), UInt8(ascii: "_"), UInt8(ascii: "+"), UInt8(ascii: "`"),
             UInt8(ascii: "'"), UInt8(ascii: "~"):
            return true
        default: return false
        }
    }

    static func isWhitespace(_ c: UInt8) -> Bool { c == sp || c == htab || c == cr || c == lf }

    static func isToken<S: StringProtocol>(_ s: S) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy(isTokenChar)
    }

    static func isDigits<S: StringProtocol>(_ s: S) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }

    /// Trims SP/HTAB/CR/LF at both ends.
    static func trim<S: StringProtocol>(_ s: S) -> Substring {
        let u = Substring(s)
        var start = u.startIndex, end = u.endIndex
        while start < end, isWhitespace(u.utf8[start]) { start = u.utf8.index(after: start) }
        while end > start {
            let before = u.utf8.index(before: end)
            if isWhitespace(u.utf8[before]) { end = before } else { break }
        }
        return u[start..<end]
    }

    /// Splits `s` on `separator` (an ASCII byte) outside quoted strings and `<…>`.
    /// Returns nil when a quoted string is unterminated.
    static func splitOutsideQuotes(_ s: Substring, on separator: UInt8) -> [Substring]? {
        var parts: [Substring] = []
        var inQuotes = false, inAngle = false, escaped = false
        var start = s.startIndex
        var i = s.startIndex
        let utf8 = s.utf8
        while i < s.endIndex {
            let c = utf8[i]
            if inQuotes {
                if escaped { escaped = false } else if c == backslash { escaped = true } else if c == dquote { inQuotes = false }
            } else if c == dquote {
                inQuotes = true
            } else if c == UInt8(ascii: "<") {
                inAngle = true
            } else if c == UInt8(ascii: ">") {
                inAngle = false
            } else if c == separator && !inAngle {
                parts.append(s[start..<i])
                start = utf8.index(after: i)
            }
            i = utf8.index(after: i)
        }
        if inQuotes { return nil }
        parts.append(s[start..<s.endIndex])
        return parts
    }

    /// `splitOutsideQuotes(_:on:)` over bytes: the ranges (indices of `b`) between separators.
    static func splitOutsideQuotes(_ b: ArraySlice<UInt8>, on separator: UInt8) -> [Range<Int>]? {
        var parts: [Range<Int>] = []
        var inQuotes = false, inAngle = false, escaped = false
        var start = b.startIndex
        var i = b.startIndex
        while i < b.endIndex {
            let c = b[i]
            if inQuotes {
                if escaped { escaped = false } else if c == backslash { escaped = true } else if c == dquote { inQuotes = false }
            } else if c == dquote {
                inQuotes = true
            } else if c == UInt8(ascii: "<") {
                inAngle = true
            } else if c == UInt8(ascii: ">") {
                inAngle = false
            } else if c == separator && !inAngle {
                parts.append(start..<i)
                start = i + 1
            }
            i += 1
        }
        if inQuotes { return nil }
        parts.append(start..<b.endIndex)
        return parts
    }

    /// Reads a quoted-string starting at `s.startIndex` (which must be `"`). Returns the
    /// raw quoted text (with quotes and escapes) and the rest, or nil when unterminated.
    static func quotedString(_ s: Substring) -> (quoted: Substring, rest: Substring)? {
        let utf8 = s.utf8
        guard let first = utf8.first, first == dquote else { return nil }
        var i = utf8.index(after: s.startIndex)
        var escaped = false
        while i < s.endIndex {
            let c = utf8[i]
            if c == cr || c == lf {
                return nil  // quoted-pair excludes CR and LF too (§25.1)
            } else if escaped {
                escaped = false
            } else if c == backslash {
                escaped = true
            } else if c == dquote {
                let end = utf8.index(after: i)
                return (s[s.startIndex..<end], s[end...])
            }
            i = utf8.index(after: i)
        }
        return nil
    }

    /// Removes the quotes and `\` escapes of a quoted-string; returns other text unchanged.
    static func unquote<S: StringProtocol>(_ s: S) -> String {
        let bytes = Array(s.utf8)
        guard bytes.count >= 2, bytes.first == dquote, bytes.last == dquote else { return String(s) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var escaped = false
        for c in bytes[1..<(bytes.count - 1)] {
            if escaped { out.append(c); escaped = false } else if c == backslash { escaped = true } else { out.append(c) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Wraps `s` in quotes, escaping `"` and `\`.
    static func quote(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            if ch == "\r" || ch == "\n" {
                out.unicodeScalars.append(" ")  // cannot appear in a quoted-string at all
                continue
            }
            if ch == "\"" || ch == "\\" { out.unicodeScalars.append("\\") }
            out.unicodeScalars.append(ch)
        }
        out += "\""
        return out
    }
}

extension StringProtocol {
    /// Splits on an ASCII byte using the UTF-8 view (much cheaper than Character splitting).
    func utf8Split(_ separator: UInt8, omittingEmpty: Bool = false, maxSplits: Int = Int.max) -> [SubSequence] {
        var parts: [SubSequence] = []
        var start = startIndex
        var i = startIndex
        let u = utf8
        while i < endIndex {
            if u[i] == separator, parts.count < maxSplits {
                if !(omittingEmpty && start == i) { parts.append(self[start..<i]) }
                start = u.index(after: i)
            }
            i = u.index(after: i)
        }
        if !(omittingEmpty && start == endIndex) { parts.append(self[start..<endIndex]) }
        return parts
    }

    /// First index of an ASCII byte.
    func utf8Index(of byte: UInt8) -> Index? { utf8.firstIndex(of: byte) }
}
