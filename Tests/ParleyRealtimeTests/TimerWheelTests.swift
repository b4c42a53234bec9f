import Testing
@testable import ParleyRealtime

@Suite struct TimerWheelTests {
    @Test func firesInDeadlineOrderWithManualClock() {
        var wheel = TimerWheel<String>(startMs: 1_000, slotCount: 64)
        wheel.schedule("B", afterMs: 500)   // T1
        wheel.schedule("A", afterMs: 32_000) // Timer B = 64·T1
        wheel.schedule("E", afterMs: 500)
        let c = wheel.schedule("C", afterMs: 10)
        #expect(wheel.count == 4)
        #expect(wheel.nextDeadlineMs == 1_010)
        #expect(wheel.advance(toMs: 1_009).isEmpty)
        #expect(wheel.cancel(c) == "C")
        #expect(wheel.advance(toMs: 1_499).isEmpty)
        let fired = wheel.advance(toMs: 1_500)
        #expect(fired.map(\.payload) == ["B", "E"])
        #expect(fired.allSatisfy { $0.deadlineMs == 1_500 })
        // A far deadline (several wheel turns) fires exactly when due.
        #expect(wheel.advance(toMs: 32_999).isEmpty)
        #expect(wheel.advance(toMs: 33_000).map(\.payload) == ["A"])
        #expect(wheel.isEmpty)
    }

    @Test func bigJumpsFireEverythingDueSorted() {
        var wheel = TimerWheel<Int>(startMs: 0, slotCount: 16)
        for (i, d) in [300, 5, 70, 5, 1000].enumerated() { wheel.schedule(i, atMs: Int64(d)) }
        let fired = wheel.advance(toMs: 400)
        #expect(fired.map(\.payload) == [1, 3, 2, 0])
        #expect(wheel.count == 1)
        #expect(wheel.advance(toMs: 100).isEmpty)  // time never goes back
        #expect(wheel.nowMs == 400)
        #expect(wheel.advance(toMs: 1000).map(\.payload) == [4])
    }

    @Test func cancelAfterFireReturnsNilAndPastDeadlinesFireNext() {
        var wheel = TimerWheel<Int>(startMs: 50)
        let id = wheel.schedule(1, atMs: 10)
        #expect(wheel.deadlineMs(of: id) == 51)
        #expect(wheel.advance(toMs: 51).map(\.payload) == [1])
        #expect(wheel.cancel(id) == nil)
    }
}
