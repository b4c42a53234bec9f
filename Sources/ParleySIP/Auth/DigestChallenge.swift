/// A digest challenge from `WWW-Authenticate` (401) or `Proxy-Authenticate` (407)
/// (RFC 2617 §3.2.1, RFC 8760).
public struct DigestChallenge: Sendable, Equatable {
    public enum Algorithm: String, Sendable, Equatable {
        case md5 = "MD5"
        case sha256 = "SHA-256"

        func hash(_ s: String) -> String {
            switch self {
            case .md5: hexString(MD5.hash(Array(s.utf8)))
            case .sha256: hexString(SHA256.hash(Array(s.utf8)))
            }
        }
    }

    public var realm: String
    public var nonce: String
    public var opaque: String?
    public var algorithm: Algorithm
    /// qop options offered (e.g. ["auth", "auth-int"]); empty for RFC 2069 style.
    public var qopOptions: [String]
    public var stale: Bool
    /// True for Proxy-Authenticate (answer with Proxy-Authorization).
    public var isProxy: Bool

    public init(realm: String, nonce: String, opaque: String? = nil, algorithm: Algorithm = .md5,
                qopOptions: [String] = ["auth"], stale: Bool = false, isProxy: Bool = false) {
        self.realm = realm
        self.nonce = nonce
        self.opaque = opaque
        self.algorithm = algorithm
        self.qopOptions = qopOptions
        self.stale = stale
        self.isProxy = isProxy
    }

    /// Parses one challenge value (`Digest realm="…", nonce="…", …`). Unknown algorithms
    /// (e.g. SHA-512-256, MD5-sess) yield nil so another challenge can be chosen.
    public init?(header: String, isProxy: Bool = false) {
        let t = SIPGrammar.trim(header)
        guard t.count > 6, t.prefix(6).lowercased() == "digest" else { return nil }
        guard let params = DigestChallenge.parseParams(t.dropFirst(6)) else { return nil }
        guard let realm = params["realm"], let nonce = params["nonce"] else { return nil }
        let alg = params["algorithm"] ?? "MD5"
        guard let algorithm = Algorithm(rawValue: alg.uppercased()) else { return nil }
        self.init(realm: realm, nonce: nonce, opaque: params["opaque"], algorithm: algorithm,
                  qopOptions: (params["qop"] ?? "").split(separator: ",").map { SIPGrammar.trim($0).lowercased() }.filter { !$0.isEmpty },
                  stale: params["stale"]?.lowercased() == "true", isProxy: isProxy)
    }

    /// The challenges of a 401/407, strongest first (SHA-256 before MD5, RFC 8760 §2.4).
    public static func challenges(in response: SIPMessage) -> [DigestChallenge] {
        let isProxy = response.statusCode == 407
        let values = response.values(isProxy ? .proxyAuthenticate : .wwwAuthenticate)
        return values.compactMap { DigestChallenge(header: $0, isProxy: isProxy) }
            .sorted { $0.algorithm == .sha256 && $1.algorithm != .sha256 }
    }

    /// `name=value, name="value"` → lowercased names → unquoted values.
    static func parseParams(_ s: Substring) -> [String: String]? {
        guard let pieces = SIPGrammar.splitOutsideQuotes(s, on: UInt8(ascii: ",")) else { return nil }
        var out: [String: String] = [:]
        for piece in pieces {
            let p = SIPGrammar.trim(piece)
            guard !p.isEmpty else { continue }
            guard let eq = p.firstIndex(of: "=") else { return nil }
            let name = SIPGrammar.trim(p[p.startIndex..<eq]).lowercased()
            out[name] = SIPGrammar.unquote(SIPGrammar.trim(p[p.index(after: eq)...]))
        }
        return out
    }
}
