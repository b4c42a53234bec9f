import Testing
@testable import ParleySim

/// The objective's judgement of a step: each criterion at, just above and just below its limit.
@Suite struct ServiceLevelObjectiveTests {
    static func measures(_ level: Int = 100, pacing: Double? = 0.4, lost: Int = 0, lossPercent: Double = 0,
                         response: Int? = 200, failed: Int = 0, peak: Int? = nil) -> CapacityStepMeasures {
        var m = CapacityStepMeasures(concurrency: level)
        m.peakActive = peak ?? level
        m.attempted = level
        m.failed = failed
        m.passed = level - failed
        m.topFailure = failed > 0 ? "call failed: 503 Service Unavailable" : nil
        m.pacingErrorP99Ms = pacing
        m.packetsLost = lost
        m.lossPercent = lossPercent
        m.responseP95Ms = response
        return m
    }

    @Test func aStepWithinEveryLimitHolds() {
        let slo = ServiceLevelObjective()
        #expect(slo.breaches(Self.measures()) == [])
        // Exactly at the limits still holds: the objective says "more than".
        #expect(slo.holds(Self.measures(pacing: 1.0, response: 300)))
        // No response samples (callers that only listen): not judged on response time.
        #expect(slo.holds(Self.measures(pacing: nil, response: nil)))
    }

    @Test func eachCriterionBreaksOnItsOwn() {
        let slo = ServiceLevelObjective()
        #expect(slo.breaches(Self.measures(pacing: 1.05)) == [.pacingError(p99Ms: 1.05, limitMs: 1)])
        #expect(slo.breaches(Self.measures(lost: 1, lossPercent: 0.001)) == [.loss(packets: 1, percent: 0.001, limitPercent: 0)])
        #expect(slo.breaches(Self.measures(response: 301)) == [.responseTime(p95Ms: 301, limitMs: 300)])
        #expect(slo.breaches(Self.measures(failed: 1))
                == [.failedCalls(count: 1, limit: 0, topReason: "call failed: 503 Service Unavailable")])
        #expect(slo.breaches(Self.measures(peak: 99)) == [.concurrencyNotReached(peak: 99, target: 100)])
    }

    @Test func everyBreachIsListedInAFixedOrder() {
        let m = Self.measures(pacing: 3, lost: 5, lossPercent: 0.5, response: 900, failed: 2, peak: 50)
        let keys = ServiceLevelObjective().breaches(m).map(\.key)
        #expect(keys == ["concurrency", "failed_calls", "pacing", "loss", "response"])
    }

    @Test func limitsCanBeLoosened() {
        let slo = ServiceLevelObjective(pacingErrorP99Ms: 5, lossPercent: 0.1, responseP95Ms: 1_000, failedCalls: 2)
        #expect(slo.holds(Self.measures(pacing: 4.9, lost: 3, lossPercent: 0.05, response: 999, failed: 2)))
        #expect(!slo.holds(Self.measures(lost: 30, lossPercent: 0.2)))
        #expect(!slo.holds(Self.measures(failed: 3)))
    }

    @Test func breachesReadAsSentences() {
        #expect(ServiceLevelObjective.Breach.pacingError(p99Ms: 1.25, limitMs: 1).description == "pacing error p99 1.25 ms > 1 ms")
        #expect(ServiceLevelObjective.Breach.responseTime(p95Ms: 420, limitMs: 300).description == "response p95 420 ms > 300 ms")
        #expect(ServiceLevelObjective.Breach.concurrencyNotReached(peak: 7, target: 8).description == "only 7 of 8 calls up at once")
    }
}
