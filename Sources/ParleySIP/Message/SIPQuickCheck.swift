/// Byte-level checks for the common, well-formed shapes of the headers the parser must
/// validate (From/To/Contact/Route/Record-Route, Via, CSeq). Each returns true only when
/// the full typed parser would accept the same text; on anything unusual it returns false
/// and the parser runs the full typed parse, which stays the definition of what is valid.
enum SIPQuickCheck {
    static func isSPOrHTab(_ c: UInt8) -> Bool { c == SIPGrammar.sp || c == SIPGrammar.htab }

    static func skipSPOrHTab(_ b: ArraySlice<UInt8>, _ i: inout Int) {
        while i < b.endIndex, isSPOrHTab(b[i]) { i += 1 }
    }

    /// `["display" | *(token LWS)] <sip-uri> *(;param)` as accepted by `SIPNameAddress(parsing:)`.
    static func nameAddress(_ b: ArraySlice<UInt8>) -> Bool {
        var i = b.startIndex
        let end = b.endIndex
        guard i < end else { return false }
        if b[i] == SIPGrammar.dquote {
            i += 1
            var escaped = false
            while true {
                guard i < end else { return false }
                let c = b[i]
                if c == SIPGrammar.cr || c == SIPGrammar.lf || c >= 0x80 { return false }
                i += 1
                if escaped { escaped = false } else if c == SIPGrammar.backslash { escaped = true } else if c == SIPGrammar.dquote { break }
            }
            skipSPOrHTab(b, &i)
        } else {
            while i < end, SIPGrammar.isTokenChar(b[i]) || isSPOrHTab(b[i]) { i += 1 }
        }
        guard i < end, b[i] == UInt8(ascii: "<") else { return false }
        let uriStart = i + 1
        var gt = uriStart
        while gt < end, b[gt] != UInt8(ascii: ">") { gt += 1 }
        guard gt < end, SIPURI.quickCheck(b[uriStart..<gt]) else { return false }
        return parameters(b, from: gt + 1) { _, _, _ in true }
    }

    /// `;name[=value]…` after a name-addr or Via sent-by: token names, token/host values,
    /// LWS around `;` and `=`. `accept(name range, value range or nil)` may veto a parameter.
    static func parameters(_ b: ArraySlice<UInt8>, from start: Int,
                           _ accept: (ArraySlice<UInt8>, Range<Int>, Range<Int>?) -> Bool) -> Bool {
        var i = start
        let end = b.endIndex
        skipSPOrHTab(b, &i)
        while i < end {
            guard b[i] == UInt8(ascii: ";") else { return false }
            i += 1
            skipSPOrHTab(b, &i)
            let nameStart = i
            while i < end, SIPGrammar.isTokenChar(b[i]) { i += 1 }
            guard i > nameStart else { return false }
            let name = nameStart..<i
            skipSPOrHTab(b, &i)
            var value: Range<Int>?
            if i < end, b[i] == UInt8(ascii: "=") {
                i += 1
                skipSPOrHTab(b, &i)
                let valueStart = i
                while i < end, b[i] < 0x80, SIPGrammar.isTokenChar(b[i]) || SIPParameters.isHostOrParamChar(b[i]) { i += 1 }
                guard i > valueStart else { return false }
                value = valueStart..<i
                skipSPOrHTab(b, &i)
            }
            guard accept(b, name, value) else { return false }
        }
        return true
    }

    /// `SIP/2.0/UDP host[:port] *(;param)` as accepted by `SIPVia(parsing:)`; `ttl` and
    /// unusual `rport`/`branch` forms are left to the full parser.
    static func via(_ b: ArraySlice<UInt8>) -> Bool {
        var i = b.startIndex
        let end = b.endIndex
        for n in 0..<3 {
            let start = i
            while i < end, SIPGrammar.isTokenChar(b[i]) { i += 1 }
            guard i > start else { return false }
            if n < 2 {
                guard i < end, b[i] == UInt8(ascii: "/") else { return false }
                i += 1
            }
        }
        let beforeWS = i
        skipSPOrHTab(b, &i)
        guard i > beforeWS, i < end else { return false }
        let hostStart = i
        while i < end, SIPURI.isAlnum(b[i]) || b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: ".") { i += 1 }
        guard i > hostStart, b[hostStart] != UInt8(ascii: "-"), b[hostStart] != UInt8(ascii: ".") else { return false }
        if i < end, b[i] == UInt8(ascii: ":") {
            i += 1
            let portStart = i
            var port = 0
            // Stop after 6 digits: more can never be a port, and accumulating them would
            // overflow (a long digit run in a hostile message must not trap).
            while i < end, b[i] >= 0x30, b[i] <= 0x39, i - portStart < 6 {
                port = port * 10 + Int(b[i] - 0x30)
                i += 1
            }
            guard i > portStart, i - portStart <= 5, port <= 65535 else { return false }
        }
        return parameters(b, from: i) { b, name, value in
            if equalsLower(b[name], "ttl") { return false }
            if equalsLower(b[name], "branch") { return value != nil }
            if equalsLower(b[name], "rport"), let value {
                return value.count <= 5 && b[value].allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
            }
            return true
        }
    }

    /// `1*DIGIT LWS Method` with a number that fits 32 bits and, when given, this method.
    static func cseq(_ b: ArraySlice<UInt8>, method: SIPMethod?) -> Bool {
        var i = b.startIndex
        let end = b.endIndex
        var n: UInt64 = 0
        let start = i
        while i < end, b[i] >= 0x30, b[i] <= 0x39 {
            n = n * 10 + UInt64(b[i] - 0x30)
            i += 1
            if i - start > 10 { return false }
        }
        guard i > start, n <= UInt64(UInt32.max) else { return false }
        let beforeWS = i
        skipSPOrHTab(b, &i)
        guard i > beforeWS else { return false }
        let methodStart = i
        while i < end, SIPGrammar.isTokenChar(b[i]) { i += 1 }
        guard i > methodStart, i == end else { return false }
        guard let method else { return true }
        return b[methodStart..<end].elementsEqual(method.name.utf8)
    }

    /// ASCII case-insensitive comparison of bytes with a lowercase literal.
    static func equalsLower(_ b: ArraySlice<UInt8>, _ lower: StaticString) -> Bool {
        guard b.count == lower.utf8CodeUnitCount else { return false }
        var k = 0
        return lower.withUTF8Buffer { l in
            for c in b {
                let lc = (c >= 0x41 && c <= 0x5A) ? c | 0x20 : c
                if lc != l[k] { return false }
                k += 1
            }
            return true
        }
    }
}
