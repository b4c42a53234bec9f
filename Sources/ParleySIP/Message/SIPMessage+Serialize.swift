extension SIPMessage {
    /// Wire form: start line, each header value on its own line (full names), a
    /// Content-Length that matches the body, blank line, body.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(serializedCapacity)
        switch startLine {
        case let .request(method, uri, version):
            out += method.name.utf8; out.append(0x20); out += uri.utf8; out.append(0x20); out += version.utf8
        case let .response(code, reason, version):
            out += version.utf8; out.append(0x20); appendDecimal(code, to: &out); out.append(0x20); out += reason.utf8
        }
        out.append(0x0D); out.append(0x0A)
        for h in headers where h.name != .contentLength {
            out += h.name.name.utf8
            out.append(UInt8(ascii: ":")); out.append(0x20)
            out += h.value.utf8
            out.append(0x0D); out.append(0x0A)
        }
        out += "Content-Length: ".utf8
        appendDecimal(body.count, to: &out)
        out.append(0x0D); out.append(0x0A); out.append(0x0D); out.append(0x0A)
        out += body
        return out
    }

    /// An upper bound of the wire size, so `serialized()` allocates once.
    var serializedCapacity: Int {
        var n = 64 + body.count
        switch startLine {
        case let .request(method, uri, version): n += method.name.utf8.count + uri.utf8.count + version.utf8.count
        case let .response(_, reason, version): n += reason.utf8.count + version.utf8.count + 8
        }
        for h in headers { n += h.name.name.utf8.count + h.value.utf8.count + 4 }
        return n
    }

    /// Appends a non-negative integer in decimal (a negative one as written by `String`).
    private func appendDecimal(_ value: Int, to out: inout [UInt8]) {
        guard value >= 0 else { out += String(value).utf8; return }
        if value < 10 { out.append(0x30 + UInt8(value)); return }
        var divisor = 1
        while divisor <= value / 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            out.append(0x30 + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// The wire form as text (lossy for non-UTF-8 bodies); for logs of non-personal fields and tests.
    public var text: String { String(decoding: serialized(), as: UTF8.self) }
}
