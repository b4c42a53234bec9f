extension SIPParser.Reader {
    /// The common start lines read on bytes: `Method SP Request-URI SP SIP/2.0` with a
    /// `sip:`/`sips:` URI that passes `SIPURI.quickCheck`, and `SIP/2.0 SP 3DIGIT [SP reason]`.
    /// Returns false (having changed nothing) for anything else, which `readStartLine` reads.
    mutating func readCommonStartLine(_ line: ArraySlice<UInt8>) -> Bool {
        let start = line.startIndex, end = line.endIndex
        if end - start >= 11, startsWithVersion(line, at: start), line[start + 7] == SIPGrammar.sp {
            var code = 0
            for k in (start + 8)..<(start + 11) {
                let c = line[k]
                guard c >= 0x30, c <= 0x39 else { return false }
                code = code * 10 + Int(c - 0x30)
            }
            guard (100...699).contains(code) else { return false }
            let reason: String
            if end == start + 11 {
                reason = ""
            } else {
                guard line[start + 11] == SIPGrammar.sp else { return false }
                reason = String(decoding: line[(start + 12)..<end], as: UTF8.self)
            }
            message.startLine = .response(statusCode: code, reason: reason, version: "SIP/2.0")
            return true
        }
        var i = start
        while i < end, SIPGrammar.isTokenChar(line[i]) { i += 1 }
        guard i > start, i < end, line[i] == SIPGrammar.sp else { return false }
        let methodEnd = i
        i += 1
        let uriStart = i
        while i < end, line[i] != SIPGrammar.sp { i += 1 }
        guard i > uriStart, end - i == 8, startsWithVersion(line, at: i + 1),
              SIPURI.quickCheck(line[uriStart..<i]) else { return false }
        looksLikeRequest = true
        message.startLine = .request(method: SIPMethod(String(decoding: line[start..<methodEnd], as: UTF8.self)),
                                     uri: String(decoding: line[uriStart..<i], as: UTF8.self), version: "SIP/2.0")
        return true
    }

    /// `SIP/2.0` exactly (upper case) at `i`.
    private func startsWithVersion(_ line: ArraySlice<UInt8>, at i: Int) -> Bool {
        guard line.endIndex - i >= 7 else { return false }
        return line[i] == UInt8(ascii: "S") && line[i + 1] == UInt8(ascii: "I") && line[i + 2] == UInt8(ascii: "P")
            && line[i + 3] == UInt8(ascii: "/") && line[i + 4] == UInt8(ascii: "2") && line[i + 5] == UInt8(ascii: ".")
            && line[i + 6] == UInt8(ascii: "0")
    }
}
