extension SIPURI {
    /// Parses a URI as it appears in a Request-URI or inside `<…>`.
    public init(parsing text: some StringProtocol) throws(SIPParseError) {
        let s = Substring(text)
        guard let colon = s.utf8Index(of: UInt8(ascii: ":")) else { throw SIPURI.error("URI has no scheme") }
        guard let scheme = Scheme(rawValue: s[s.startIndex..<colon].lowercased()) else {
            throw SIPURI.error("Unsupported URI scheme")
        }
        let rest = s[s.utf8.index(after: colon)...]
        guard !rest.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == SIPGrammar.dquote }) else {
            throw SIPURI.error("URI contains whitespace or delimiters")
        }
        if scheme == .tel {
            self = try SIPURI.parseTel(rest)
            return
        }
        var user: String?, password: String?
        var parameters = SIPParameters()
        var headers: [(name: String, value: String)] = []
        var hostPart = rest
        if let at = rest.utf8Index(of: UInt8(ascii: "@")) {
            let userinfo = rest[rest.startIndex..<at]
            hostPart = rest[rest.utf8.index(after: at)...]
            if let c = userinfo.utf8Index(of: UInt8(ascii: ":")) {
                let u = userinfo[userinfo.startIndex..<c], p = userinfo[userinfo.utf8.index(after: c)...]
                guard SIPURI.valid(p, SIPURI.isPasswordChar) else { throw SIPURI.error("Bad URI password") }
                user = String(u)
                password = String(p)
            } else {
                user = String(userinfo)
            }
            guard let user, !user.isEmpty, SIPURI.valid(Substring(user), SIPURI.isUserChar) else {
                throw SIPURI.error("Bad URI user part")
            }
        }
        // headers
        if let q = hostPart.utf8Index(of: UInt8(ascii: "?")) {
            let h = hostPart[hostPart.utf8.index(after: q)...]
            hostPart = hostPart[hostPart.startIndex..<q]
            for pair in h.utf8Split(UInt8(ascii: "&")) {
                guard let eq = pair.utf8Index(of: UInt8(ascii: "=")), pair.startIndex < eq,
                      SIPURI.valid(pair[pair.startIndex..<eq], SIPURI.isHeaderChar),
                      SIPURI.valid(pair[pair.utf8.index(after: eq)...], SIPURI.isHeaderChar, allowEmpty: true) else {
                    throw SIPURI.error("Bad URI header")
                }
                headers.append((String(pair[pair.startIndex..<eq]), String(pair[pair.utf8.index(after: eq)...])))
            }
        }
        // parameters
        if let semi = hostPart.utf8Index(of: UInt8(ascii: ";")) {
            let p = hostPart[semi...]
            hostPart = hostPart[hostPart.startIndex..<semi]
            for piece in p.dropFirst().utf8Split(UInt8(ascii: ";")) {
                let name: Substring, value: Substring?
                if let eq = piece.utf8Index(of: UInt8(ascii: "=")) {
                    name = piece[piece.startIndex..<eq]
                    value = piece[piece.utf8.index(after: eq)...]
                } else {
                    name = piece
                    value = nil
                }
                guard SIPURI.valid(name, SIPURI.isParamChar),
                      value.map({ SIPURI.valid($0, SIPURI.isParamChar) }) ?? true else {
                    throw SIPURI.error("Bad URI parameter")
                }
                parameters.set(String(name), value.map(String.init))
            }
        }
        let (h, port) = try SIPURI.parseHostPort(hostPart)
        self.init(scheme: scheme, user: user, password: password, host: h, port: port,
                  parameters: parameters, headers: headers)
    }

    private static func parseTel(_ telRest: Substring) throws(SIPParseError) -> SIPURI {
        let pieces = telRest.utf8Split(UInt8(ascii: ";"))
        guard let number = pieces.first, !number.isEmpty,
              number.utf8.allSatisfy({ SIPGrammar.isTokenChar($0) || $0 == UInt8(ascii: "(") || $0 == UInt8(ascii: ")") || $0 == UInt8(ascii: "#") }) else {
            throw SIPURI.error("Bad telephone number")
        }
        var parameters = SIPParameters()
        for piece in pieces.dropFirst() {
            guard !piece.isEmpty else { throw SIPURI.error("Bad URI parameter") }
            if let eq = piece.utf8Index(of: UInt8(ascii: "=")) {
                parameters.set(String(piece[piece.startIndex..<eq]), String(piece[piece.utf8.index(after: eq)...]))
            } else {
                parameters.set(String(piece), nil)
            }
        }
        return SIPURI(scheme: .tel, user: String(number), host: "", parameters: parameters)
    }

    /// Parses `host[:port]` where host may be an IPv6 reference.
    static func parseHostPort(_ s: Substring) throws(SIPParseError) -> (String, Int?) {
        var host: Substring
        var portText: Substring?
        if s.hasPrefix("[") {
            guard let close = s.utf8Index(of: UInt8(ascii: "]")) else { throw error("Unterminated IPv6 reference") }
            host = s[s.startIndex...close]
            let inner = s[s.utf8.index(after: s.startIndex)..<close]
            guard inner.contains(":"), inner.utf8.allSatisfy({ isHex($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") }) else {
                throw error("Bad IPv6 reference")
            }
            let after = s[s.utf8.index(after: close)...]
            if !after.isEmpty {
                guard after.first == ":" else { throw error("Bad text after IPv6 reference") }
                portText = after.dropFirst()
            }
        } else {
            if let c = s.utf8Index(of: UInt8(ascii: ":")) {
                host = s[s.startIndex..<c]
                portText = s[s.utf8.index(after: c)...]
            } else {
                host = s
            }
            guard !host.isEmpty, host.utf8.allSatisfy({ isAlnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }),
                  host.utf8.first != UInt8(ascii: "-"), host.utf8.first != UInt8(ascii: ".") else {
                throw error("Bad host")
            }
        }
        var port: Int?
        if let portText {
            guard SIPGrammar.isDigits(portText), portText.count <= 5, let p = Int(portText), p <= 65535 else {
                throw error("Bad port")
            }
            port = p
        }
        return (String(host), port)
    }

    static func error(_ reason: String) -> SIPParseError { SIPParseError(.malformedURI, reason) }

    static func isAlnum(_ c: UInt8) -> Bool { (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) }
    static func isHex(_ c: UInt8) -> Bool { (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66) }
    /// unreserved = alphanum / mark
    static func isUnreserved(_ c: UInt8) -> Bool {
        if isAlnum(c) { return true }
        switch c {
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "!"), UInt8(ascii: "~"),
             UInt8(ascii: "*"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"):
            return true
        default: return false
        }
    }
    static func isUserChar(_ c: UInt8) -> Bool {
        if isUnreserved(c) { return true }
        switch c {
        case UInt8(ascii: "&"), UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "$"), UInt8(ascii: ","),
             UInt8(ascii: ";"), UInt8(ascii: "?"), UInt8(ascii: "/"):
            return true
        default: return false
        }
    }
    static func isPasswordChar(_ c: UInt8) -> Bool {
        if isUnreserved(c) { return true }
        switch c {
        case UInt8(ascii: "&"), UInt8(ascii: "="), UInt8(ascii: "+"), UInt8(ascii: "$"), UInt8(ascii: ","): return true
        default: return false
        }
    }
    static func isParamChar(_ c: UInt8) -> Bool {
        if isUnreserved(c) { return true }
        switch c {
        case UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: "&"),
             UInt8(ascii: "+"), UInt8(ascii: "$"):
            return true
        default: return false
        }
    }
    static func isHeaderChar(_ c: UInt8) -> Bool {
        if isUnreserved(c) { return true }
        switch c {
        case UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "/"), UInt8(ascii: "?"), UInt8(ascii: ":"),
             UInt8(ascii: "+"), UInt8(ascii: "$"):
            return true
        default: return false
        }
    }

    /// Checks every byte is allowed or part of a valid `%HH` escape.
    static func valid(_ s: Substring, _ allowed: (UInt8) -> Bool, allowEmpty: Bool = false) -> Bool {
        if s.isEmpty { return allowEmpty }
        var pendingHex = 0
        for c in s.utf8 {
            if pendingHex > 0 {
                guard isHex(c) else { return false }
                pendingHex -= 1
            } else if c == UInt8(ascii: "%") {
                pendingHex = 2
            } else if !allowed(c) {
                return false
            }
        }
        return pendingHex == 0
    }
}
