import Foundation

/// One HTTP/1.1 POST (RFC 9112) ready to send: where to connect and the request's bytes.
///
/// The head carries `Host`, `Content-Type` (application/json unless given), `Content-Length`,
/// `Connection: close` and `User-Agent`, then the caller's headers. The caller may not set
/// `Host`, `Content-Length`, `Connection` or `Transfer-Encoding` (ours win); a name that is not
/// an RFC 9110 token or a value holding CR, LF or NUL is refused (no header injection).
///
/// Field names are case-insensitive (RFC 9110 §5.1), so each name goes on the wire once. When
/// the caller's dictionary holds one name in several spellings, the spelling that sorts first
/// in byte order wins (capitalised before lower case: `Content-Type` over `content-type`), so
/// Parley's own canonically spelled fields win; callers layering headers fold them first
/// (`WebhookDeliverer` does, its own `Content-Type` and `Idempotency-Key` last).
public struct HTTPPostRequest: Sendable, Equatable {
    public enum Scheme: String, Sendable {
        case http
        case https
    }

    public var scheme: Scheme
    /// The host to resolve or the address literal, without IPv6 brackets.
    public var host: String
    public var port: Int
    /// Origin-form request target: path and query.
    public var target: String
    public var bytes: [UInt8]

    static let reservedHeaders: Set<String> = ["host", "content-length", "connection", "transfer-encoding"]

    /// Builds the request; throws a text for `last_error` when the URL or a header is unusable.
    public init(url: URL, body: Data, headers: [String: String]) throws(HTTPRequestError) {
        guard let scheme = url.scheme.flatMap({ Scheme(rawValue: $0.lowercased()) }) else {
            throw HTTPRequestError("unsupported URL scheme (http:// or https://)")
        }
        guard var host = url.host, !host.isEmpty else { throw HTTPRequestError("URL without a host") }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard url.user == nil && url.password == nil else {
            throw HTTPRequestError("credentials in the URL are not supported (use an Authorization header)")
        }
        let port = url.port ?? (scheme == .https ? 443 : 80)
        guard (1...65_535).contains(port) else { throw HTTPRequestError("URL port out of range") }
        let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
        var target = components?.percentEncodedPath ?? ""
        if target.isEmpty { target = "/" }
        if let query = components?.percentEncodedQuery { target += "?" + query }
        guard target.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw HTTPRequestError("URL path with spaces or control characters")
        }
        self.scheme = scheme
        self.host = host
        self.port = port
        self.target = target

        let isDefaultPort = port == (scheme == .https ? 443 : 80)
        let hostField = (host.contains(":") ? "[\(host)]" : host) + (isDefaultPort ? "" : ":\(port)")
        var head = "POST \(target) HTTP/1.1\r\nHost: \(hostField)\r\n"
        var given: [String: String] = [:]
        var spellings: [String: String] = [:]
        // Byte order (not String's Unicode order), so the winning spelling is well defined.
        for (name, value) in headers.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            let folded = name.lowercased()
            guard !Self.reservedHeaders.contains(folded), spellings[folded] == nil else { continue }
            spellings[folded] = name
            given[name] = value
        }
        if spellings["content-type"] == nil { given["Content-Type"] = "application/json" }
        if spellings["user-agent"] == nil { given["User-Agent"] = "parley" }
        for (name, value) in given.sorted(by: { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }) {
            guard Self.isToken(name) else { throw HTTPRequestError("header name not allowed: \(name.prefix(40))") }
            guard !value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) else {
                throw HTTPRequestError("header \(name) has a line break in its value")
            }
            head += "\(name): \(value)\r\n"
        }
        head += "Content-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        bytes = Array(head.utf8) + Array(body)
    }

    /// RFC 9110 §5.6.2 token.
    static func isToken(_ name: String) -> Bool {
        !name.isEmpty && name.utf8.allSatisfy { tokenBytes[Int($0)] }
    }

    /// `tchar` (RFC 9110 §5.6.2) by byte value: digits, letters and ``!#$%&'*+-.^_`|~``.
    static let tokenBytes: [Bool] = (0..<256).map { value in
        let byte = UInt8(value)
        return (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || "!#$%&'*+-.^_`|~".utf8.contains(byte)
    }
}

/// Why a request could not be built (the text goes to `last_error`).
public struct HTTPRequestError: Error, Sendable, Equatable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}
