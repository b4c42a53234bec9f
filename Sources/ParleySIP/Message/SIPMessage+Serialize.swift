extension SIPMessage {
    /// Wire form: start line, each header value on its own line (full names), a
    /// Content-Length that matches the body, blank line, body.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512 + body.count)
        switch startLine {
        case let .request(method, uri, version):
            out += method.name.utf8; out.append(0x20); out += uri.utf8; out.append(0x20); out += version.utf8
        case let .response(code, reason, version):
            out += version.utf8; out.append(0x20); out += String(code).utf8; out.append(0x20); out += reason.utf8
        }
        out += [0x0D, 0x0A]
        for h in headers where h.name != .contentLength {
            out += h.name.name.utf8
            out += [UInt8(ascii: ":"), 0x20]
            out += h.value.utf8
            out += [0x0D, 0x0A]
        }
        out += "Content-Length: ".utf8
        out += String(body.count).utf8
        out += [0x0D, 0x0A, 0x0D, 0x0A]
        out += body
        return out
    }

    /// The wire form as text (lossy for non-UTF-8 bodies); for logs of non-personal fields and tests.
    public var text: String { String(decoding: serialized(), as: UTF8.self) }
}
