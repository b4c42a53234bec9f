import Testing
@testable import ParleySim

/// What the caller measures on the bot's stream, on synthetic arrivals.
@Suite struct StreamMeasuresTests {
    /// Packets every 20 ms of RTP time; `arrivalMs` gives each one's arrival.
    func measure(_ count: Int, skip: Set<Int> = [], marker: Set<Int> = [], arrivalMs: (Int) -> Double) -> StreamMeasures {
        var m = StreamMeasures()
        for i in 0..<count where !skip.contains(i) {
            m.packet(sequence: UInt16(truncatingIfNeeded: 65_000 + i), timestamp: UInt32(1_000 + i * 160), ssrc: 7,
                     arrivalNs: UInt64(arrivalMs(i) * 1_000_000) + 1_000_000_000, payloadBytes: 160, marker: marker.contains(i))
        }
        return m
    }

    @Test func perfectPacingHasNoErrorJitterOrLoss() {
        let m = measure(100) { Double($0) * 20 }
        #expect(m.pacing.total == 99)
        #expect(m.pacing.summary.max == 0)
        #expect(m.maxJitterMs == 0)
        #expect(m.lost == 0 && m.expected == 100)
    }

    @Test func aLatePacketShowsTwiceInThePacingError() {
        // Packet 50 arrives 3 ms late: its step is 23 ms, the next one's 17 ms.
        let m = measure(100) { Double($0) * 20 + ($0 == 50 ? 3 : 0) }
        #expect(m.pacing.total == 99)
        #expect(m.pacing.maxUs == 3_000)
        #expect(m.pacing.percentileMs(50) == 0.05)   // first bucket's upper edge
        #expect(m.pacing.percentileMs(99) == 3.0)
        #expect(m.maxJitterMs > 0.35 && m.maxJitterMs < 0.37, "\(m.maxJitterMs)")   // 3/16, then (3 − 3/16)/16 more
    }

    @Test func lossIsCountedAndGapsAreNotPacing() {
        let m = measure(100, skip: [10, 11, 40]) { Double($0) * 20 }
        #expect(m.lost == 3)
        #expect(m.expected == 100)
        #expect(m.pacing.summary.max == 0, "steps across a gap are not pacing errors")
    }

    @Test func aTalkspurtStartIsNotAPacingError() {
        // The bot paused 2 s between prompts without advancing its timestamps.
        let m = measure(100, marker: [60]) { Double($0) * 20 + ($0 >= 60 ? 2_000 : 0) }
        #expect(m.pacing.summary.max == 0)
        let unmarked = measure(100) { Double($0) * 20 + ($0 >= 60 ? 2_000 : 0) }
        #expect(unmarked.pacing.maxUs == 2_000_000)
    }

    @Test func histogramsMergeAndSummarise() {
        var a = PacingHistogram(), b = PacingHistogram()
        for us in [0, 100, 200] { a.add(errorUs: us) }
        b.add(errorUs: 250_000)   // beyond the last bucket: overflow, the maximum is kept
        a.merge(b)
        #expect(a.total == 4)
        #expect(a.summary.max == 250)
        #expect(a.percentileMs(100) == 250)
        #expect(a.percentileMs(50) == 0.15)
    }

    @Test func reportCarriesPacingLossAndJitterInTheIssueShape() {
        var report = SimReport()
        report.add(stream: measure(100, skip: [5]) { Double($0) * 20 + ($0 == 50 ? 3 : 0) })
        report.add(stream: measure(50) { Double($0) * 20 })
        #expect(report.packetsExpected == 150)
        #expect(report.lossPercent == 0.667)
        let json = report.json()
        #expect(json.contains("\"loss_pct\":0.667"), "\(json)")
        #expect(json.contains("\"pacing_error_ms\":{\"count\":146,\"max\":3,"), "\(json)")
        #expect(json.contains("\"jitter_ms\":{\"count\":2,"), "\(json)")
    }
}
