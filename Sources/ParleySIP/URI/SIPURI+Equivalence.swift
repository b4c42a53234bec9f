extension SIPURI {
    /// URI comparison per RFC 3261 §19.1.4: escapes decoded before comparing; user and
    /// password case-sensitive; host, parameter names and scheme case-insensitive; a
    /// `user`, `ttl`, `method`, `maddr` or `transport` parameter in one must be in both;
    /// other parameters compare only when present in both; headers must all match.
    public func isEquivalent(to other: SIPURI) -> Bool {
        guard scheme == other.scheme else { return false }
        guard user.map(SIPURI.unescape) == other.user.map(SIPURI.unescape),
              password.map(SIPURI.unescape) == other.password.map(SIPURI.unescape) else { return false }
        guard SIPURI.unescape(host).lowercased() == SIPURI.unescape(other.host).lowercased(), port == other.port else {
            return false
        }
        let mustMatch: Set<String> = ["user", "ttl", "method", "maddr", "transport"]
        var names = Set<String>()
        for p in parameters { names.insert(SIPURI.unescape(p.name).lowercased()) }
        for p in other.parameters { names.insert(SIPURI.unescape(p.name).lowercased()) }
        for name in names {
            let a = parameterValue(name), b = other.parameterValue(name)
            switch (a, b) {
            case let (x?, y?):
                if x.lowercased() != y.lowercased() { return false }
            case (nil, nil):
                break
            default:
                if mustMatch.contains(name) { return false }
            }
        }
        func normalizedHeaders(_ u: SIPURI) -> [String: String] {
            var d: [String: String] = [:]
            for h in u.headers { d[SIPURI.unescape(h.name).lowercased()] = SIPURI.unescape(h.value) }
            return d
        }
        return normalizedHeaders(self) == normalizedHeaders(other)
    }

    private func parameterValue(_ lowercasedName: String) -> String? {
        for p in parameters where SIPURI.unescape(p.name).lowercased() == lowercasedName {
            return SIPURI.unescape(p.value ?? "")
        }
        return nil
    }

    /// Decodes `%HH` escapes; invalid escapes are kept as written.
    public static func unescape(_ s: String) -> String {
        guard s.utf8.contains(UInt8(ascii: "%")) else { return s }
        let b = Array(s.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            if b[i] == UInt8(ascii: "%"), i + 2 < b.count, let hi = hexValue(b[i + 1]), let lo = hexValue(b[i + 2]) {
                out.append(hi << 4 | lo)
                i += 3
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x41...0x46: return c - 0x41 + 10
        case 0x61...0x66: return c - 0x61 + 10
        default: return nil
        }
    }
}
