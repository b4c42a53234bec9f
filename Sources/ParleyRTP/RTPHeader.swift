/// An RTP fixed header (RFC 3550 §5.1) plus where the parts of the packet lie.
/// Parsing reads a borrowed `Span` and allocates nothing; CSRCs and the header
/// extension stay in the caller's buffer and are read through the offsets.
public struct RTPHeader: Equatable, Sendable, BitwiseCopyable {
    public var marker: Bool
    public var payloadType: UInt8
    public var sequenceNumber: UInt16
    public var timestamp: UInt32
    public var ssrc: UInt32
    /// Number of CSRC identifiers (0–15) following the fixed header.
    public var csrcCount: Int
    public var hasPadding: Bool
    /// Profile-defined 16 bits of the header extension, when the X bit is set.
    public var extensionProfile: UInt16?
    /// Byte offset and length of the extension data (after its 4-byte header).
    public var extensionOffset: Int
    public var extensionLength: Int
    /// Byte offset and length of the payload (padding excluded).
    public var payloadOffset: Int
    public var payloadLength: Int
    /// Number of padding bytes at the end, including the count byte.
    public var paddingLength: Int

    public static let fixedSize = 12

    public init(marker: Bool = false, payloadType: UInt8, sequenceNumber: UInt16, timestamp: UInt32, ssrc: UInt32) {
        self.marker = marker
        self.payloadType = payloadType & 0x7F
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
        self.csrcCount = 0
        self.hasPadding = false
        self.extensionProfile = nil
        self.extensionOffset = 0
        self.extensionLength = 0
        self.payloadOffset = Self.fixedSize
        self.payloadLength = 0
        self.paddingLength = 0
    }

    /// Parses the header of `packet` (one whole datagram).
    public init(parsing packet: Span<UInt8>) throws(RTPParseError) {
        let n = packet.count
        guard n >= Self.fixedSize else { throw RTPParseError(.tooShort, offset: n) }
        let b0 = packet[0]
        guard b0 >> 6 == 2 else { throw RTPParseError(.badVersion, offset: 0) }
        let b1 = packet[1]
        self.init(marker: b1 & 0x80 != 0, payloadType: b1 & 0x7F,
                  sequenceNumber: packet.readUInt16(at: 2), timestamp: packet.readUInt32(at: 4),
                  ssrc: packet.readUInt32(at: 8))
        csrcCount = Int(b0 & 0x0F)
        hasPadding = b0 & 0x20 != 0
        var offset = Self.fixedSize + 4 * csrcCount
        guard offset <= n else { throw RTPParseError(.csrcOverrun, offset: n) }
        if b0 & 0x10 != 0 {
            guard offset + 4 <= n else { throw RTPParseError(.extensionOverrun, offset: offset) }
            extensionProfile = packet.readUInt16(at: offset)
            let words = Int(packet.readUInt16(at: offset + 2))
            extensionOffset = offset + 4
            extensionLength = 4 * words
            offset = extensionOffset + extensionLength
            guard offset <= n else { throw RTPParseError(.extensionOverrun, offset: extensionOffset) }
        }
        var end = n
        if hasPadding {
            let pad = Int(packet[n - 1])
            guard pad > 0, offset + pad <= n else { throw RTPParseError(.badPadding, offset: n - 1) }
            paddingLength = pad
            end = n - pad
        }
        payloadOffset = offset
        payloadLength = end - offset
    }

    /// The CSRC at `index` (< `csrcCount`) from the packet this header was parsed from.
    public func csrc(at index: Int, in packet: Span<UInt8>) -> UInt32? {
        guard index >= 0, index < csrcCount, Self.fixedSize + 4 * (index + 1) <= packet.count else { return nil }
        return packet.readUInt32(at: Self.fixedSize + 4 * index)
    }

    /// Size of the header as `write` produces it (no CSRCs, no extension).
    public var writtenSize: Int { Self.fixedSize }

