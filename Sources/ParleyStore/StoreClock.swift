import Foundation

/// The store's time source: milliseconds since the Unix epoch. Injected so tests drive
/// backoff and dead-lettering with a manual clock.
public struct StoreClock: Sendable {
    public let nowMs: @Sendable () -> Int64

    public init(nowMs: @escaping @Sendable () -> Int64) { self.nowMs = nowMs }

    public static let system = StoreClock { Int64((Date().timeIntervalSince1970 * 1000).rounded()) }
}

/// Uniform random numbers in [0, 1) for retry jitter; injected so tests are deterministic.
public struct JitterSource: Sendable {
    public let nextUnit: @Sendable () -> Double

    public init(nextUnit: @escaping @Sendable () -> Double) { self.nextUnit = nextUnit }

    public static let system = JitterSource { Double.random(in: 0..<1) }
}

/// Exponential backoff with jitter: after failed attempt `n` (1-based) the next attempt waits
/// `min(maxDelayMs, baseDelayMs · 2^(n−1))`, shortened by up to `jitterFraction` of itself at random.
/// After `maxAttempts` failed attempts the item is dead-lettered.
public struct BackoffPolicy: Sendable, Equatable {
    public var baseDelayMs: Int64
    public var maxDelayMs: Int64
    public var jitterFraction: Double
    public var maxAttempts: Int

    public init(baseDelayMs: Int64 = 2_000, maxDelayMs: Int64 = 600_000, jitterFraction: Double = 0.25,
                maxAttempts: Int = 12) {
        self.baseDelayMs = max(1, baseDelayMs)
        self.maxDelayMs = max(self.baseDelayMs, maxDelayMs)
        self.jitterFraction = min(1, max(0, jitterFraction))
        self.maxAttempts = max(1, maxAttempts)
    }

    /// The wait after failed attempt `attempt` (1-based), given a uniform `unit` in [0, 1).
    public func delayMs(afterAttempt attempt: Int, unit: Double) -> Int64 {
        let exponent = min(max(attempt - 1, 0), 40)
        let (scaled, overflow) = baseDelayMs.multipliedReportingOverflow(by: Int64(1) << Int64(exponent))
        let capped = overflow ? maxDelayMs : min(maxDelayMs, scaled)
        let cut = Double(capped) * jitterFraction * min(max(unit, 0), 1)
        return max(1, capped - Int64(cut))
    }
}
