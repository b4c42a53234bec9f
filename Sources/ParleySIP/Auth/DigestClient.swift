/// Answers digest challenges (RFC 2617 §3.2.2, RFC 8760): computes the response for
/// qop=auth (or none) and counts nonces. The cnonce comes from the caller (no randomness here).
public struct DigestClient: Sendable, Equatable {
    public var username: String
    public var password: String
    public private(set) var challenge: DigestChallenge?
    /// nonce-count for the current nonce; reset when a new nonce arrives.
    public private(set) var nonceCount: UInt32 = 0

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    /// Takes a challenge; returns false when the previous nonce was already rejected and the
    /// new challenge is not marked `stale` (the credentials are wrong: give up, §22.2).
    public mutating func accept(_ newChallenge: DigestChallenge) -> Bool {
        if let challenge, challenge.realm == newChallenge.realm, nonceCount > 0, !newChallenge.stale {
            return false
        }
        if challenge?.nonce != newChallenge.nonce { nonceCount = 0 }
        challenge = newChallenge
        return true
    }

    /// Builds the `Authorization`/`Proxy-Authorization` value for a request, advancing nc.
    public mutating func authorization(method: SIPMethod, uri: String, cnonce: String) -> (SIPHeaderName, String)? {
        guard let c = challenge else { return nil }
        nonceCount &+= 1
        let nc = String(nonceCount, radix: 16)
        let ncText = String(repeating: "0", count: max(0, 8 - nc.count)) + nc
        let useQop = c.qopOptions.contains("auth")
        let response = DigestClient.response(algorithm: c.algorithm, username: username, realm: c.realm,
                                             password: password, method: method.name, uri: uri, nonce: c.nonce,
                                             qop: useQop ? "auth" : nil, nc: ncText, cnonce: cnonce)
        var parts = [
            "username=\(SIPGrammar.quote(username))", "realm=\(SIPGrammar.quote(c.realm))",
            "nonce=\(SIPGrammar.quote(c.nonce))", "uri=\(SIPGrammar.quote(uri))",
            "response=\(SIPGrammar.quote(response))", "algorithm=\(c.algorithm.rawValue)",
        ]
        if useQop { parts += ["cnonce=\(SIPGrammar.quote(cnonce))", "qop=auth", "nc=\(ncText)"] }
        if let opaque = c.opaque { parts.append("opaque=\(SIPGrammar.quote(opaque))") }
        return (c.isProxy ? .proxyAuthorization : .authorization, "Digest " + parts.joined(separator: ", "))
    }

    /// request-digest (RFC 2617 §3.2.2.1): H(H(A1):nonce:nc:cnonce:qop:H(A2)), or
    /// H(H(A1):nonce:H(A2)) without qop.
    public static func response(algorithm: DigestChallenge.Algorithm, username: String, realm: String,
                                password: String, method: String, uri: String, nonce: String,
                                qop: String?, nc: String, cnonce: String) -> String {
        let ha1 = algorithm.hash("\(username):\(realm):\(password)")
        let ha2 = algorithm.hash("\(method):\(uri)")
        if let qop { return algorithm.hash("\(ha1):\(nonce):\(nc):\(cnonce):\(qop):\(ha2)") }
        return algorithm.hash("\(ha1):\(nonce):\(ha2)")
    }
}
