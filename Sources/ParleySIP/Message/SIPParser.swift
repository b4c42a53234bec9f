/// Parses one SIP message (RFC 3261 §7, §25) from a datagram or from a stream frame cut by
/// `SIPStreamFramer`. Pure: no I/O, no global state.
public struct SIPParser: Sendable {
    public enum Framing: Sendable {
        /// UDP: Content-Length, when present, must not exceed the octets that follow the
        /// headers; extra octets are discarded (§18.3).
        case datagram
        /// TCP: the frame is exactly headers plus Content-Length octets.
        case stream
    }

    public var limits: SIPLimits

    public init(limits: SIPLimits = .default) { self.limits = limits }

    public func parse(_ bytes: [UInt8], framing: Framing = .datagram) -> ParseOutcome {
        var reader = Reader(bytes: bytes, limits: limits, framing: framing)
        return reader.run()
    }
}

extension SIPParser {
    struct Reader {
        let bytes: [UInt8]
        let limits: SIPLimits
        let framing: Framing
        var message = SIPMessage(startLine: .response(statusCode: 0, reason: "", version: ""))
        var looksLikeRequest = false
        var firstError: SIPParseError?
        /// The bytes of each header value, parallel to `message.headers`.
        var valueBytes: [ArraySlice<UInt8>] = []
        /// Global tables read once per message (see `SIPHeaderName.init(bytes:table:)`).
        let headerTable = SIPHeaderName.exactByLength
        let listByID = SIPHeaderName.listByID
        let known = SIPHeaderName.Known.ids

        init(bytes: [UInt8], limits: SIPLimits, framing: Framing) {
            self.bytes = bytes
            self.limits = limits
            self.framing = framing
        }

        mutating func fail(_ e: SIPParseError) { if firstError == nil { firstError = e } }

        mutating func run() -> ParseOutcome {
            guard bytes.count <= limits.maxMessageBytes else {
                return .drop(SIPParseError(.messageTooLarge, "Message too large", statusCode: 513))
            }
            var i = 0
            while i < bytes.count, bytes[i] == SIPGrammar.cr || bytes[i] == SIPGrammar.lf { i += 1 }
            guard i < bytes.count else { return .drop(SIPParseError(.empty, "Empty message")) }

            // Header block end: the first empty line.
            var lines: [Range<Int>] = []
            lines.reserveCapacity(32)
            message.headers.reserveCapacity(24)
            valueBytes.reserveCapacity(24)
            var lineStart = i
            var bodyStart: Int?
            var j = i
            while j < bytes.count {
                if bytes[j] == SIPGrammar.lf {
                    var end = j
                    if end > lineStart, bytes[end - 1] == SIPGrammar.cr { end -= 1 }
                    if end == lineStart {
                        bodyStart = j + 1
                        break
                    }
                    lines.append(lineStart..<end)
                    lineStart = j + 1
                }
                j += 1
            }
            if bodyStart == nil {
                if lineStart < bytes.count { lines.append(lineStart..<bytes.count) }
                fail(SIPParseError(.missingEmptyLine, "Missing empty line after headers"))
            }
            guard let first = lines.first else { return .drop(SIPParseError(.empty, "Empty message")) }
            if !readCommonStartLine(bytes[first]) { readStartLine(bytes[first]) }

            // Unfold continuation lines and read header fields. A header without continuation
            // lines is read in place; folded ones are joined into `folded` first.
            var count = 0
            var current: Range<Int>?
            var folded: [UInt8]?
            for r in lines.dropFirst() {
                let line = bytes[r]
                if let c = line.first, c == SIPGrammar.sp || c == SIPGrammar.htab {
                    guard let cur = current else {
                        fail(SIPParseError(.malformedHeaderLine, "Continuation line before first header"))
                        continue
                    }
                    var joined = folded ?? Array(bytes[cur])
                    while let l = joined.last, l == SIPGrammar.sp || l == SIPGrammar.htab { joined.removeLast() }
                    joined.append(SIPGrammar.sp)
                    joined += line.drop { $0 == SIPGrammar.sp || $0 == SIPGrammar.htab }
                    if joined.count > limits.maxHeaderValueBytes + 256 {
                        return .drop(SIPParseError(.headerValueTooLong, "Header value too long"))
                    }
                    folded = joined
                    continue
                }
                if let f = folded { readHeaderLine(f[...]) } else if let cur = current { readHeaderLine(bytes[cur]) }
                count += 1
                guard count <= limits.maxHeaderCount else {
                    return .drop(SIPParseError(.tooManyHeaders, "Too many header fields"))
                }
                current = r
                folded = nil
            }
            if let f = folded { readHeaderLine(f[...]) } else if let cur = current { readHeaderLine(bytes[cur]) }
            if let e = firstError, e.code == .headerValueTooLong { return .drop(e) }

            readBody(from: bodyStart ?? bytes.count)
            validate()
            return outcome()
        }

