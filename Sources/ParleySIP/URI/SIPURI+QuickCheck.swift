extension SIPURI {
    /// Byte-level check for the common shape `sip[s]:[user@]host[:port][;params]`.
    /// Returns true only when `SIPURI(parsing:)` would accept the same text and find no
    /// `?headers`; returns false when unsure, and the caller then runs the full parser.
    /// Never the final word on rejection.
    static func quickCheck(_ b: ArraySlice<UInt8>) -> Bool {
        var i = b.startIndex
        let end = b.endIndex
        // scheme: "sip" or "sips", any case
        guard end - i >= 4, b[i] | 0x20 == 0x73, b[i + 1] | 0x20 == 0x69, b[i + 2] | 0x20 == 0x70 else { return false }
        i += 3
        if b[i] | 0x20 == 0x73 { i += 1 }
        guard i < end, b[i] == UInt8(ascii: ":") else { return false }
        i += 1
        // userinfo: only when an '@' is present; a ':' (password) is left to the full parser
        var at = i
        while at < end, b[at] != UInt8(ascii: "@") { at += 1 }
        if at < end {
            guard at > i, quickEscaped(b, i, at, isUserChar) else { return false }
            i = at + 1
        }
        // host: a name or IPv4 address (IPv6 references go to the full parser)
        let hostStart = i
        while i < end, isAlnum(b[i]) || b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: ".") { i += 1 }
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
        // parameters: ;name[=value], each part non-empty and made of paramchar / escapes
        while i < end {
            guard b[i] == UInt8(ascii: ";") else { return false }
            i += 1
            var pieceEnd = i
            while pieceEnd < end, b[pieceEnd] != UInt8(ascii: ";") { pieceEnd += 1 }
            var eq = i
            while eq < pieceEnd, b[eq] != UInt8(ascii: "=") { eq += 1 }
            guard quickEscaped(b, i, eq, isParamChar) else { return false }
            if eq < pieceEnd, !quickEscaped(b, eq + 1, pieceEnd, isParamChar) { return false }
            i = pieceEnd
        }
        return true
    }

    /// `valid(_:_:)` over bytes `b[from..<to]` (non-empty, `%HH` escapes allowed).
    static func quickEscaped(_ b: ArraySlice<UInt8>, _ from: Int, _ to: Int, _ allowed: (UInt8) -> Bool) -> Bool {
        guard to > from else { return false }
        var pendingHex = 0
        var k = from
        while k < to {
            let c = b[k]
            if pendingHex > 0 {
                guard isHex(c) else { return false }
                pendingHex -= 1
            } else if c == UInt8(ascii: "%") {
                pendingHex = 2
            } else if !allowed(c) {
                return false
            }
            k += 1
        }
        return pendingHex == 0
    }
}
