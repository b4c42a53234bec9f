/// Latency samples (ms) and their percentiles by nearest rank on the sorted samples.
public struct LatencySamples: Sendable, Equatable {
    public private(set) var values: [Int] = []
    public init(_ values: [Int] = []) { self.values = values }

    public mutating func add(_ value: Int) { values.append(value) }
    public mutating func add(contentsOf more: [Int]) { values.append(contentsOf: more) }

    public var count: Int { values.count }

    /// The p-th percentile (0...100), nearest rank; nil without samples.
    public func percentile(_ p: Double) -> Int? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[max(0, min(sorted.count - 1, rank - 1))]
    }

    public var summary: Summary {
        Summary(count: count, p50: percentile(50), p95: percentile(95), p99: percentile(99), max: values.max())
    }

    public struct Summary: Sendable, Equatable, Codable {
        public var count: Int
        public var p50: Int?
        public var p95: Int?
        public var p99: Int?
        public var max: Int?
    }
}
