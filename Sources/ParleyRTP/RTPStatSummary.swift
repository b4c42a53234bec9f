/// A per-call media summary in the `X-RTP-Stat` style used by SIP devices in BYE
/// (semicolon-separated `KEY=value` pairs). Built once at call end (it allocates).
public struct RTPStatSummary: Equatable, Sendable {
    public var packetsSent: UInt64 = 0
    public var octetsSent: UInt64 = 0
    public var packetsReceived: UInt64 = 0
    public var octetsReceived: UInt64 = 0
    /// Packets lost (RFC 3550 cumulative lost).
    public var packetsLost: Int64 = 0
    public var packetsExpected: UInt64 = 0
    public var late: UInt64 = 0
    public var duplicate: UInt64 = 0
    public var reordered: UInt64 = 0
    public var concealed: UInt64 = 0
    /// Frames the jitter buffer dropped to bring its depth down (skew, a sender's burst).
    public var discarded: UInt64 = 0
    /// Interarrival jitter, ms.
    public var jitterMs: Double = 0
    public var durationSeconds: Int = 0
    /// Codec names, e.g. "PCMU".
    public var encoder: String = ""
    public var decoder: String = ""

    public init() {}

    /// Fills the receive side from RTP reception statistics and the jitter buffer.
    public mutating func record(reception r: RTPReceptionStatistics, jitterBuffer j: JitterBufferStatistics, clockRate: Int) {
        packetsReceived = UInt64(r.received)
        octetsReceived = r.payloadOctets
        packetsExpected = UInt64(r.expected)
        packetsLost = r.cumulativeLost
        jitterMs = Double(r.jitter) * 1000 / Double(max(1, clockRate))
        late = j.late
        duplicate = j.duplicate
        reordered = j.reordered
        concealed = j.concealed
        discarded = j.discarded
    }

    /// Loss as a percentage of expected packets.
    public var lossPercent: Double {
        packetsExpected == 0 ? 0 : max(0, Double(packetsLost)) * 100 / Double(packetsExpected)
    }

    /// Fixed-point text without Foundation: `decimal(1.236, places: 2)` is "1.24".
    static func decimal(_ value: Double, places: Int) -> String {
        var scale = 1
        for _ in 0..<places { scale *= 10 }
        let v = Int(value * Double(scale) + (value < 0 ? -0.5 : 0.5))
        let whole = v / scale, frac = abs(v % scale)
        var f = String(frac)
        while f.count < places { f = "0" + f }
        return (v < 0 && whole == 0 ? "-" : "") + "\(whole).\(f)"
    }

    /// `PS=..;OS=..;PR=..;OR=..;PL=..;JI=..;DU=..;EN=..;DE=..` plus Parley's own counters.
    public var headerValue: String {
        let jitter = Self.decimal(jitterMs, places: 1)
        let loss = Self.decimal(lossPercent, places: 2)
        return "PS=\(packetsSent);OS=\(octetsSent);PR=\(packetsReceived);OR=\(octetsReceived);"
            + "PL=\(packetsLost);PLP=\(loss);JI=\(jitter);DU=\(durationSeconds);EN=\(encoder);DE=\(decoder);"
            + "LATE=\(late);DUP=\(duplicate);REO=\(reordered);PLC=\(concealed);DROP=\(discarded)"
    }
}
