// HTTPRequestParser — an incremental HTTP/1.1 request parser (RFC 9112): bytes go in as
// they arrive, complete requests come out in order (pipelining). Request line, header
// fields and Content-Length bodies; `Transfer-Encoding` is refused (501). Limits on the
// request line, header block, header count and body size turn into 414/431/413.
// After an error the parser stays failed: the connection answers once and closes.
// Depends on nothing outside the standard library (it is compiled into the fuzz driver).

public struct HTTPLimits: Sendable, Equatable {
    public var maxRequestLineBytes: Int
    /// Request line plus header fields plus the blank line.
    public var maxHeaderBytes: Int
    public var maxHeaderCount: Int
    public var maxBodyBytes: Int

    public init(maxRequestLineBytes: Int = 4096, maxHeaderBytes: Int = 16 * 1024, maxHeaderCount: Int = 64,
                maxBodyBytes: Int = 1024 * 1024) {
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
    }
}

public struct HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        case badRequestLine, badHeader, badContentLength, missingHost, badTarget
        case requestLineTooLong, headersTooLarge, tooManyHeaders, bodyTooLarge
        case unsupportedVersion, unsupportedTransferEncoding
    }
    public let code: Code
    public let context: String

    public init(_ code: Code, _ context: String = "") {
        self.code = code
        self.context = context
    }

    /// The status the server answers with before closing.
    public var status: Int {
        switch code {
        case .badRequestLine, .badHeader, .badContentLength, .missingHost, .badTarget: return 400
        case .requestLineTooLong: return 414
        case .headersTooLarge, .tooManyHeaders: return 431
        case .bodyTooLarge: return 413
        case .unsupportedVersion: return 505
        case .unsupportedTransferEncoding: return 501
        }
    }

    public var description: String { context.isEmpty ? code.rawValue : "\(code.rawValue): \(context)" }
}

public struct HTTPRequestParser: Sendable {
    public enum Result: Sendable, Equatable {
        case request(HTTPRequest)
        case needMoreData
        case failed(HTTPParseError)
    }

    enum State: Sendable {
        case head
        case body(HTTPRequest, remaining: Int)
        case failed(HTTPParseError)
    }

    public let limits: HTTPLimits
    private var buffer: [UInt8] = []
    private var start = 0
    /// Where the search for the end of the header block resumes.
    private var scanned = 0
    private var state: State = .head

