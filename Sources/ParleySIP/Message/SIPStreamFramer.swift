/// Cuts a byte stream (TCP) into SIP messages using Content-Length (§18.3). Handles
/// partial and pipelined messages; CRLF keep-alives (RFC 5626 §3.5.1) are reported apart.
/// Buffer growth is bounded by `limits.maxMessageBytes`.
public struct SIPStreamFramer: Sendable {
    public enum Frame: Sendable, Equatable {
        /// One whole message's bytes, to give to `SIPParser.parse(_:framing: .stream)`.
        case message([UInt8])
        /// A double-CRLF ping: answer with a single CRLF.
        case keepAlivePing
        /// The stream cannot be framed any more (oversized or bad Content-Length): close it.
        case error(SIPParseError)
    }

    public let limits: SIPLimits
    private var buffer: [UInt8] = []
    private var start = 0
    /// Where the search for the end of the current header block resumes, so a peer that
    /// trickles bytes costs linear, not quadratic, time.
    private var scanFrom = 0
    private var failed = false

    public init(limits: SIPLimits = .default) { self.limits = limits }

    /// Bytes received but not yet framed.
    public var pendingByteCount: Int { buffer.count - start }

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if start > 0, start >= buffer.count / 2 {
            buffer.removeFirst(start)
            scanFrom = max(0, scanFrom - start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete frame, or nil when more bytes are needed.
    public mutating func next() -> Frame? {
        guard !failed else { return nil }
        // Leading CRLFs: a CRLFCRLF is a ping; lone CRLFs are ignored (§7.5).
        var i = start
        while i < buffer.count, buffer[i] == SIPGrammar.cr || buffer[i] == SIPGrammar.lf { i += 1 }
        if i > start {
            let run = i - start
            if run >= 4 {
                start += 4
                return .keepAlivePing
            }
            if i == buffer.count { return nil }  // maybe more CRLF coming
            start = i
            scanFrom = max(scanFrom, start)
        }
        guard let headerEnd = findHeaderEnd(from: start) else {
            if pendingByteCount > limits.maxMessageBytes { return fail(SIPParseError(.messageTooLarge, "Message too large")) }
            return nil
        }
        guard let length = contentLength(start..<headerEnd) else {
            return fail(SIPParseError(.malformedContentLength, "Missing or bad Content-Length on a stream"))
        }
        let total = headerEnd - start + length
        guard length <= limits.maxBodyBytes, total <= limits.maxMessageBytes else {
            return fail(SIPParseError(.messageTooLarge, "Message too large"))
        }
        guard buffer.count - start >= total else { return nil }
        let frame = Array(buffer[start..<(start + total)])
        start += total
        scanFrom = start
        return .message(frame)
    }

    private mutating func fail(_ e: SIPParseError) -> Frame {
        failed = true
        return .error(e)
    }

    /// Index just past the CRLFCRLF ending the header block.
    private mutating func findHeaderEnd(from s: Int) -> Int? {
        var i = max(s, scanFrom)
        let limit = min(buffer.count, s + limits.maxMessageBytes)
        while i + 3 < limit {
            if buffer[i] == SIPGrammar.cr, buffer[i + 1] == SIPGrammar.lf, buffer[i + 2] == SIPGrammar.cr,
               buffer[i + 3] == SIPGrammar.lf {
                return i + 4
            }
            i += 1
        }
        scanFrom = max(s, i)
        return nil
    }

    /// Content-Length (or `l`) from a header block; nil when absent, repeated or malformed.
    private func contentLength(_ r: Range<Int>) -> Int? {
        var found: Int?
        var lineStart = r.lowerBound
        var i = r.lowerBound
        while i < r.upperBound {
            if buffer[i] == SIPGrammar.lf {
                let line = buffer[lineStart..<i]
                lineStart = i + 1
                guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else { i += 1; continue }
                let name = String(decoding: line[line.startIndex..<colon], as: UTF8.self)
                let key = SIPGrammar.trim(name).lowercased()
                if key == "content-length" || key == "l" {
                    let value = SIPGrammar.trim(String(decoding: line[(colon + 1)...], as: UTF8.self))
                    guard found == nil, SIPGrammar.isDigits(value), value.count <= 9, let n = Int(value) else { return nil }
                    found = n
                }
            }
            i += 1
        }
        return found
    }
}
