/// Calls-per-second pacing as a token bucket in its GCRA form (theoretical arrival time),
/// in integer nanoseconds so that no rounding lets a call through early. With `burst` 1
/// calls are spaced at least `1 / ratePerSecond` apart, so any half-open second holds at
/// most `ceil(ratePerSecond)` calls when the rate is whole.
public struct TokenBucket: Sendable, Equatable {
    public let intervalNs: Int64
    public let burst: Int
    private var theoreticalArrivalNs: Int64 = .min

    public init(ratePerSecond: Double, burst: Int = 1) throws(CampaignError) {
        guard ratePerSecond > 0, ratePerSecond <= 10_000, burst >= 1 else {
            throw CampaignError(.invalidDefinition, "calls per second must be in (0, 10000], burst ≥ 1")
        }
        intervalNs = Int64((1e9 / ratePerSecond).rounded(.up))
        self.burst = burst
    }

    /// Earliest time a token is available.
    public func nextAvailableNs() -> Int64 {
        theoreticalArrivalNs == .min ? .min : theoreticalArrivalNs - Int64(burst - 1) * intervalNs
    }

    /// Takes a token at `nowNs` if one is available.
    public mutating func tryTake(nowNs: Int64) -> Bool {
        guard nowNs >= nextAvailableNs() else { return false }
        theoreticalArrivalNs = max(theoreticalArrivalNs == .min ? nowNs : theoreticalArrivalNs, nowNs) + intervalNs
        return true
    }
}
