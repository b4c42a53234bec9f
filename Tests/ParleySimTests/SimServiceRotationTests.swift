import Testing
@testable import ParleySim

/// The loop's tick services calls within a time budget, in turn (`SimServiceRotation`),
/// so SIP is read between ticks however much recognition work the calls bring.
@Suite struct SimServiceRotationTests {
    /// A manual clock: each service costs `costNs[key]`.
    final class Clock {
        var ns: UInt64 = 0
    }

    @Test func aTickStopsWhenItsBudgetIsSpentAndTheNextGoesOnFromThere() {
        var rotation = SimServiceRotation(budgetNs: 3_000)
        let clock = Clock()
        let keys = [0, 1, 2, 3, 4, 5, 6, 7]
        var served: [[Int]] = []
        for _ in 0..<4 {
            var tick: [Int] = []
            rotation.run(count: keys.count, key: { keys[$0] }, nowNs: { clock.ns }) { i in
                tick.append(keys[i])
                clock.ns += 1_000   // 1 µs of work per call
            }
            served.append(tick)
        }
        #expect(served == [[0, 1, 2], [3, 4, 5], [6, 7, 0], [1, 2, 3]])
        #expect(rotation.deferredTicks == 4)
    }

    @Test func everyCallIsServicedWhenTheBudgetAllows() {
        var rotation = SimServiceRotation(budgetNs: 3_000_000)
        let clock = Clock()
        var tick: [Int] = []
        rotation.run(count: 5, key: { $0 * 10 }, nowNs: { clock.ns }) { i in tick.append(i); clock.ns += 1_000 }
        #expect(tick == [0, 1, 2, 3, 4])
        #expect(rotation.deferredTicks == 0)
    }

    /// One expensive call (a search) still leaves the tick after itself: at least one call
    /// per tick, and none starves behind it.
    @Test func oneSlowCallDoesNotStarveTheOthers() {
        var rotation = SimServiceRotation(budgetNs: 3_000)
        let clock = Clock()
        var count = [Int](repeating: 0, count: 4)
        for _ in 0..<8 {
            rotation.run(count: 4, key: { $0 }, nowNs: { clock.ns }) { i in
                count[i] += 1
                clock.ns += i == 0 ? 10_000 : 500
            }
        }
        #expect(count.allSatisfy { $0 >= 3 }, "\(count)")
    }

    /// Calls placed or finished between ticks: the next tick starts after the last call
    /// serviced, by key, not by position.
    @Test func theRotationFollowsCallsNotPositions() {
        var rotation = SimServiceRotation(budgetNs: 2_000)
        let clock = Clock()
        var keys = [10, 11, 12, 13, 14]
        var tick: [Int] = []
        rotation.run(count: keys.count, key: { keys[$0] }, nowNs: { clock.ns }) { i in tick.append(keys[i]); clock.ns += 1_000 }
        #expect(tick == [10, 11])
        keys = [12, 13, 14, 15]   // 10 and 11 finished, 15 placed
        tick = []
        rotation.run(count: keys.count, key: { keys[$0] }, nowNs: { clock.ns }) { i in tick.append(keys[i]); clock.ns += 1_000 }
        #expect(tick == [12, 13])
    }
}
