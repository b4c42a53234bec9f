// BearerTokenAuth — `Authorization: Bearer <token>` (RFC 6750) checked in constant time
// with respect to the token's contents; some paths (health, metrics) may be left open.

public struct BearerTokenAuth: Sendable {
    private let token: [UInt8]?
    public let openPaths: Set<String>

    /// `token` nil or empty: every request is allowed (loopback development setups).
    public init(token: String?, openPaths: Set<String> = ["/healthz", "/metrics"]) {
        self.token = token.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
        self.openPaths = openPaths
    }

    public var isEnabled: Bool { token != nil }

    public func isAuthorized(_ request: HTTPRequest) -> Bool {
        guard let token else { return true }
        if openPaths.contains(request.path) { return true }
        guard let header = request.header("Authorization") else { return false }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return false }
        return Self.constantTimeEqual(Array(parts[1].utf8), token)
    }

    /// Compares every byte of `expected` whatever the input; only the length leaks.
    static func constantTimeEqual(_ given: [UInt8], _ expected: [UInt8]) -> Bool {
        var difference: UInt8 = given.count == expected.count ? 0 : 1
        for i in 0..<expected.count {
            let g = i < given.count ? given[i] : 0
            difference |= g ^ expected[i]
        }
        return difference == 0
    }

    public static func unauthorized() -> HTTPResponse {
        var response = HTTPResponse.error(status: 401, code: "unauthorized", message: "a valid bearer token is required")
        response.headers.append(HTTPHeader(name: "WWW-Authenticate", value: "Bearer realm=\"parley\""))
        return response
    }
}
