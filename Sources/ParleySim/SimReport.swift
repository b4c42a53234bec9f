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

    public init() {}

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
        var false_barge_ins, missed_barge_ins: Int
        var failures: [String: Int]
    }

    /// `{"calls": {"total":…,"answered":…,"passed":…,"failed":…}, "setup_ms": {"count":…,"p50":…,
    /// "p95":…,"p99":…,"max":…}, "first_prompt_ms", "response_ms", "barge_in_ms",
    /// "false_barge_ins", "missed_barge_ins", "failures": {reason: count}}`, keys sorted.
    public func json() -> String {
        let doc = Document(calls: Calls(total: attempted, answered: answered, passed: passed, failed: failed),
                           setup_ms: setup.summary, first_prompt_ms: firstPrompt.summary, response_ms: response.summary,
                           barge_in_ms: bargeIn.summary, false_barge_ins: falseBargeIns, missed_barge_ins: missedBargeIns,
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
