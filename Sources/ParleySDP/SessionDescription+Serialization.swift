/// RFC 4566 serializer: lines in the order of §5, CRLF line ends.
extension SessionDescription {
    public var text: String {
        var out = ""
        out.reserveCapacity(512)
        func line(_ type: String, _ value: String) { out += type; out += "="; out += value; out += "\r\n" }
        line("v", String(version))
        line("o", "\(origin.username) \(origin.sessionID) \(origin.sessionVersion) \(origin.networkType) "
             + "\(origin.addressType.token) \(origin.unicastAddress)")
        line("s", sessionName)
        if let information { line("i", information) }
        if let uri { line("u", uri) }
        for e in emails { line("e", e) }
        for p in phones { line("p", p) }
        if let connection { line("c", connection.text) }
        for b in bandwidths { line("b", "\(b.type):\(b.kilobitsPerSecond)") }
        for t in timings {
            line("t", "\(t.startTime) \(t.stopTime)")
            for r in t.repeatLines { line("r", r) }
        }
        if let timeZones { line("z", timeZones) }
        if let encryptionKey { line("k", encryptionKey) }
        for a in attributes { line("a", a.text) }
        for m in media {
            let port = m.portCount.map { "\(m.port)/\($0)" } ?? "\(m.port)"
            line("m", "\(m.media) \(port) \(m.proto) " + m.formats.joined(separator: " "))
            if let i = m.information { line("i", i) }
            for c in m.connections { line("c", c.text) }
            for b in m.bandwidths { line("b", "\(b.type):\(b.kilobitsPerSecond)") }
            if let k = m.encryptionKey { line("k", k) }
            for a in m.attributes { line("a", a.text) }
        }
        return out
    }
}

extension Connection {
    public var text: String {
        "\(networkType) \(addressType.token) \(address)" + (multicastSuffix.map { "/\($0)" } ?? "")
    }
}

extension Attribute {
    public var text: String { value.map { "\(name):\($0)" } ?? name }
}
