// HTTPRequest — one HTTP/1.1 request as libmicrohttpd delivered it: method, the target as
// sent split into path and query, headers in arrival order, and the body.

public struct HTTPHeader: Sendable, Equatable {
    public var name: String
    public var value: String
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

public struct HTTPRequest: Sendable, Equatable {
    public var method: String
    /// The request target as sent (`/v1/calls?active=true`).
    public var target: String
    /// The target's path, not decoded (`/v1/calls`).
    public var path: String
    /// Query parameters, percent-decoded (`+` is a space); a repeated name keeps the last value.
    public var query: [String: String]
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    public var minorVersion: Int
    public var headers: [HTTPHeader]
    public var body: [UInt8]

    public init(method: String, target: String, minorVersion: Int = 1, headers: [HTTPHeader] = [],
                body: [UInt8] = []) {
        self.method = method
        self.target = target
        let parts = HTTPRequest.splitTarget(target)
        self.path = parts.path
        self.query = parts.query ?? [:]
        self.minorVersion = minorVersion
        self.headers = headers
        self.body = body
    }

    /// The first header named `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }

    /// Path segments, percent-decoded; nil when a segment has an invalid escape.
    public var pathSegments: [String]? {
        var segments: [String] = []
        for raw in path.split(separator: "/", omittingEmptySubsequences: true) {
            guard let decoded = HTTPRequest.percentDecode(Substring(raw), plusIsSpace: false) else { return nil }
            segments.append(decoded)
        }
        return segments
    }

    /// Splits a target into path and query; `query` is nil when an escape is invalid.
    static func splitTarget(_ target: String) -> (path: String, query: [String: String]?) {
        guard let mark = target.firstIndex(of: "?") else { return (target, [:]) }
        let path = String(target[..<mark])
        var query: [String: String] = [:]
        for pair in target[target.index(after: mark)...].split(separator: "&", omittingEmptySubsequences: true) {
            let name: Substring
            let value: Substring
            if let equals = pair.firstIndex(of: "=") {
                name = pair[..<equals]
                value = pair[pair.index(after: equals)...]
            } else {
                name = pair
                value = ""
            }
            guard let n = percentDecode(name, plusIsSpace: true), let v = percentDecode(value, plusIsSpace: true) else {
                return (path, nil)
            }
            query[n] = v
        }
        return (path, query)
    }

    static func percentDecode(_ text: Substring, plusIsSpace: Bool) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
            case UInt8(ascii: "+") where plusIsSpace:
                bytes.append(UInt8(ascii: " "))
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
