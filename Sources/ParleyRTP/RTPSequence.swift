/// Wrap-around arithmetic for 16-bit sequence numbers and 32-bit timestamps
/// (RFC 3550 §5.1, Appendix A.1): comparisons by signed distance.
public enum RTPSequence {
    /// Signed distance from `a` to `b` (positive when `b` is newer), in packets.
    @inline(__always) public static func distance(from a: UInt16, to b: UInt16) -> Int {
        Int(Int16(bitPattern: b &- a))
    }

    /// True when `b` is newer than `a` modulo 2^16.
    @inline(__always) public static func isNewer(_ b: UInt16, than a: UInt16) -> Bool { distance(from: a, to: b) > 0 }

    /// Signed difference `b - a` of two RTP timestamps, in clock units.
    @inline(__always) public static func timestampDistance(from a: UInt32, to b: UInt32) -> Int64 {
        Int64(Int32(bitPattern: b &- a))
    }
}

/// Extends 16-bit sequence numbers to a monotonic 64-bit count (cycles × 2^16 + seq),
/// so that comparisons and array indexing stay simple across wrap-around.
public struct SequenceExtender: Equatable, Sendable, BitwiseCopyable {
    /// Highest extended sequence number seen, or -1 before the first packet.
    public private(set) var highest: Int64 = -1

    public init() {}

    /// The extended value of `seq`, chosen as the one nearest the highest seen.
    public mutating func extend(_ seq: UInt16) -> Int64 {
        guard highest >= 0 else {
            highest = Int64(seq)
            return highest
        }
        let d = RTPSequence.distance(from: UInt16(truncatingIfNeeded: highest), to: seq)
        let value = highest + Int64(d)
        if value > highest { highest = value }
        return value
    }

    public mutating func reset() { highest = -1 }
}

/// Extends 32-bit RTP timestamps to 64 bits in the same way.
public struct TimestampExtender: Equatable, Sendable, BitwiseCopyable {
    public private(set) var highest: Int64 = -1

    public init() {}

    public mutating func extend(_ ts: UInt32) -> Int64 {
        guard highest >= 0 else {
            highest = Int64(ts)
            return highest
        }
        let value = highest + RTPSequence.timestampDistance(from: UInt32(truncatingIfNeeded: highest), to: ts)
        if value > highest { highest = value }
        return value
    }

    public mutating func reset() { highest = -1 }
}
