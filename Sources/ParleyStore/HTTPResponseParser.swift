/// Reads an HTTP/1.1 response (RFC 9112) as it arrives: the status line, parsed strictly,
/// then the header fields, then the body, which it counts and discards up to a cap.
///
/// - Status line: `HTTP/1.<digit> SP <3 digits> SP <reason> CRLF` (a bare LF is accepted as
///   the line end, RFC 9112 §2.2; the reason may be empty). Anything else is malformed.
/// - Interim 1xx responses (other than 101) are skipped; the final response is the one reported.
/// - The head may not exceed `maximumHeadBytes`; a header line needs a colon and a name
///   without white space before it (§5.1).
/// - Only the status matters to the caller, and we send `Connection: close`, so the body is
///   counted, not decoded: a `Content-Length` body is read to its length; a body whose
///   `Transfer-Encoding` ends in `chunked` is not read at all (the response is complete with
///   its head: the chunk framing of §7.1 is not parsed); any other body (another transfer
///   coding, or no length, §6.3) until the server closes. After `maximumBodyBytes` the rest is
///   not waited for. A `Transfer-Encoding` overrides `Content-Length` (§6.3).
public struct HTTPResponseParser: Sendable {
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        case malformedStatusLine(String)
        case malformedHeader(String)
        case headTooLong(Int)
        case badContentLength(String)

