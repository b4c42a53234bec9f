/// Per-source reception statistics exactly as RFC 3550 Appendix A: source validation
/// and sequence tracking (A.1), expected/lost/fraction lost (A.3) and interarrival
/// jitter (A.8). Pure: arrival times are passed in, in RTP timestamp units.
public struct RTPReceptionStatistics: Equatable, Sendable, BitwiseCopyable {
    public static let maxDropout = 3000
    public static let maxMisorder = 100
    public static let minSequential = 2

    public private(set) var ssrc: UInt32 = 0
    public private(set) var maxSequence: UInt16 = 0
    /// Shifted count of sequence number cycles (A.1 `cycles`).
    public private(set) var cycles: UInt32 = 0
    public private(set) var baseSequence: UInt32 = 0
    public private(set) var badSequence: UInt32 = UInt32(UInt16.max) + 1 + 1
    public private(set) var probation: Int = minSequential
    /// Packets received, duplicates included (RFC 3550 counts them).
    public private(set) var received: UInt32 = 0
    public private(set) var expectedPrior: UInt32 = 0
    public private(set) var receivedPrior: UInt32 = 0
    /// Last transit time, timestamp units; `hasTransit` tells if set.
    public private(set) var transit: Int64 = 0
    public private(set) var hasTransit = false
    /// Interarrival jitter estimate ×16 (A.8), timestamp units.
    public private(set) var jitterQ4: UInt32 = 0
    /// Octets of payload received.
    public private(set) var payloadOctets: UInt64 = 0
    public private(set) var isValid = false

    public init() {}

    /// Starts tracking a source at its first packet (A.1 `init_seq` + probation).
    public init(ssrc: UInt32, firstSequence seq: UInt16) {
        self.ssrc = ssrc
        initSequence(seq)
        maxSequence = seq &- 1
        probation = Self.minSequential
    }

    mutating func initSequence(_ seq: UInt16) {
        baseSequence = UInt32(seq)
        maxSequence = seq
        badSequence = UInt32(UInt16.max) + 2
        cycles = 0
        received = 0
        receivedPrior = 0
        expectedPrior = 0
    }

    /// A.1 `update_seq`, then A.8 jitter. Returns false when the packet is not (yet)
    /// counted: in probation or after a large jump. `arrival` is the local clock in
    /// the stream's RTP timestamp units.
    @discardableResult
    public mutating func update(sequenceNumber seq: UInt16, timestamp: UInt32, arrival: UInt32,
                                payloadBytes: Int = 0) -> Bool {
        let udelta = seq &- maxSequence
        if probation > 0 {
            if seq == maxSequence &+ 1 {
                probation -= 1
                maxSequence = seq
                if probation == 0 {
                    initSequence(seq)
                    isValid = true
                    count(timestamp: timestamp, arrival: arrival, payloadBytes: payloadBytes)
                    return true
                }
            } else {
                probation = Self.minSequential - 1
                maxSequence = seq
            }
            return false
        } else if udelta < UInt16(Self.maxDropout) {
            if seq < maxSequence { cycles &+= 1 << 16 }
            maxSequence = seq
        } else if udelta <= UInt16.max - UInt16(Self.maxMisorder) {
            // A very large jump: accept after two sequential packets (the peer restarted).
            if UInt32(seq) == badSequence {
                initSequence(seq)
            } else {
                badSequence = (UInt32(seq) + 1) & 0xFFFF
                return false
            }
        }
        // else: duplicate or reordered packet — counted.
        count(timestamp: timestamp, arrival: arrival, payloadBytes: payloadBytes)
        return true
    }

    mutating func count(timestamp: UInt32, arrival: UInt32, payloadBytes: Int) {
        received &+= 1
        payloadOctets &+= UInt64(max(0, payloadBytes))
        let t = Int64(Int32(bitPattern: arrival &- timestamp))
        if hasTransit {
            var d = t - transit
            if d < 0 { d = -d }
            // J += (|D| - J) / 16, kept ×16 as in A.8.
            let j = Int64(jitterQ4)
            jitterQ4 = UInt32(clamping: j + d - ((j + 8) >> 4))
        }
        transit = t
        hasTransit = true
    }

    /// Highest extended sequence number received.
    public var extendedMax: UInt32 { cycles &+ UInt32(maxSequence) }
    /// Packets expected (A.3).
    public var expected: UInt32 { isValid ? extendedMax &- baseSequence &+ 1 : 0 }
    /// Cumulative packets lost (A.3); negative when duplicates outnumber losses.
    public var cumulativeLost: Int64 { Int64(expected) - Int64(received) }
    /// Interarrival jitter in timestamp units (A.8).
    public var jitter: UInt32 { jitterQ4 >> 4 }

    /// Fraction lost since the previous call, as the 8-bit RFC value (A.3); advances the interval.
    public mutating func takeIntervalFractionLost() -> UInt8 {
        let expectedInterval = Int64(expected) - Int64(expectedPrior)
        expectedPrior = expected
        let receivedInterval = Int64(received) - Int64(receivedPrior)
        receivedPrior = received
        let lostInterval = expectedInterval - receivedInterval
        guard expectedInterval > 0, lostInterval > 0 else { return 0 }
        return UInt8(clamping: (lostInterval << 8) / expectedInterval)
    }

    /// A report block for this source, advancing the fraction-lost interval.
    /// `lastSR`/`delaySinceLastSR` come from the last SR received from it (RFC 3550 §6.4.1).
    public mutating func makeReportBlock(lastSR: UInt32 = 0, delaySinceLastSR: UInt32 = 0) -> RTCPReportBlock {
        let fraction = takeIntervalFractionLost()
        let lost = max(-0x80_0000, min(0x7F_FFFF, cumulativeLost))
        return RTCPReportBlock(ssrc: ssrc, fractionLost: fraction, cumulativeLost: Int32(lost),
                               extendedHighestSequence: extendedMax, jitter: jitter,
                               lastSR: lastSR, delaySinceLastSR: delaySinceLastSR)
    }
}