        mutating func readStartLine(_ line: ArraySlice<UInt8>) {
            let text = String(decoding: line, as: UTF8.self)
            let parts = text.utf8Split(UInt8(ascii: " "))
            if text.hasPrefix("SIP/") || text.hasPrefix("sip/") {
                // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
                guard parts.count >= 2, parts[1].count == 3, SIPGrammar.isDigits(parts[1]),
                      let code = Int(parts[1]), (100...699).contains(code) else {
                    fail(SIPParseError(.malformedStatusCode, "Bad Status-Line"))
                    return
                }
                let reason = parts.count > 2 ? parts[2...].joined(separator: " ") : ""
                message.startLine = .response(statusCode: code, reason: reason, version: String(parts[0]))
                if !isVersion(parts[0]) { fail(SIPParseError(.malformedStartLine, "Bad SIP-Version")) }
                return
            }
            // Request-Line = Method SP Request-URI SP SIP-Version
            let method = parts.first.map(String.init) ?? ""
            looksLikeRequest = SIPGrammar.isToken(method) && (text.hasSuffix("SIP/2.0") || text.contains(" SIP/"))
            let uri = parts.count >= 2 ? String(parts[1]) : ""
            let version = parts.last.map(String.init) ?? ""
            message.startLine = .request(method: SIPMethod(method), uri: uri, version: version)
            guard parts.count == 3, SIPGrammar.isToken(method), !uri.isEmpty else {
                fail(SIPParseError(.malformedStartLine, "Malformed Request-Line"))
                return
            }
            guard isVersion(parts[2]) else {
                fail(SIPParseError(.malformedStartLine, "Bad SIP-Version"))
                return
            }
            if parts[2].uppercased() != "SIP/2.0" {
                fail(SIPParseError(.unsupportedVersion, "SIP Version Not Supported", statusCode: 505))
            }
            if !isValidRequestURI(uri) { fail(SIPParseError(.malformedRequestURI, "Bad Request-URI")) }
        }

        func isVersion(_ s: Substring) -> Bool {
            guard s.count > 4, s.prefix(4).uppercased() == "SIP/" else { return false }
            let nums = s.dropFirst(4).utf8Split(UInt8(ascii: "."))
            return nums.count == 2 && SIPGrammar.isDigits(nums[0]) && SIPGrammar.isDigits(nums[1])
        }