        public var description: String {
            switch self {
            case .malformedStatusLine(let line): return "malformed status line \"\(line)\""
            case .malformedHeader(let line): return "malformed header line \"\(line)\""
            case .headTooLong(let bytes): return "response head longer than \(bytes) bytes"
            case .badContentLength(let value): return "bad Content-Length \"\(value)\""
            }
        }
    }

    public enum Progress: Sendable, Equatable {
        /// More bytes are needed.
        case needMore
        /// The final status is known and the body is complete (or past the cap): stop reading.
        case complete(status: Int)
    }

    public let maximumHeadBytes: Int
    public let maximumBodyBytes: Int
    /// The final response's status, once its head is complete.
    public private(set) var status: Int?
    /// Body bytes seen (counted, not kept).
    public private(set) var bodyBytes = 0
    private var head: [UInt8] = []
    private var contentLength: Int?
    private var isChunked = false

    public init(maximumHeadBytes: Int = 16_384, maximumBodyBytes: Int = 65_536) {
        self.maximumHeadBytes = maximumHeadBytes
        self.maximumBodyBytes = maximumBodyBytes
    }

    /// Takes the next bytes from the connection.
    public mutating func append(_ bytes: some Collection<UInt8>) throws(Failure) -> Progress {
        var rest = Array(bytes)
        while status == nil {
            guard let end = Self.headEnd(in: head, appending: rest) else {
                head += rest
                if head.count > maximumHeadBytes { throw .headTooLong(maximumHeadBytes) }
                return .needMore
            }
            let taken = end - head.count
            head += rest[0..<taken]
            rest = Array(rest[taken...])
            if head.count > maximumHeadBytes { throw .headTooLong(maximumHeadBytes) }
            try parseHead()
            head.removeAll()
        }
        return try consumeBody(rest)
    }

    /// The connection ended: the status when the head was complete (a body cut short by
    /// the close still leaves the answer known), else nil.
    public func finish() -> Int? { status }

    // MARK: Head

    /// The index, counted over `head + rest`, just past the blank line ending the head.
    private static func headEnd(in head: [UInt8], appending rest: [UInt8]) -> Int? {
        // Look back up to 3 bytes into what was already held, so a CRLFCRLF split across reads is found.
        let start = max(0, head.count - 3)
        let window = Array(head[start...]) + rest
        var index = 0
        while index < window.count {
            if window[index] == 0x0A {
                if index + 1 < window.count && window[index + 1] == 0x0A { return start + index + 2 }
                if index + 2 < window.count && window[index + 1] == 0x0D && window[index + 2] == 0x0A {
                    return start + index + 3
                }
            }
            index += 1
        }
        return nil
    }

    private mutating func parseHead() throws(Failure) {
        var lines = Self.lines(head)
        let statusLine = lines.isEmpty ? [] : lines.removeFirst()
        let code = try Self.parseStatusLine(statusLine)
        var length: Int?
        var transferCodings: String?
        for line in lines where !line.isEmpty {
            guard let colon = line.firstIndex(of: 0x3A), colon > 0,
                  line[line.startIndex] != 0x20, line[line.startIndex] != 0x09,
                  line[colon - 1] != 0x20, line[colon - 1] != 0x09 else {
                throw .malformedHeader(Self.printable(line))
            }
            let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
            let value = String(decoding: line[(colon + 1)...], as: UTF8.self).trimmingWhitespace()
            switch name {
            case "content-length":
                guard !value.isEmpty, value.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), value.utf8.count <= 18,
                      let parsed = Int(value), length == nil || length == parsed else {
                    throw .badContentLength(Self.printable(Array(value.utf8)))
                }
                length = parsed
            case "transfer-encoding":
                // Several fields form one comma-separated list (RFC 9110 §5.3).
                transferCodings = transferCodings.map { $0 + "," + value } ?? value
            default:
                break
            }
        }
        // 1xx (not 101) is interim: the final response follows on the same connection.
        if (100..<200).contains(code) && code != 101 { return }
        status = code
        contentLength = transferCodings == nil ? length : nil
        isChunked = transferCodings.map(Self.endsInChunked) ?? false
    }

    /// Whether the last transfer coding listed is `chunked` (§6.1).
    static func endsInChunked(_ codings: String) -> Bool {
        let last = codings.split(separator: ",", omittingEmptySubsequences: true).last { piece in
            !piece.allSatisfy { $0 == " " || $0 == "\t" }
        }
        return last.map { String($0).trimmingWhitespace().lowercased() == "chunked" } ?? false
    }

    /// `HTTP/1.x SP 3DIGIT SP reason`.
    static func parseStatusLine(_ line: [UInt8]) throws(Failure) -> Int {
        let prefix = Array("HTTP/1.".utf8)
        guard line.count >= 12, Array(line[0..<7]) == prefix, isDigit(line[7]), line[8] == 0x20,
              isDigit(line[9]), isDigit(line[10]), isDigit(line[11]), line[9] != 0x30,
              line.count == 12 || line[12] == 0x20,
              line.allSatisfy({ $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }) else {
            throw .malformedStatusLine(printable(line))
        }
        return Int(line[9] - 0x30) * 100 + Int(line[10] - 0x30) * 10 + Int(line[11] - 0x30)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// The head's lines without their CRLF or LF (the blank last line is dropped).
    private static func lines(_ head: [UInt8]) -> [[UInt8]] {
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        for byte in head {
            if byte == 0x0A {
                if current.last == 0x0D { current.removeLast() }
                lines.append(current)
                current = []
            } else {
                current.append(byte)
            }
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    /// At most 80 characters of `bytes` for an error text, control bytes shown as `?`.
    static func printable(_ bytes: [UInt8]) -> String {
        String(decoding: bytes.prefix(80).map { $0 < 0x20 || $0 == 0x7F ? 0x3F : $0 }, as: UTF8.self)
    }

    // MARK: Body

    private mutating func consumeBody(_ bytes: [UInt8]) throws(Failure) -> Progress {
        guard let status else { return .needMore }
        // No body: HEAD is never sent; 204 and 304 carry none (RFC 9112 §6.3).
        // A chunked body is not read: the status is all the caller needs.
        if status == 204 || status == 304 || contentLength == 0 || isChunked { return .complete(status: status) }
        bodyBytes += bytes.count
        if let contentLength, bodyBytes >= contentLength { return .complete(status: status) }
        if bodyBytes >= maximumBodyBytes { return .complete(status: status) }
        return .needMore
    }
}

extension String {
    fileprivate func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
