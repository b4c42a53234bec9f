import Testing
@testable import ParleyRTP

@Suite struct ReceptionStatisticsTests {
    /// Feeds sequence numbers starting at `first`, dropping `lost` offsets, with constant transit.
    func feed(first: UInt16, count: Int, lost: Set<Int>, jitter: (Int) -> Int = { _ in 0 }) -> RTPReceptionStatistics {
        var s = RTPReceptionStatistics(ssrc: 99, firstSequence: first)
        for i in 0..<count where !lost.contains(i) {
            let ts = UInt32(i * 160)
            s.update(sequenceNumber: first &+ UInt16(truncatingIfNeeded: i), timestamp: ts,
                     arrival: ts &+ 1000 &+ UInt32(jitter(i)), payloadBytes: 160)
        }
        return s
    }

    @Test func countsLossAcrossWrapAround() {
        // Probation: the first packet validates the source and is not counted (RFC 3550 A.1).
        var s = feed(first: 65000, count: 1001, lost: [10, 500, 501, 700])
        #expect(s.isValid)
        #expect(s.expected == 1000)
        #expect(s.received == 996)
        #expect(s.cumulativeLost == 4)
        #expect(s.extendedMax == 65536 + UInt32((65000 + 1000) % 65536))
        #expect(s.payloadOctets == 996 * 160)
        #expect(s.jitter == 0)
        #expect(s.takeIntervalFractionLost() == UInt8(4 * 256 / 1000))
        #expect(s.takeIntervalFractionLost() == 0)   // nothing new in the interval
        let block = s.makeReportBlock()
        #expect(block.ssrc == 99 && block.cumulativeLost == 4 && block.fractionLost == 0)
    }

    @Test func jitterFollowsA8() {
        // Transit alternates by 80 samples: |D| = 80 each packet, J converges to 80.
        let s = feed(first: 1, count: 400, lost: [], jitter: { $0 % 2 == 0 ? 0 : 80 })
        #expect(s.jitter >= 76 && s.jitter <= 80)
        // Reference: the floating-point A.8 recursion over the same |D| sequence.
        var j = 0.0
        for _ in 0..<(s.received - 1) { j += (80 - j) / 16 }
        #expect(abs(Double(s.jitter) - j) <= 1.5)
    }

    @Test func duplicatesAndRestart() {
        var s = RTPReceptionStatistics(ssrc: 1, firstSequence: 100)
        for q: UInt16 in 100...110 { s.update(sequenceNumber: q, timestamp: 0, arrival: 0) }
        s.update(sequenceNumber: 105, timestamp: 0, arrival: 0)   // duplicate counts as received
        #expect(s.received == 11)
        #expect(s.cumulativeLost == -1)
        // A jump of 30000: ignored once, accepted after the next sequential packet.
        #expect(s.update(sequenceNumber: 30000, timestamp: 0, arrival: 0) == false)
        #expect(s.update(sequenceNumber: 30001, timestamp: 0, arrival: 0) == true)
        #expect(s.expected == 1)
        #expect(s.received == 1)
    }
}
