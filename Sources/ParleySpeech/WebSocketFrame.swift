/// RFC 6455 §5 framing: encoding masked client frames and parsing server frames.
struct WebSocketFrame: Sendable, Hashable {
    enum Opcode: UInt8, Sendable {
        case continuation = 0x0, text = 0x1, binary = 0x2, close = 0x8, ping = 0x9, pong = 0xA
        var isControl: Bool { rawValue & 0x8 != 0 }
    }

    var fin: Bool
    var opcode: Opcode
    var payload: [UInt8]

    /// Appends a client frame (always masked, §5.3) to `out`.
    static func encode(_ opcode: Opcode, payload: some Collection<UInt8>, maskKey: [UInt8], fin: Bool = true,
                       into out: inout [UInt8]) {
        precondition(maskKey.count == 4, "a masking key has 4 bytes")
        out.append((fin ? 0x80 : 0) | opcode.rawValue)
        let length = payload.count
        if length < 126 {
            out.append(0x80 | UInt8(length))
        } else if length <= 0xFFFF {
            out.append(0x80 | 126)
            out += [UInt8(length >> 8), UInt8(truncatingIfNeeded: length)]
        } else {
            out.append(0x80 | 127)
            for shift in stride(from: 56, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: UInt64(length) >> UInt64(shift))) }
        }
        out += maskKey
        var index = 0
        for byte in payload {
            out.append(byte ^ maskKey[index & 3])
            index += 1
        }
    }
}

/// Incremental parser for frames sent by a server (which must not mask them, §5.1).
struct WebSocketFrameParser: Sendable {
    struct ParseError: Error, Sendable, Hashable {
        enum Code: String, Sendable { case reservedBits, unknownOpcode, maskedServerFrame, controlFrameTooLong,
                                           fragmentedControlFrame, payloadTooLong, nonMinimalLength }
        var code: Code
    }

    let maximumPayloadBytes: Int
    private var buffer: [UInt8] = []
    private var start = 0

    init(maximumPayloadBytes: Int = 1 << 20) {
        self.maximumPayloadBytes = maximumPayloadBytes
    }

    mutating func append(_ bytes: some Collection<UInt8>) {
        if start > 4096, start * 2 > buffer.count {
            buffer.removeFirst(start)
            start = 0
        }
        buffer += bytes
    }

    /// The next complete frame, nil when more bytes are needed.
    mutating func next() throws(ParseError) -> WebSocketFrame? {
        let available = buffer.count - start
        guard available >= 2 else { return nil }
        let first = buffer[start], second = buffer[start + 1]
        guard first & 0x70 == 0 else { throw ParseError(code: .reservedBits) }
        guard let opcode = WebSocketFrame.Opcode(rawValue: first & 0x0F) else { throw ParseError(code: .unknownOpcode) }
        guard second & 0x80 == 0 else { throw ParseError(code: .maskedServerFrame) }
        let fin = first & 0x80 != 0
        var length = UInt64(second & 0x7F)
        var header = 2
        if length == 126 {
            guard available >= 4 else { return nil }
            length = UInt64(buffer[start + 2]) << 8 | UInt64(buffer[start + 3])
            guard length >= 126 else { throw ParseError(code: .nonMinimalLength) }
            header = 4
        } else if length == 127 {
            guard available >= 10 else { return nil }
            length = 0
            for index in 0..<8 { length = length << 8 | UInt64(buffer[start + 2 + index]) }
            guard length > 0xFFFF else { throw ParseError(code: .nonMinimalLength) }
            header = 10
        }
        if opcode.isControl {
            guard length <= 125 else { throw ParseError(code: .controlFrameTooLong) }
            guard fin else { throw ParseError(code: .fragmentedControlFrame) }
        }
        guard length <= UInt64(maximumPayloadBytes) else { throw ParseError(code: .payloadTooLong) }
        let total = header + Int(length)
        guard available >= total else { return nil }
        let payload = Array(buffer[(start + header)..<(start + total)])
        start += total
        return WebSocketFrame(fin: fin, opcode: opcode, payload: payload)
    }
}
