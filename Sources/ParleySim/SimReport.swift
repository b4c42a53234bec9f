import Foundation

/// Aggregates call results into the simulator's report: JSON and a short text table.
public struct SimReport: Sendable {
    public private(set) var attempted = 0
    public private(set) var answered = 0
    public private(set) var passed = 0
    public private(set) var failed = 0
    public private(set) var setup = LatencySamples()
    public private(set) var firstPrompt = LatencySamples()
    public private(set) var response = LatencySamples()
    public private(set) var bargeIn = LatencySamples()
    public private(set) var falseBargeIns = 0
    public private(set) var missedBargeIns = 0
    public private(set) var failures: [String: Int] = [:]
    /// Pacing error of every received packet of the bot's streams.
    public private(set) var pacing = PacingHistogram()
    /// RFC 3550 interarrival jitter per call (ms, the call's largest estimate).
    public private(set) var jitterMs: [Double] = []
    public private(set) var packetsExpected = 0
    public private(set) var packetsLost = 0

    public init() {}

    /// Adds what was measured on one call's received stream.
    public mutating func add(stream: StreamMeasures) {
        guard stream.packets > 0 else { return }
        pacing.merge(stream.pacing)
        jitterMs.append(stream.maxJitterMs)
        packetsExpected += stream.expected
        packetsLost += stream.lost
    }

    /// Lost / expected packets of the bot's streams, in percent (0 with no packets).
    public var lossPercent: Double {
        packetsExpected == 0 ? 0 : (Double(packetsLost) * 100 / Double(packetsExpected) * 1_000).rounded() / 1_000
    }

    /// Percentiles of the per-call jitter (ms).
    public var jitterSummary: PacingHistogram.Summary {
        let sorted = jitterMs.sorted()
        func pick(_ p: Double) -> Double? {
            guard !sorted.isEmpty else { return nil }
            let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
            return (sorted[max(0, min(sorted.count - 1, rank - 1))] * 1_000).rounded() / 1_000
        }
        return .init(count: sorted.count, p50: pick(50), p95: pick(95), p99: pick(99), max: pick(100))
    }

    public mutating func add(_ call: CallResult) {
        attempted += 1
        if call.answered { answered += 1 }
        if call.verdict == .passed { passed += 1 } else {
            failed += 1
            failures[call.verdict?.reason ?? "unfinished", default: 0] += 1
        }
        if let v = call.setupMs { setup.add(v) }
        if let v = call.firstPromptMs { firstPrompt.add(v) }
        response.add(contentsOf: call.responseMs)
        bargeIn.add(contentsOf: call.bargeInMs)
        falseBargeIns += call.falseBargeIns
        missedBargeIns += call.missedBargeIns
    }

    struct Calls: Codable { var total, answered, passed, failed: Int }
    struct Document: Codable {
        var calls: Calls
        var setup_ms, first_prompt_ms, response_ms, barge_in_ms: LatencySamples.Summary
        var pacing_error_ms, jitter_ms: PacingHistogram.Summary
        var loss_pct: Double
        var false_barge_ins, missed_barge_ins: Int
        var failures: [String: Int]
    }

    /// `{"calls": {"total":…,"answered":…,"passed":…,"failed":…}, "setup_ms": {"count":…,"p50":…,
    /// "p95":…,"p99":…,"max":…}, "first_prompt_ms", "response_ms", "barge_in_ms",
    /// "pacing_error_ms", "jitter_ms" (same shape, fractional ms), "loss_pct",
    /// "false_barge_ins", "missed_barge_ins", "failures": {reason: count}}`, keys sorted.
    public func json() -> String {
        let doc = Document(calls: Calls(total: attempted, answered: answered, passed: passed, failed: failed),
                           setup_ms: setup.summary, first_prompt_ms: firstPrompt.summary, response_ms: response.summary,
                           barge_in_ms: bargeIn.summary, pacing_error_ms: pacing.summary, jitter_ms: jitterSummary,
                           loss_pct: lossPercent, false_barge_ins: falseBargeIns, missed_barge_ins: missedBargeIns,
                           failures: failures)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(doc)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }

    /// A fixed-width table: one row per measure, then the failures by reason.
    public func table() -> String {
        func cell(_ v: Int?) -> String { (v.map(String.init) ?? "-").leftPadded(8) }
        var lines = ["calls: \(attempted) attempted, \(answered) answered, \(passed) passed, \(failed) failed",
                     "measure (ms)".padding(toLength: 15, withPad: " ", startingAt: 0)
                        + ["count", "p50", "p95", "p99", "max"].map { $0.leftPadded(8) }.joined()]
        for (name, s) in [("setup", setup), ("first prompt", firstPrompt), ("response", response), ("barge-in", bargeIn)] {
            let m = s.summary
            lines.append(name.padding(toLength: 15, withPad: " ", startingAt: 0) + String(m.count).leftPadded(8)
                         + cell(m.p50) + cell(m.p95) + cell(m.p99) + cell(m.max))
        }
        func fractional(_ v: Double?) -> String { (v.map { String(format: "%.2f", $0) } ?? "-").leftPadded(8) }
        for (name, m) in [("pacing error", pacing.summary), ("jitter", jitterSummary)] {
            lines.append(name.padding(toLength: 15, withPad: " ", startingAt: 0) + String(m.count).leftPadded(8)
                         + fractional(m.p50) + fractional(m.p95) + fractional(m.p99) + fractional(m.max))
        }
        lines.append("loss: \(lossPercent) % (\(packetsLost) of \(packetsExpected) packets)")
        lines.append("false barge-ins: \(falseBargeIns), missed barge-ins: \(missedBargeIns)")
        for (reason, count) in failures.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) {
            lines.append("  \(count) × \(reason)")
        }
        return lines.joined(separator: "\n")
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