    /// Writes the 12-byte fixed header (V=2, no CSRC, no extension; the P bit when
    /// `hasPadding`). Returns the bytes written, or 0 when `out` is too small.
    public func write(into out: inout MutableSpan<UInt8>) -> Int {
        guard out.count >= Self.fixedSize else { return 0 }
        out[0] = 0x80 | (hasPadding ? 0x20 : 0)
        out[1] = (marker ? 0x80 : 0) | (payloadType & 0x7F)
        out.writeUInt16(sequenceNumber, at: 2)
        out.writeUInt32(timestamp, at: 4)
        out.writeUInt32(ssrc, at: 8)
        return Self.fixedSize
    }

    /// Writes a header with CSRCs and an optional extension (`extensionData.count` must
    /// be a multiple of 4). Returns the bytes written, or 0 when it does not fit.
    public func write(into out: inout MutableSpan<UInt8>, csrcs: Span<UInt32>,
                      extensionProfile profile: UInt16?, extensionData: Span<UInt8>) -> Int {
        let csrcN = min(csrcs.count, 15)
        let extBytes = profile == nil ? 0 : 4 + extensionData.count
        guard extensionData.count % 4 == 0, extensionData.count / 4 <= 0xFFFF,
              out.count >= Self.fixedSize + 4 * csrcN + extBytes else { return 0 }
        _ = write(into: &out)
        out[0] |= UInt8(csrcN) | (profile == nil ? 0 : 0x10)
        var o = Self.fixedSize
        for i in 0..<csrcN { out.writeUInt32(csrcs[i], at: o); o += 4 }
        if let profile {
            out.writeUInt16(profile, at: o)
            out.writeUInt16(UInt16(extensionData.count / 4), at: o + 2)
            o += 4
            for i in 0..<extensionData.count { out[o + i] = extensionData[i] }
            o += extensionData.count
        }
        return o
    }

    /// Writes a whole packet: fixed header, `payload`, then padding up to a multiple of
    /// `padTo` bytes (RFC 3550 §5.1; 0 or 1 = none). Returns the size, 0 when it does not fit.
    public func writePacket(into out: inout MutableSpan<UInt8>, payload: Span<UInt8>, padTo: Int = 0) -> Int {
        let body = Self.fixedSize + payload.count
        let pad = padTo > 1 && body % padTo != 0 ? padTo - body % padTo : 0
        guard out.count >= body + pad, pad < 256 else { return 0 }
        var h = self
        h.hasPadding = pad > 0
        _ = h.write(into: &out)
        for i in 0..<payload.count { out[Self.fixedSize + i] = payload[i] }
        if pad > 0 {
            for i in body..<(body + pad - 1) { out[i] = 0 }
            out[body + pad - 1] = UInt8(pad)
        }
        return body + pad
    }
}

extension RTPHeader {
    /// Adds `delta` (wrapping) to the timestamp of the RTP packet at the start of `packet`
    /// (bytes 4–7, network order), in place: a packet prepared before a gap in the sender's
    /// clock keeps the send time it will really have. No allocation.
    public static func advanceTimestamp(by delta: UInt32, inPacket packet: inout MutableSpan<UInt8>) {
        let stamp = packet.span.readUInt32(at: 4)
        packet.writeUInt32(stamp &+ delta, at: 4)
    }
}

extension Span where Element == UInt8 {
    @inline(__always) func readUInt16(at i: Int) -> UInt16 { UInt16(self[i]) << 8 | UInt16(self[i + 1]) }
    @inline(__always) func readUInt32(at i: Int) -> UInt32 {
        UInt32(self[i]) << 24 | UInt32(self[i + 1]) << 16 | UInt32(self[i + 2]) << 8 | UInt32(self[i + 3])
    }
}

extension MutableSpan where Element == UInt8 {
    @inline(__always) mutating func writeUInt16(_ v: UInt16, at i: Int) {
        self[i] = UInt8(truncatingIfNeeded: v >> 8)
        self[i + 1] = UInt8(truncatingIfNeeded: v)
    }
    @inline(__always) mutating func writeUInt32(_ v: UInt32, at i: Int) {
        self[i] = UInt8(truncatingIfNeeded: v >> 24)
        self[i + 1] = UInt8(truncatingIfNeeded: v >> 16)
        self[i + 2] = UInt8(truncatingIfNeeded: v >> 8)
        self[i + 3] = UInt8(truncatingIfNeeded: v)
    }
}
