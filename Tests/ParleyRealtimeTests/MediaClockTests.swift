import Testing
@testable import ParleyRealtime

@Suite struct MediaClockTests {
    @Test func deadlinesAreStartPlusNTicks() {
        let clock = MediaClock(startNs: 1_000_000_000, tickNs: 20_000_000)
        #expect(clock.deadlineNs(ofTick: 0) == 1_000_000_000)
        #expect(clock.deadlineNs(ofTick: 1) == 1_020_000_000)
        // No drift: tick one million is exactly start + 1e6 · 20 ms.
        #expect(clock.deadlineNs(ofTick: 1_000_000) == 1_000_000_000 + 20_000_000 * 1_000_000)
    }

    @Test func tickLookup() {
        let clock = MediaClock(startNs: 1_000, tickNs: 100)
        #expect(clock.tick(atNs: 0) == 0)
        #expect(clock.tick(atNs: 1_000) == 0)
        #expect(clock.tick(atNs: 1_099) == 0)
        #expect(clock.tick(atNs: 1_100) == 1)
        #expect(clock.nextTick(afterNs: 999) == 0)
        #expect(clock.nextTick(afterNs: 1_000) == 1)
        #expect(clock.nextTick(afterNs: 1_150) == 2)
    }

    @Test func tickMsAndSamples() {
        let clock = MediaClock(tickMs: 20, startNs: 0)
        #expect(clock.tickNs == 20_000_000)
        #expect(clock.samplesPerTick(sampleRateHz: 8_000) == 160)
        #expect(clock.samplesPerTick(sampleRateHz: 48_000) == 960)
        #expect(MediaClock(tickMs: 10, startNs: 0).samplesPerTick(sampleRateHz: 16_000) == 160)
    }

    @Test func monotonicNeverGoesBack() {
        var last = Monotonic.nowNs()
        for _ in 0..<10_000 {
            let now = Monotonic.nowNs()
            #expect(now >= last)
            last = now
        }
    }

    @Test func absoluteSleepReturnsAtOrAfterDeadline() {
        let deadline = Monotonic.nowNs() + 2_000_000
        #expect(Monotonic.sleep(untilNs: deadline) == 0)
        #expect(Monotonic.nowNs() >= deadline)
    }

    @Test func histogramQuantiles() {
        var h = LatenessHistogram()
        for _ in 0..<99 { h.record(5_000) }       // bucket 0
        h.record(3_000_000)                        // 3 ms
        #expect(h.sampleCount == 100)
        #expect(h.maxNs == 3_000_000)
        #expect(h.quantileNs(0.99) == LatenessHistogram.bucketWidthNs)  // bucket upper edge
        #expect(h.quantileNs(1.0) == 3_000_000)
        h.record(50_000_000)                       // overflow bucket reports max
        #expect(h.quantileNs(1.0) == 50_000_000)
    }
}
