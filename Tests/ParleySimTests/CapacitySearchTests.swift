import Foundation
import ParleyRealtime
import Testing
@testable import ParleySim

/// The capacity search's ramp, stop and bisection, driven with made-up step measures: a
/// "system" that holds the objective up to some level and breaks it above.
@Suite struct CapacitySearchTests {
    /// Runs a search against a system whose limit is `limit` concurrent calls (above it,
    /// p99 pacing error 2 ms); returns the levels tried.
    static func drive(_ search: inout CapacitySearch, limit: Int) -> [Int] {
        var tried: [Int] = []
        var guardSteps = 0
        while let level = search.next, guardSteps < 100 {
            guardSteps += 1
            tried.append(level)
            search.record(ServiceLevelObjectiveTests.measures(level, pacing: level > limit ? 2 : 0.3))
        }
        return tried
    }

    @Test func geometricRampStopsAtTheFirstBreak() {
        var search = CapacitySearch(start: 10, ramp: .geometric(factor: 2), max: 1_000)
        #expect(Self.drive(&search, limit: 50) == [10, 20, 40, 80])
        #expect(search.maxConcurrencyHeld == 40)
        #expect(search.lowestBroken == 80)
        #expect(search.isFinished)
        #expect(search.verdict == "held the objective up to 40 concurrent calls; 80 broke it: pacing error p99 2 ms > 1 ms")
    }

    @Test func linearRampEndsExactlyAtTheMaximum() {
        var search = CapacitySearch(start: 100, ramp: .linear(calls: 300), max: 1_000)
        #expect(Self.drive(&search, limit: 5_000) == [100, 400, 700, 1_000])
        #expect(search.maxConcurrencyHeld == 1_000)
        #expect(search.lowestBroken == nil)
        #expect(search.verdict.contains("up to the maximum tried, 1000"))
    }

    @Test func bisectionNarrowsTheGapAfterTheBreak() {
        var search = CapacitySearch(start: 100, ramp: .geometric(factor: 2), max: 2_000, refineSteps: 3)
        // 100 200 400 held, 800 broke; then 600 (broke), 500 (held), 550 (broke).
        #expect(Self.drive(&search, limit: 520) == [100, 200, 400, 800, 600, 500, 550])
        #expect(search.maxConcurrencyHeld == 500)
        #expect(search.lowestBroken == 550)
        #expect(search.steps.map(\.refining) == [false, false, false, false, true, true, true])
    }

    @Test func bisectionStopsWhenNoLevelIsLeftBetween() {
        var search = CapacitySearch(start: 1, ramp: .linear(calls: 1), max: 10, refineSteps: 5)
        #expect(Self.drive(&search, limit: 3) == [1, 2, 3, 4])
        #expect(search.maxConcurrencyHeld == 3)
    }

    @Test func aBreakAtTheStartHoldsNothing() {
        var search = CapacitySearch(start: 50, ramp: .geometric(factor: 1.5), max: 500, refineSteps: 1)
        #expect(Self.drive(&search, limit: 10) == [50, 25])
        #expect(search.maxConcurrencyHeld == nil)
        #expect(search.verdict.hasPrefix("the objective broke already at 25"))
    }

    @Test func aSmallFactorStillGrowsByOneCall() {
        var search = CapacitySearch(start: 1, ramp: .geometric(factor: 1.1), max: 4)
        #expect(Self.drive(&search, limit: 100) == [1, 2, 3, 4])
    }

    /// A level above a broken one that happened to hold (noise) does not count.
    @Test func theAnswerIsBelowTheLowestBreak() {
        var search = CapacitySearch(start: 10, ramp: .linear(calls: 10), max: 100)
        search.record(ServiceLevelObjectiveTests.measures(10))
        search.record(ServiceLevelObjectiveTests.measures(20, failed: 1))
        #expect(search.isFinished)
        #expect(search.maxConcurrencyHeld == 10)
    }

    @Test func jsonCarriesTheStepsAndTheAnswer() throws {
        var search = CapacitySearch(start: 10, ramp: .geometric(factor: 2), max: 40)
        _ = Self.drive(&search, limit: 25)
        let object = try JSONSerialization.jsonObject(with: Data(search.json().utf8)) as? [String: Any]
        let steps = try #require(object?["steps"] as? [[String: Any]])
        #expect(steps.map { $0["concurrency"] as? Int } == [10, 20, 40])
        #expect(steps.map { $0["held"] as? Bool } == [true, true, false])
        #expect((steps[2]["breach_keys"] as? [String]) == ["pacing"])
        #expect(object?["max_concurrency_held"] as? Int == 20)
        let table = search.table()
        #expect(table.contains("max concurrency held: 20"))
        #expect(table.split(separator: "\n").count == 5)

        var none = CapacitySearch(start: 10, ramp: .geometric(factor: 2), max: 40)
        _ = Self.drive(&none, limit: 1)
        let empty = try JSONSerialization.jsonObject(with: Data(none.json().utf8)) as? [String: Any]
        #expect(empty?["max_concurrency_held"] is NSNull)
    }
}

extension CapacitySearchTests {
    @Test func aRampInSecondsPlacesEveryLevelOverTheSameTime() throws {
        let target = try #require(SocketAddress(host: "127.0.0.1", port: 5060))
        let fixed = CapacityRunOptions(target: target, start: 10, ramp: .geometric(factor: 2), max: 100,
                                       stepDurationSeconds: 20, ratePerSecond: 50)
        #expect(fixed.runOptions(level: 100, step: 0).ratePerSecond == 50)
        #expect(fixed.runOptions(level: 100, step: 0).durationSeconds == 22)
        var spread = fixed
        spread.rampSeconds = 25
        for level in [10, 100, 400] {
            let run = spread.runOptions(level: level, step: 1)
            #expect(run.ratePerSecond == Double(level) / 25)
            #expect(run.durationSeconds == 45)
            #expect(run.concurrency == level)
        }
    }
}
