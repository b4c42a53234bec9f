// Counter, Gauge and Histogram — lock-free metric cells, safe and cheap from any thread
// (media threads included): updates are single relaxed atomic operations, or a short
// compare-exchange loop for floating-point sums. No allocation, lock or await on update.
// Relaxed ordering throughout: each cell is an independent statistic; a scrape may see
// a histogram's buckets and count from slightly different instants, as Prometheus allows.
import Synchronization

/// A monotonically increasing count.
public final class Counter: Sendable {
    let storage = Atomic<UInt64>(0)

    public init() {}

    @inline(__always)
    public func increment(by amount: UInt64 = 1) {
        storage.wrappingAdd(amount, ordering: .relaxed)
    }

    public var value: UInt64 { storage.load(ordering: .relaxed) }
}

/// A value that goes up and down (stored as the bit pattern of a Double).
public final class Gauge: Sendable {
    let bits = Atomic<UInt64>(0)

    public init() {}

    @inline(__always)
    public func set(_ value: Double) {
        bits.store(value.bitPattern, ordering: .relaxed)
    }

    public func add(_ delta: Double) {
        var current = bits.load(ordering: .relaxed)
        while true {
            let next = (Double(bitPattern: current) + delta).bitPattern
            let (exchanged, original) = bits.compareExchange(expected: current, desired: next, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    public func increment() { add(1) }
    public func decrement() { add(-1) }

    public var value: Double { Double(bitPattern: bits.load(ordering: .relaxed)) }
}

final class AtomicCount: Sendable {
    let storage = Atomic<UInt64>(0)
}

/// Observations counted into fixed buckets (upper bounds, inclusive), plus their sum and count.
public final class Histogram: Sendable {
    public let upperBounds: [Double]
    let buckets: [AtomicCount]
    let countStorage = Atomic<UInt64>(0)
    let sumBits = Atomic<UInt64>(0)

    /// `upperBounds` are sorted and deduplicated; `+Inf` is implicit.
    public init(upperBounds: [Double]) {
        let bounds = Array(Set(upperBounds.filter { $0.isFinite })).sorted()
        self.upperBounds = bounds
        self.buckets = bounds.map { _ in AtomicCount() }
    }

    public func observe(_ value: Double) {
        // Linear scan: bucket lists are short (≤ ~20) and this stays branch-predictable.
        for (index, bound) in upperBounds.enumerated() where value <= bound {
            buckets[index].storage.wrappingAdd(1, ordering: .relaxed)
            break
        }
        countStorage.wrappingAdd(1, ordering: .relaxed)
        var current = sumBits.load(ordering: .relaxed)
        while true {
            let next = (Double(bitPattern: current) + value).bitPattern
            let (exchanged, original) = sumBits.compareExchange(expected: current, desired: next, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }

    /// Observes a duration given in milliseconds as seconds (the Prometheus base unit).
    public func observe(milliseconds: Double) { observe(milliseconds / 1000) }

    public var count: UInt64 { countStorage.load(ordering: .relaxed) }
    public var sum: Double { Double(bitPattern: sumBits.load(ordering: .relaxed)) }

    /// Cumulative counts per upper bound, then the `+Inf` bucket (= count at that moment).
    public func cumulativeCounts() -> [UInt64] {
        var running: UInt64 = 0
        var result: [UInt64] = []
        result.reserveCapacity(buckets.count + 1)
        for bucket in buckets {
            running &+= bucket.storage.load(ordering: .relaxed)
            result.append(running)
        }
        result.append(max(running, count))
        return result
    }

    /// Latency buckets in seconds, 5 ms to 10 s.
    public static let latencySeconds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

    /// Buckets for what a caller hears (response and barge-in latency), 25 ms to 10 s: 50 ms
    /// wide between 100 and 400 ms, where the 300 ms response goal sits, so a quantile read
    /// from them (linear within a bucket) is off by at most 25 ms there instead of 125 ms.
    public static let voiceLatencySeconds: [Double] = [0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4,
                                                       0.5, 0.6, 0.8, 1, 1.5, 2.5, 5, 10]
}
