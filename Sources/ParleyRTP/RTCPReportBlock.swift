/// One reception report block (RFC 3550 §6.4.1), 24 bytes on the wire.
public struct RTCPReportBlock: Equatable, Sendable, BitwiseCopyable {
    public var ssrc: UInt32
    /// Fraction lost since the last report, ×256.
    public var fractionLost: UInt8
    /// Cumulative lost, a signed 24-bit value.
    public var cumulativeLost: Int32
    public var extendedHighestSequence: UInt32
    /// Interarrival jitter in timestamp units.
    public var jitter: UInt32
    /// Middle 32 bits of the NTP timestamp of the last SR received (0 if none).
    public var lastSR: UInt32
    /// Delay since that SR, in units of 1/65536 s.
    public var delaySinceLastSR: UInt32

    public static let size = 24

    public init(ssrc: UInt32, fractionLost: UInt8, cumulativeLost: Int32, extendedHighestSequence: UInt32,
                jitter: UInt32, lastSR: UInt32, delaySinceLastSR: UInt32) {
        self.ssrc = ssrc
        self.fractionLost = fractionLost
        self.cumulativeLost = cumulativeLost
        self.extendedHighestSequence = extendedHighestSequence
        self.jitter = jitter
        self.lastSR = lastSR
        self.delaySinceLastSR = delaySinceLastSR
    }

    init(parsing p: Span<UInt8>, at o: Int) {
        ssrc = p.readUInt32(at: o)
        fractionLost = p[o + 4]
        let raw = UInt32(p[o + 5]) << 16 | UInt32(p[o + 6]) << 8 | UInt32(p[o + 7])
        cumulativeLost = raw & 0x80_0000 != 0 ? Int32(bitPattern: raw | 0xFF00_0000) : Int32(raw)
        extendedHighestSequence = p.readUInt32(at: o + 8)
        jitter = p.readUInt32(at: o + 12)
        lastSR = p.readUInt32(at: o + 16)
        delaySinceLastSR = p.readUInt32(at: o + 20)
    }

    func write(into out: inout MutableSpan<UInt8>, at o: Int) {
        out.writeUInt32(ssrc, at: o)
        let lost = UInt32(bitPattern: cumulativeLost) & 0xFF_FFFF
        out.writeUInt32(UInt32(fractionLost) << 24 | lost, at: o + 4)
        out.writeUInt32(extendedHighestSequence, at: o + 8)
        out.writeUInt32(jitter, at: o + 12)
        out.writeUInt32(lastSR, at: o + 16)
        out.writeUInt32(delaySinceLastSR, at: o + 20)
    }
}