    public init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
    }

    /// Bytes received but not yet consumed by a returned request.
    public var bufferedByteCount: Int { buffer.count - start }

    public var hasFailed: Bool {
        if case .failed = state { return true }
        return false
    }

    public mutating func append(_ bytes: some Sequence<UInt8>) {
        if case .failed = state { return }
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            scanned -= start
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete request, or why there is none yet.
    public mutating func next() -> Result {
        switch state {
        case .failed(let error):
            return .failed(error)
        case .body(var request, let remaining):
            return finishBody(&request, remaining: remaining)
        case .head:
            return parseHead()
        }
    }

    private mutating func fail(_ error: HTTPParseError) -> Result {
        state = .failed(error)
        return .failed(error)
    }

    private mutating func finishBody(_ request: inout HTTPRequest, remaining: Int) -> Result {
        let available = buffer.count - start
        if available < remaining {
            state = .body(request, remaining: remaining)
            return .needMoreData
        }
        request.body.append(contentsOf: buffer[start..<(start + remaining)])
        start += remaining
        scanned = start
        state = .head
        return .request(request)
    }

    private mutating func parseHead() -> Result {
        // RFC 9112 §2.2: ignore empty lines before the request line.
        while start < buffer.count {
            if buffer[start] == 10 {
                start += 1
            } else if buffer[start] == 13, start + 1 < buffer.count, buffer[start + 1] == 10 {
                start += 2
            } else {
                break
            }
        }
        scanned = max(scanned, start)
        guard let end = findHeadEnd() else {
            let pending = buffer.count - start
            if firstLineEnd() == nil && pending > limits.maxRequestLineBytes {
                return fail(HTTPParseError(.requestLineTooLong))
            }
            if pending > limits.maxHeaderBytes { return fail(HTTPParseError(.headersTooLarge)) }
            return .needMoreData
        }
        if end - start > limits.maxHeaderBytes { return fail(HTTPParseError(.headersTooLarge)) }
        let head = buffer[start..<(end - 4)]
        start = end
        scanned = end
        var lines = split(head)
        guard !lines.isEmpty else { return fail(HTTPParseError(.badRequestLine)) }
        let requestLine = lines.removeFirst()
        if requestLine.count > limits.maxRequestLineBytes { return fail(HTTPParseError(.requestLineTooLong)) }
        if lines.count > limits.maxHeaderCount { return fail(HTTPParseError(.tooManyHeaders, "\(lines.count)")) }
        var request: HTTPRequest
        switch parseRequestLine(requestLine) {
        case .success(let r): request = r
        case .failure(let error): return fail(error)
        }
        var contentLength: Int?
        for line in lines {
            switch parseHeader(line) {
            case .failure(let error): return fail(error)
            case .success(let header):
                let lowered = header.name.lowercased()
                if lowered == "transfer-encoding" { return fail(HTTPParseError(.unsupportedTransferEncoding)) }
                if lowered == "content-length" {
                    guard let length = Self.parseContentLength(header.value),
                          contentLength == nil || contentLength == length else {
                        return fail(HTTPParseError(.badContentLength))
                    }
                    contentLength = length
                }
                request.headers.append(header)
            }
        }
        if request.minorVersion == 1 && request.header("Host") == nil { return fail(HTTPParseError(.missingHost)) }
        let length = contentLength ?? 0
        if length > limits.maxBodyBytes { return fail(HTTPParseError(.bodyTooLarge, "\(length)")) }
        request.body.reserveCapacity(length)
        return finishBody(&request, remaining: length)
    }

    /// Index just past the `CRLF CRLF` ending the header block, if buffered.
    private mutating func findHeadEnd() -> Int? {
        var i = max(scanned, start)
        while i + 3 < buffer.count {
            if buffer[i] == 13 && buffer[i + 1] == 10 && buffer[i + 2] == 13 && buffer[i + 3] == 10 { return i + 4 }
            i += 1
        }
        scanned = max(start, buffer.count - 3)
        return nil
    }

    private func firstLineEnd() -> Int? {
        buffer[start...].firstIndex(of: 10)
    }

    private func split(_ head: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        var lines: [ArraySlice<UInt8>] = []
        var lineStart = head.startIndex
        var i = head.startIndex
        while i < head.endIndex {
            if head[i] == 13 && i + 1 < head.endIndex && head[i + 1] == 10 {
                lines.append(head[lineStart..<i])
                i += 2
                lineStart = i
            } else {
                i += 1
            }
        }
        lines.append(head[lineStart..<head.endIndex])
        return lines
    }

    private func parseRequestLine(_ line: ArraySlice<UInt8>) -> Swift.Result<HTTPRequest, HTTPParseError> {
        let parts = line.split(separator: 32, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy(Self.isTokenByte) else {
            return .failure(HTTPParseError(.badRequestLine))
        }
        let version = parts[2]
        guard version.count == 8, version.starts(with: Array("HTTP/".utf8)),
              let major = digit(version[version.startIndex + 5]), version[version.startIndex + 6] == UInt8(ascii: "."),
              let minor = digit(version[version.startIndex + 7]) else {
            return .failure(HTTPParseError(.badRequestLine, "version"))
        }
        guard major == 1, minor <= 1 else { return .failure(HTTPParseError(.unsupportedVersion)) }
        let target = parts[1]
        guard let first = target.first, first == UInt8(ascii: "/") || (target.count == 1 && first == UInt8(ascii: "*")),
              target.allSatisfy({ $0 > 32 && $0 < 127 }) else {
            return .failure(HTTPParseError(.badTarget))
        }
        let targetText = String(decoding: target, as: UTF8.self)
        guard HTTPRequest.splitTarget(targetText).query != nil else { return .failure(HTTPParseError(.badTarget)) }
        return .success(HTTPRequest(method: String(decoding: parts[0], as: UTF8.self), target: targetText,
                                    minorVersion: Int(minor)))
    }

    private func parseHeader(_ line: ArraySlice<UInt8>) -> Swift.Result<HTTPHeader, HTTPParseError> {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
            return .failure(HTTPParseError(.badHeader))
        }
        let name = line[line.startIndex..<colon]
        guard name.allSatisfy(Self.isTokenByte) else { return .failure(HTTPParseError(.badHeader, "name")) }
        var value = line[(colon + 1)...]
        while let f = value.first, f == 32 || f == 9 { value = value.dropFirst() }
        while let l = value.last, l == 32 || l == 9 { value = value.dropLast() }
        guard value.allSatisfy({ $0 == 9 || ($0 >= 32 && $0 != 127) }) else {
            return .failure(HTTPParseError(.badHeader, "value"))
        }
        return .success(HTTPHeader(name: String(decoding: name, as: UTF8.self), value: String(decoding: value, as: UTF8.self)))
    }

    private func digit(_ byte: UInt8) -> UInt8? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? byte - UInt8(ascii: "0") : nil
    }

    static func parseContentLength(_ value: String) -> Int? {
        guard !value.isEmpty, value.utf8.count <= 15, value.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return Int(value)
    }

    /// RFC 9110 §5.6.2 tchar.
    static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}
