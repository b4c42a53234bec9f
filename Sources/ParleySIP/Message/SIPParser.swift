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
            readStartLine(bytes[first])

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
            let name = SIPHeaderName(String(decoding: nameBytes, as: UTF8.self))
            let value = String(decoding: line[valueStart..<valueEnd], as: UTF8.self)
            guard name.isList, value.utf8.contains(UInt8(ascii: ",")) else {
                message.headers.append(SIPMessage.Header(name, value))
                return
            }
            guard let pieces = SIPGrammar.splitOutsideQuotes(Substring(value), on: UInt8(ascii: ",")) else {
                fail(SIPParseError(.unterminatedQuotedString, "Unterminated quoted string in \(name.name)"))
                message.headers.append(SIPMessage.Header(name, value))
                return
            }
            var any = false
            for piece in pieces {
                let v = SIPGrammar.trim(piece)
                if v.isEmpty { continue }
                any = true
                message.headers.append(SIPMessage.Header(name, String(v)))
            }
            if !any { message.headers.append(SIPMessage.Header(name, "")) }
        }

        mutating func readBody(from start: Int) {
            let available = bytes.count - start
            let lengths = message.values(.contentLength)
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

        mutating func validate() {
            for v in message.values(.via) {
                do { _ = try SIPVia(parsing: v) } catch { fail(SIPParseError(error.code, "Bad Via header")); break }
            }
            for (name, label) in [(SIPHeaderName.via, "Via"), (.from, "From"), (.to, "To"), (.callID, "Call-ID"), (.cseq, "CSeq")]
            where !message.contains(name) {
                fail(SIPParseError(.missingHeader, "Missing \(label) header"))
            }
            for (name, label) in [(SIPHeaderName.from, "From"), (.to, "To")] {
                let vals = message.values(name)
                if vals.count > 1 { fail(SIPParseError(.malformedNameAddress, "More than one \(label) header")) }
                if let v = vals.first {
                    do { _ = try SIPNameAddress(parsing: v) } catch { fail(SIPParseError(error.code, "Bad \(label) header")) }
                }
            }
            for (name, label) in [(SIPHeaderName.contact, "Contact"), (.route, "Route"), (.recordRoute, "Record-Route")] {
                for v in message.values(name) {
                    do { _ = try SIPNameAddress(parsing: v) } catch { fail(SIPParseError(error.code, "Bad \(label) header")); break }
                }
            }
            if let callID = message.value(.callID) {
                if callID.isEmpty || callID.utf8.contains(where: { $0 <= 0x20 }) || message.values(.callID).count > 1 {
                    fail(SIPParseError(.malformedHeaderLine, "Bad Call-ID header"))
                }
            }
            if let c = message.value(.cseq) {
                do {
                    let cseq = try SIPCSeq(parsing: c)
                    if let m = message.method, cseq.method != m {
                        fail(SIPParseError(.cseqMethodMismatch, "CSeq method does not match Request-Line"))
                    }
                } catch {
                    fail(error)
                }
            }
            if let mf = message.value(.maxForwards) {
                if !(SIPGrammar.isDigits(mf) && mf.count <= 9 && (Int(mf) ?? 256) <= 255) {
                    fail(SIPParseError(.malformedMaxForwards, "Bad Max-Forwards"))
                }
            }
        }

        func outcome() -> ParseOutcome {
            guard let error = firstError else { return .message(message) }
            guard looksLikeRequest, answerable() else { return .drop(error) }
            return .badRequest(request: message, error: error)
        }

        /// Enough to build a response: a readable top Via sent-by, From, To, Call-ID and CSeq.
        func answerable() -> Bool {
            guard let top = message.value(.via) else { return false }
            let head = top.utf8Split(UInt8(ascii: ";"), omittingEmpty: true, maxSplits: 1).first.map(String.init) ?? top
            guard (try? SIPVia(parsing: head)) != nil else { return false }
            for name in [SIPHeaderName.from, .to, .callID, .cseq] {
                guard let v = message.value(name), !v.isEmpty else { return false }
            }
            return true
        }
    }
}
