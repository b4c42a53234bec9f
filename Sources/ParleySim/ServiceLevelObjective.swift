/// The service-level objective a capacity step must hold: what a caller would notice.
/// By default (the objective) a step breaks it on a p99 pacing error of the bot's
/// stream above 1 ms, any lost packet, a p95 response time above 300 ms, or any failed
/// call; and a step that never had its target concurrency up at once did not test it.
/// Pure: `breaches(_:)` judges measures, it reads no clock and does no I/O.
public struct ServiceLevelObjective: Sendable, Equatable, Codable {
    /// p99 pacing error of the bot's RTP stream, at most (ms).
    public var pacingErrorP99Ms: Double
    /// Lost packets of the bot's streams, at most (percent; 0: any loss breaks).
    public var lossPercent: Double
    /// p95 response time (end of caller input → the bot's next prompt), at most (ms).
    /// A step without response samples is not judged on it.
    public var responseP95Ms: Int
    /// Failed calls, at most (0: any failed call breaks).
    public var failedCalls: Int

    enum CodingKeys: String, CodingKey {
        case pacingErrorP99Ms = "pacing_error_p99_ms", lossPercent = "loss_pct", responseP95Ms = "response_p95_ms"
        case failedCalls = "failed_calls"
    }

    public init(pacingErrorP99Ms: Double = 1, lossPercent: Double = 0, responseP95Ms: Int = 300, failedCalls: Int = 0) {
        self.pacingErrorP99Ms = pacingErrorP99Ms
        self.lossPercent = lossPercent
        self.responseP95Ms = responseP95Ms
        self.failedCalls = failedCalls
    }

    /// One way a step missed the objective.
    public enum Breach: Sendable, Equatable, CustomStringConvertible {
        case pacingError(p99Ms: Double, limitMs: Double)
        case loss(packets: Int, percent: Double, limitPercent: Double)
        case responseTime(p95Ms: Int, limitMs: Int)
        case failedCalls(count: Int, limit: Int, topReason: String?)
        /// The step never had its target concurrency up at once.
        case concurrencyNotReached(peak: Int, target: Int)

        /// A short key for JSON (`pacing`, `loss`, `response`, `failed_calls`, `concurrency`).
        public var key: String {
            switch self {
            case .pacingError: "pacing"
            case .loss: "loss"
            case .responseTime: "response"
            case .failedCalls: "failed_calls"
            case .concurrencyNotReached: "concurrency"
            }
        }

        public var description: String {
            switch self {
            case .pacingError(let p99, let limit):
                "pacing error p99 \(Self.ms(p99)) ms > \(Self.ms(limit)) ms"
            case .loss(let packets, let percent, let limit):
                "loss \(packets) packets (\(percent) %) > \(limit) %"
            case .responseTime(let p95, let limit):
                "response p95 \(p95) ms > \(limit) ms"
            case .failedCalls(let count, let limit, let reason):
                "\(count) failed calls > \(limit)" + (reason.map { " (most: \($0))" } ?? "")
            case .concurrencyNotReached(let peak, let target):
                "only \(peak) of \(target) calls up at once"
            }
        }

        static func ms(_ v: Double) -> String {
            let r = (v * 100).rounded() / 100
            return r == r.rounded() ? String(Int(r)) : String(r)
        }
    }

    /// Every criterion the step missed, in a fixed order (empty: the step held).
    public func breaches(_ m: CapacityStepMeasures) -> [Breach] {
        var found: [Breach] = []
        if m.peakActive < m.concurrency {
            found.append(.concurrencyNotReached(peak: m.peakActive, target: m.concurrency))
        }
        if m.failed > failedCalls {
            found.append(.failedCalls(count: m.failed, limit: failedCalls, topReason: m.topFailure))
        }
        if let p99 = m.pacingErrorP99Ms, p99 > pacingErrorP99Ms {
            found.append(.pacingError(p99Ms: p99, limitMs: pacingErrorP99Ms))
        }
        if m.packetsLost > 0, m.lossPercent > lossPercent || (lossPercent == 0) {
            found.append(.loss(packets: m.packetsLost, percent: m.lossPercent, limitPercent: lossPercent))
        }
        if let p95 = m.responseP95Ms, p95 > responseP95Ms {
            found.append(.responseTime(p95Ms: p95, limitMs: responseP95Ms))
        }
        return found
    }

    /// Whether the step held the objective.
    public func holds(_ m: CapacityStepMeasures) -> Bool { breaches(m).isEmpty }
}
