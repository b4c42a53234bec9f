/// Pacing errors of a received stream, in 50 µs buckets up to 100 ms (then one overflow
/// bucket): how far each packet's interarrival time strays from its RTP timestamp step,
/// |(aᵢ − aᵢ₋₁) − (tsᵢ − tsᵢ₋₁)/rate|, the per-packet term of RFC 3550's jitter (A.8)
/// before smoothing. Fixed size, merged across calls; percentiles by nearest rank to
/// the bucket's upper edge.
public struct PacingHistogram: Sendable, Equatable {
    public static let bucketUs = 50
    public static let bucketCount = 2_000
    public private(set) var counts: [UInt32]
    public private(set) var total = 0
    public private(set) var maxUs = 0

    public init() { counts = [UInt32](repeating: 0, count: Self.bucketCount + 1) }

    public mutating func add(errorUs: Int) {
        let us = max(0, errorUs)
        counts[min(Self.bucketCount, us / Self.bucketUs)] &+= 1
        total += 1
        maxUs = max(maxUs, us)
    }

    public mutating func merge(_ other: PacingHistogram) {
        for i in counts.indices { counts[i] &+= other.counts[i] }
        total += other.total
        maxUs = max(maxUs, other.maxUs)
    }

    /// The p-th percentile in ms (bucket upper edge, capped at the maximum); nil when empty.
    public func percentileMs(_ p: Double) -> Double? {
        guard total > 0 else { return nil }
        let rank = max(1, Int((p / 100 * Double(total)).rounded(.up)))
        var seen = 0
        for (i, c) in counts.enumerated() {
            seen += Int(c)
            if seen >= rank {
                let edge = i == Self.bucketCount ? maxUs : (i + 1) * Self.bucketUs
                return Double(min(edge, maxUs)) / 1_000
            }
        }
        return Double(maxUs) / 1_000
    }

    public var summary: Summary {
        Summary(count: total, p50: percentileMs(50), p95: percentileMs(95), p99: percentileMs(99),
                max: total > 0 ? Double(maxUs) / 1_000 : nil)
    }

    public struct Summary: Sendable, Equatable, Codable {
        public var count: Int
        public var p50: Double?
        public var p95: Double?
        public var p99: Double?
        public var max: Double?
    }
}
