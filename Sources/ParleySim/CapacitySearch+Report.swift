import Foundation

/// The capacity search's report: one table row per step, the verdict, and JSON with the
/// steps and `max_concurrency_held`.
extension CapacitySearch {
    /// One sentence: the highest concurrency held and what broke above it.
    public var verdict: String {
        let held = maxConcurrencyHeld
        guard let broken = lowestBroken, let step = steps.first(where: { $0.measures.concurrency == broken && !$0.held }) else {
            guard let held else { return "no step ran" }
            return held >= max ? "held the objective up to the maximum tried, \(held) concurrent calls (not broken)"
                : "held the objective up to \(held) concurrent calls (search stopped before it broke)"
        }
        let why = step.breaches.map(\.description).joined(separator: "; ")
        guard let held else { return "the objective broke already at \(broken) concurrent calls: \(why)" }
        return "held the objective up to \(held) concurrent calls; \(broken) broke it: \(why)"
    }

    static let columns: [(String, Int)] = [
        ("calls", 6), ("held", 5), ("up", 6), ("placed", 7), ("failed", 7), ("pace p99", 9), ("loss %", 7),
        ("setup p95", 10), ("resp p95", 9), ("barge p95", 10), ("sim CPU%", 9), ("bot CPU%", 9), ("bot MiB", 8),
        ("bot calls", 10)]

    static func row(_ cells: [String]) -> String {
        zip(cells, columns).map { $0.leftPadded($1.1) }.joined(separator: " ")
    }

    /// The table's header line.
    public static var tableHeader: String { row(columns.map(\.0)) + "  breaches" }

    /// One step as a table row: concurrency (`*` when bisecting), held, calls up at most,
    /// placed, failed, pacing p99 (ms), loss, setup/response/barge-in p95 (ms), CPU of the
    /// simulator and of parleyd (% of one core), parleyd's RSS and calls up, the breaches.
    public static func tableRow(_ s: Step) -> String {
        let m = s.measures
        func i(_ v: Int?) -> String { v.map(String.init) ?? "-" }
        func d(_ v: Double?, _ digits: Int = 2) -> String { v.map { String(format: "%.\(digits)f", $0) } ?? "-" }
        return row([String(m.concurrency) + (s.refining ? "*" : ""), s.held ? "yes" : "NO", String(m.peakActive),
                    String(m.attempted), String(m.failed), d(m.pacingErrorP99Ms), d(m.lossPercent, 3),
                    i(m.setupP95Ms), i(m.responseP95Ms), i(m.bargeInP95Ms), d(m.simulatorCPUPercent, 0),
                    d(m.daemonCPUPercent, 0), d(m.daemonRSSMiB, 0), d(m.daemon["calls_active_peak"], 0)])
            + "  " + (s.breaches.isEmpty ? "-" : s.breaches.map(\.description).joined(separator: "; "))
    }

    /// The header, one row per step in the order run, then the answer and the verdict.
    public func table() -> String {
        var lines = [Self.tableHeader] + steps.map(Self.tableRow)
        lines.append("max concurrency held: \(maxConcurrencyHeld.map(String.init) ?? "none") — \(verdict)")
        if steps.contains(where: \.refining) { lines.append("(* a bisection step after the ramp broke)") }
        return lines.joined(separator: "\n")
    }

    struct CPUDocument: Codable { var simulator_pct, parleyd_pct, machine_busy_pct: Double? }
    struct CallsDocument: Codable { var total, answered, passed, failed: Int }
    struct StepDocument: Codable {
        var concurrency: Int
        var held: Bool
        var refining: Bool
        var breaches: [String]
        var breach_keys: [String]
        var peak_active: Int
        var calls: CallsDocument
        var top_failure: String?
        var pacing_error_p99_ms: Double?
        var loss_pct: Double
        var packets_lost: Int
        var setup_p95_ms, first_prompt_p95_ms, response_p95_ms, barge_in_p95_ms: Int?
        var response_count, false_barge_ins: Int
        var caller_tick_lateness_p99_ms: Double?
        var cpu: CPUDocument
        var parleyd_rss_mib: Double?
        var parleyd: [String: Double]
        var limiting_side: String?
    }
    struct Document: Encodable {
        var objective: ServiceLevelObjective
        var steps: [StepDocument]
        var max_concurrency_held: Int?
        var lowest_broken: Int?
        var verdict: String
        enum CodingKeys: String, CodingKey { case objective, steps, max_concurrency_held, lowest_broken, verdict }
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(objective, forKey: .objective)
            try c.encode(steps, forKey: .steps)
            try c.encode(max_concurrency_held, forKey: .max_concurrency_held)   // null when none held
            try c.encode(lowest_broken, forKey: .lowest_broken)
            try c.encode(verdict, forKey: .verdict)
        }
    }

    /// `{"objective": {…}, "steps": [{"concurrency", "held", "breaches", "peak_active",
    /// "calls": {…}, "pacing_error_p99_ms", "loss_pct", "response_p95_ms", …, "cpu": {…},
    /// "parleyd_rss_mib", "parleyd": {metric: value}, "limiting_side"}],
    /// "max_concurrency_held": N or null, "lowest_broken": N or null, "verdict": "…"}`, keys sorted.
    public func json() -> String {
        let docs = steps.map { s -> StepDocument in
            let m = s.measures
            return StepDocument(
                concurrency: m.concurrency, held: s.held, refining: s.refining, breaches: s.breaches.map(\.description),
                breach_keys: s.breaches.map(\.key), peak_active: m.peakActive,
                calls: CallsDocument(total: m.attempted, answered: m.answered, passed: m.passed, failed: m.failed),
                top_failure: m.topFailure, pacing_error_p99_ms: m.pacingErrorP99Ms, loss_pct: m.lossPercent,
                packets_lost: m.packetsLost, setup_p95_ms: m.setupP95Ms, first_prompt_p95_ms: m.firstPromptP95Ms,
                response_p95_ms: m.responseP95Ms, barge_in_p95_ms: m.bargeInP95Ms, response_count: m.responseCount,
                false_barge_ins: m.falseBargeIns, caller_tick_lateness_p99_ms: m.callerTickLatenessP99Ms,
                cpu: CPUDocument(simulator_pct: m.simulatorCPUPercent, parleyd_pct: m.daemonCPUPercent,
                                 machine_busy_pct: m.machineBusyPercent),
                parleyd_rss_mib: m.daemonRSSMiB, parleyd: m.daemon, limiting_side: s.held ? nil : m.limitingSide)
        }
        let doc = Document(objective: objective, steps: docs, max_concurrency_held: maxConcurrencyHeld,
                           lowest_broken: lowestBroken, verdict: verdict)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(doc)).flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
    }
}
