// HTTPLimits — how much of a request the admin server accepts. libmicrohttpd parses the
// request; these limits are checked on what it delivers, and the header allowance also
// sizes libmicrohttpd's per-connection memory pool (a head that does not fit at all is
// refused by libmicrohttpd itself, see HTTPServer).

public struct HTTPLimits: Sendable, Equatable {
    /// The request target (path and query) as sent; longer gets 414.
    public var maxRequestLineBytes: Int
    /// Header fields (name, value and separators); more gets 431.
    public var maxHeaderBytes: Int
    /// Header field count; more gets 431.
    public var maxHeaderCount: Int
    /// Request body; a larger Content-Length gets 413, a larger chunked body closes the connection.
    public var maxBodyBytes: Int

    public init(maxRequestLineBytes: Int = 4096, maxHeaderBytes: Int = 16 * 1024, maxHeaderCount: Int = 64,
                maxBodyBytes: Int = 1024 * 1024) {
        self.maxRequestLineBytes = maxRequestLineBytes
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
    }

    /// libmicrohttpd's per-connection memory pool: it holds the request line, the header
    /// fields, the read buffer and the response head, so it gets twice the head allowance,
    /// at least 32 KiB (libmicrohttpd's default).
    public var connectionMemoryBytes: Int {
        max(32 * 1024, 2 * (maxRequestLineBytes + maxHeaderBytes))
    }
}

/// What the server checks on a request libmicrohttpd has parsed; the error code names the
/// limit in the JSON error body.
public struct HTTPRequestError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        case requestLineTooLong, headersTooLarge, tooManyHeaders, bodyTooLarge
    }
    public let code: Code
    public let context: String

    public init(_ code: Code, _ context: String = "") {
        self.code = code
        self.context = context
    }

    public var status: Int {
        switch code {
        case .requestLineTooLong: return 414
        case .headersTooLarge, .tooManyHeaders: return 431
        case .bodyTooLarge: return 413
        }
    }

    public var description: String { context.isEmpty ? code.rawValue : "\(code.rawValue): \(context)" }

    /// The answer sent before the connection closes.
    public var response: HTTPResponse {
        HTTPResponse.error(status: status, code: code.rawValue, message: context.isEmpty ? code.rawValue : context)
    }
}