        func isValidRequestURI(_ uri: String) -> Bool {
            if SIPURI.quickCheck(ArraySlice(uri.utf8)) { return true }
            guard let colon = uri.utf8Index(of: UInt8(ascii: ":")), colon > uri.startIndex else { return false }
            let scheme = uri[uri.startIndex..<colon].lowercased()
            guard let f = scheme.utf8.first, (f | 0x20) >= 0x61, (f | 0x20) <= 0x7A,
                  scheme.utf8.allSatisfy({ SIPURI.isAlnum($0) || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }) else {
                return false
            }
            if scheme == "sip" || scheme == "sips" || scheme == "tel" {
                // §19.1.1: headers are not allowed in a Request-URI.
                guard let parsed = try? SIPURI(parsing: uri), parsed.headers.isEmpty else { return false }
                return true
            }
            return !uri.utf8.contains { $0 <= 0x20 || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") }
        }

        mutating func readHeaderLine(_ line: ArraySlice<UInt8>) {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                fail(SIPParseError(.malformedHeaderLine, "Header line without colon"))
                return
            }
            var nameEnd = colon
            while nameEnd > line.startIndex, line[nameEnd - 1] == SIPGrammar.sp || line[nameEnd - 1] == SIPGrammar.htab {
                nameEnd -= 1
            }
            let nameBytes = line[line.startIndex..<nameEnd]
            guard !nameBytes.isEmpty, nameBytes.allSatisfy(SIPGrammar.isTokenChar) else {
                fail(SIPParseError(.malformedHeaderName, "Bad header name"))
                return
            }
            var valueStart = colon + 1, valueEnd = line.endIndex
            while valueStart < valueEnd, SIPGrammar.isWhitespace(line[valueStart]) { valueStart += 1 }
            while valueEnd > valueStart, SIPGrammar.isWhitespace(line[valueEnd - 1]) { valueEnd -= 1 }
            guard valueEnd - valueStart <= limits.maxHeaderValueBytes else {
                fail(SIPParseError(.headerValueTooLong, "Header value too long"))
                return
            }
            let name = SIPHeaderName(bytes: nameBytes, table: headerTable)
            let valueBytes = line[valueStart..<valueEnd]
            let isList = name.id >= 0 ? listByID[Int(name.id)] : name.isList
            guard isList, valueBytes.contains(UInt8(ascii: ",")) else {
                append(name, valueBytes)
                return
            }
            guard let pieces = SIPGrammar.splitOutsideQuotes(valueBytes, on: UInt8(ascii: ",")) else {
                fail(SIPParseError(.unterminatedQuotedString, "Unterminated quoted string in \(name.name)"))
                append(name, valueBytes)
                return
            }
            var any = false
            for piece in pieces {
                var lo = piece.lowerBound, hi = piece.upperBound
                while lo < hi, SIPGrammar.isWhitespace(line[lo]) { lo += 1 }
                while hi > lo, SIPGrammar.isWhitespace(line[hi - 1]) { hi -= 1 }
                if lo == hi { continue }
                any = true
                append(name, line[lo..<hi])
            }
            if !any { append(name, line[valueStart..<valueStart]) }
        }

        /// Appends a header and keeps its value bytes for validation.
        mutating func append(_ name: SIPHeaderName, _ value: ArraySlice<UInt8>) {
            message.headers.append(SIPMessage.Header(name, String(decoding: value, as: UTF8.self)))
            valueBytes.append(value)
        }

        mutating func readBody(from start: Int) {
            let available = bytes.count - start
            var lengths: [String] = []
            for h in message.headers where h.name.id == known.contentLength { lengths.append(h.value) }
            guard let text = lengths.first else {
                if framing == .stream, available > 0 {
                    fail(SIPParseError(.malformedContentLength, "Missing Content-Length on a stream"))
                }
                message.body = available > 0 ? Array(bytes[start...]) : []
                if message.body.count > limits.maxBodyBytes { fail(SIPParseError(.bodyTooLarge, "Body too large", statusCode: 413)) }
                return
            }
            guard lengths.count == 1, SIPGrammar.isDigits(text), text.count <= 9, let length = Int(text) else {
                fail(SIPParseError(.malformedContentLength, "Bad Content-Length"))
                message.body = []
                return
            }
            guard length <= limits.maxBodyBytes else {
                fail(SIPParseError(.bodyTooLarge, "Body too large", statusCode: 413))
                return
            }
            guard length <= available else {
                fail(SIPParseError(.contentLengthMismatch, "Content-Length larger than body"))
                message.body = Array(bytes[start...])
                return
            }
            message.body = Array(bytes[start..<(start + length)])
        }
    }
}
