// LatenessHistogram — fixed-bucket histogram of wake-up lateness for realtime
// threads: 10 µs buckets up to 20 ms, then one overflow bucket. Recording is O(1)
// with no allocation (the storage is a fixed inline-allocated array made at init).
//
// Safety invariants: no unsafe code; a histogram is a value owned by one thread at a
// time (the realtime thread while running, the reader after `stop()` joined it).

public struct LatenessHistogram: Sendable {
    public static let bucketWidthNs: UInt64 = 10_000
    public static let bucketCount = 2_000
    private var buckets: [UInt32]
    public private(set) var sampleCount: UInt64 = 0
    public private(set) var maxNs: UInt64 = 0
    public private(set) var totalNs: UInt64 = 0

    public init() {
        buckets = Array(repeating: 0, count: Self.bucketCount + 1)
    }

    @inline(__always)
    public mutating func record(_ latenessNs: UInt64) {
        let bucket = min(Int(latenessNs / Self.bucketWidthNs), Self.bucketCount)
        buckets[bucket] &+= 1
        sampleCount &+= 1
        totalNs &+= latenessNs
        if latenessNs > maxNs { maxNs = latenessNs }
    }

    /// Upper edge of the bucket holding the q-quantile (q in 0...1); `maxNs` when in
    /// the overflow bucket; 0 when empty.
    public func quantileNs(_ q: Double) -> UInt64 {
        guard sampleCount > 0 else { return 0 }
        let target = UInt64((Double(sampleCount) * min(max(q, 0), 1)).rounded(.up))
        var seen: UInt64 = 0
        for (i, n) in buckets.enumerated() {
            seen += UInt64(n)
            if seen >= max(target, 1) {
                return i == Self.bucketCount ? maxNs : min(UInt64(i + 1) * Self.bucketWidthNs, maxNs)
            }
        }
        return maxNs
    }

    public var meanNs: UInt64 { sampleCount == 0 ? 0 : totalNs / sampleCount }
}
