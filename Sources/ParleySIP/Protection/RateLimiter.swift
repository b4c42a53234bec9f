/// A per-source token bucket (requests per second with a burst), driven by the caller's
/// clock in milliseconds. Sources are keyed by address; the table is bounded and the
/// least recently seen source is evicted when full.
public struct RateLimiter<Source: Hashable & Sendable>: Sendable {
    public struct Bucket: Sendable, Equatable {
        public var tokens: Double
        public var lastMs: Int64
    }

    public enum Decision: Sendable, Equatable {
        case allow
        /// Answer 503 with `Retry-After: retryAfterSeconds` (or drop, for non-INVITE floods).
        case limit(retryAfterSeconds: Int)
    }

    public let ratePerSecond: Double
    public let burst: Double
    public let maxSources: Int
    public private(set) var buckets: [Source: Bucket] = [:]

    public init(ratePerSecond: Double, burst: Double, maxSources: Int = 10_000) {
        self.ratePerSecond = ratePerSecond
        self.burst = burst
        self.maxSources = maxSources
    }

    public mutating func check(_ source: Source, nowMs: Int64) -> Decision {
        var bucket = buckets[source] ?? Bucket(tokens: burst, lastMs: nowMs)
        let elapsedMs = max(0, nowMs - bucket.lastMs)
        bucket.tokens = min(burst, bucket.tokens + Double(elapsedMs) * ratePerSecond / 1_000)
        bucket.lastMs = nowMs
        let decision: Decision
        if bucket.tokens >= 1 {
            bucket.tokens -= 1
            decision = .allow
        } else {
            let secondsToToken = ratePerSecond > 0 ? (1 - bucket.tokens) / ratePerSecond : 60
            let whole = Int(min(secondsToToken, 86_400))
            decision = .limit(retryAfterSeconds: max(1, Double(whole) < secondsToToken ? whole + 1 : whole))
        }
        if buckets[source] == nil, buckets.count >= maxSources, let oldest = buckets.min(by: { $0.value.lastMs < $1.value.lastMs }) {
            buckets[oldest.key] = nil
        }
        buckets[source] = bucket
        return decision
    }
}
