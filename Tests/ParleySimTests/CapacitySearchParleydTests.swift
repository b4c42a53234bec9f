import Foundation
import Testing
@testable import ParleySim

/// The capacity search against a real `parleyd` (demo script, real SIP/RTP on 127.0.0.1)
/// whose `max_calls` is 3: levels 1 and 2 hold, at 4 the fourth call gets 503 Service
/// Unavailable — a failed call — so the search stops there and answers 2, without trying 8.
@Suite(.serialized) struct CapacitySearchParleydTests {
    /// Callers that listen 2 s and hang up: no script (so no prompt recognition), every
    /// call passes unless the bot refuses it.
    static let scenario = """
        scenario: capacity-probe
        timeouts: {answer_timeout_ms: 5000}
        calls:
          - name: listens and hangs up
            turns: [{silence_ms: 2000}, hangup]
        """

    @Test func searchStopsWhereTheDaemonStartsRefusingCalls() throws {
        let daemon = try LimitedParleyd(maxCalls: 3)
        defer { daemon.stop() }
        let target = try #require(daemon.sipAddress)
        let scenario = try ScenarioLoader.parse(Self.scenario, path: "/tmp/capacity-probe.yaml")
        let options = CapacityRunOptions(target: target, start: 1, ramp: .geometric(factor: 2), max: 8,
                                         stepDurationSeconds: 3, ratePerSecond: 10, refineSteps: 0, loopbackOnly: true)
        // Pacing and loss are loosened: a debug parleyd on a shared machine is not what this
        // test judges; failed calls (0 allowed) and concurrency are.
        let objective = ServiceLevelObjective(pacingErrorP99Ms: 1_000, lossPercent: 100, responseP95Ms: 10_000, failedCalls: 0)
        var recorded: [Int] = []
        var hooks = CapacityRunner.Hooks()
        hooks.stepRecorded = { recorded.append($0.measures.concurrency) }
        let search = try CapacityRunner(scenario: scenario, catalog: nil, options: options, objective: objective).run(hooks: hooks)
        let summary = search.table()
        print(summary)
        #expect(recorded == [1, 2, 4], "\(summary)")
        #expect(search.steps.map(\.held) == [true, true, false], "\(summary)")
        #expect(search.maxConcurrencyHeld == 2, "\(summary)")
        let broken = try #require(search.steps.last)
        #expect(broken.breaches.contains { if case .failedCalls(_, _, let reason) = $0 { reason?.contains("503") == true } else { false } },
                "\(broken.breaches)")
        #expect(search.steps[1].measures.peakActive == 2)
        #expect(search.steps[1].measures.failed == 0)
    }
}
