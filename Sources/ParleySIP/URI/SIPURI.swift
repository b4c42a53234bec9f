/// A `sip:`, `sips:` or `tel:` URI (RFC 3261 §19.1, RFC 3966). Components keep their
/// `%`-escapes as they came; `isEquivalent(to:)` compares per §19.1.4 (unescaped).
/// For `tel:` the subscriber number is in `user` and `host` is empty.
public struct SIPURI: Sendable, Equatable, CustomStringConvertible {
    public enum Scheme: String, Sendable, Equatable {
        case sip, sips, tel
    }

    public var scheme: Scheme
    public var user: String?
    public var password: String?
    /// Host name, IPv4 address or IPv6 reference with its brackets (`[2001:db8::1]`).
    public var host: String
    public var port: Int?
    public var parameters: SIPParameters
    /// `?name=value&…` headers, escapes kept.
    public var headers: [(name: String, value: String)]

    public init(scheme: Scheme = .sip, user: String? = nil, password: String? = nil, host: String,
                port: Int? = nil, parameters: SIPParameters = SIPParameters(),
                headers: [(name: String, value: String)] = []) {
        self.scheme = scheme
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.parameters = parameters
        self.headers = headers
    }

    /// The host without IPv6 brackets, for socket addresses.
    public var hostAddress: String {
        if host.hasPrefix("["), host.hasSuffix("]") { return String(host.dropFirst().dropLast()) }
        return host
    }

    public var transport: String? { parameters["transport"]?.lowercased() }
    public var isLooseRouter: Bool { parameters.contains("lr") }

    public var description: String { serialized }

    public var serialized: String {
        var out = scheme.rawValue + ":"
        if scheme == .tel {
            out += user ?? ""
            out += parameters.serialized
            return out
        }
        if let user {
            out += user
            if let password { out += ":" + password }
            out += "@"
        }
        out += host
        if let port { out += ":" + String(port) }
        out += parameters.serialized
        if !headers.isEmpty {
            out += "?" + headers.map { "\($0.name)=\($0.value)" }.joined(separator: "&")
        }
        return out
    }

    public static func == (a: SIPURI, b: SIPURI) -> Bool {
        a.scheme == b.scheme && a.user == b.user && a.password == b.password && a.host == b.host
            && a.port == b.port && a.parameters == b.parameters
            && a.headers.map(\.name) == b.headers.map(\.name) && a.headers.map(\.value) == b.headers.map(\.value)
    }
}
