import Testing
@testable import ParleyRTP

@Suite struct JitterBufferTests {
    typealias Sim = JitterBufferSimulation

    /// Played frames strictly increase; played ∪ lost ∪ discarded cover the sent range.
    func expectContinuity(_ o: Sim.Outcome, packets: Int, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(o.contentOK, "payload did not match its sequence number", sourceLocation: sourceLocation)
        #expect(zip(o.frames, o.frames.dropFirst()).allSatisfy { $0 < $1 }, "frames out of order", sourceLocation: sourceLocation)
        let s = o.statistics
        #expect(Int(s.played) == o.frames.count, sourceLocation: sourceLocation)
        #expect(Int(s.played + s.missing + s.discarded) == packets, "sequence coverage", sourceLocation: sourceLocation)
        #expect(o.frames.count + o.conceals + o.buffering == o.ticks, "one output per tick", sourceLocation: sourceLocation)
        #expect(Int(s.concealed) == o.conceals, sourceLocation: sourceLocation)
    }

    @Test func cleanStreamPlaysEveryFrame() {
        let o = Sim.run(.init(packets: 1000))
        expectContinuity(o, packets: 1000)
        #expect(o.frames.count == 1000)
        #expect(o.statistics.lost == 0 && o.statistics.late == 0 && o.statistics.duplicate == 0)
        #expect(o.statistics.discarded == 0)
        // The only conceal is the underrun after the last packet.
        #expect(o.conceals == 1 && o.statistics.stretched == 1)
    }

    @Test func fivePercentLoss() {
        var lost: Set<Int> = []
        for i in stride(from: 7, to: 3000, by: 20) { lost.insert(i) }   // 5 %
        let o = Sim.run(.init(packets: 3000, lost: lost, jitterMs: 10))
        expectContinuity(o, packets: 3000)
        #expect(o.statistics.lost == UInt64(lost.count))
        #expect(o.statistics.late == 0)
        #expect(o.statistics.received == UInt64(3000 - lost.count))
        #expect(o.statistics.concealed >= UInt64(lost.count))
    }

    /// After a conceal for a lost frame, the frame after it can be read (for Opus FEC)
    /// without being consumed; a stretch (underrun) is not a loss.
    @Test func peekNextAfterALossShowsTheFollowingFrame() {
        var jb = JitterBuffer(configuration: .init(minDepthMs: 40, maxDepthMs: 200, initialDepthMs: 40))
        var out = [UInt8](repeating: 0, count: 512)
        func put(_ sequence: UInt16) {
            let payload = [UInt8](repeating: UInt8(truncatingIfNeeded: sequence), count: 20)
            jb.put(header: RTPHeader(payloadType: 0, sequenceNumber: sequence, timestamp: UInt32(sequence) * 160, ssrc: 1),
                   payload: payload.span, arrival: UInt32(sequence) * 160)
        }
        var span = out.mutableSpan
        // A stream one packet per tick, two frames deep; packet 2 is lost.
        put(0)
        put(1)
        guard case .frame(let f0) = jb.get(into: &span) else {
            Issue.record("frame 0 did not play")
            return
        }
        put(3)
        guard case .frame(let f1) = jb.get(into: &span) else {
            Issue.record("frame 1 did not play")
            return
        }
        #expect(f0.sequenceNumber == 0 && f1.sequenceNumber == 1 && !jb.lastGetWasLoss)
        put(4)
        guard case .conceal = jb.get(into: &span) else {
            Issue.record("frame 2 was not concealed")
            return
        }
        #expect(jb.lastGetWasLoss)
        #expect(jb.peekNext(into: &span) == 20)
        #expect(span[0] == 3)
        #expect(jb.statistics.missing == 1)
        // Still there: the next get plays frame 3.
        guard case .frame(let f3) = jb.get(into: &span) else {
            Issue.record("frame 3 did not play after the peek")
            return
        }
        #expect(f3.sequenceNumber == 3 && span[0] == 3 && !jb.lastGetWasLoss)
        _ = jb.get(into: &span)   // 4
        guard case .conceal = jb.get(into: &span) else {
            Issue.record("no underrun after the last frame")
            return
        }
        #expect(!jb.lastGetWasLoss, "an underrun is a stretch, not a loss")
        #expect(jb.peekNext(into: &span) == nil)
    }

    @Test func burstLoss() {
        var lost: Set<Int> = []
        for start in [100, 900, 1500, 2200] { for i in start..<(start + 6) { lost.insert(i) } }
        let o = Sim.run(.init(packets: 3000, lost: lost))
        expectContinuity(o, packets: 3000)
        #expect(o.statistics.lost == UInt64(lost.count))
    }

    @Test func reorderingAndDuplicates() {
        var swapped: Set<Int> = []
        for i in stride(from: 10, to: 2990, by: 50) { swapped.insert(i) }
        var dups: Set<Int> = []
        for i in stride(from: 33, to: 3000, by: 40) { dups.insert(i) }
        let o = Sim.run(.init(packets: 3000, duplicated: dups, swappedWithNext: swapped))
        expectContinuity(o, packets: 3000)
        #expect(o.statistics.reordered == UInt64(swapped.count))
        #expect(o.statistics.duplicate == UInt64(dups.count))
        #expect(o.statistics.lost == 0)
        #expect(o.statistics.late == 0)
        #expect(o.frames.count == 3000)
    }

    @Test(arguments: [100.0, -100.0])
    func clockDrift(_ ppm: Double) {
        // 30,000 packets = 10 minutes: ±100 ppm is ±3 frames of drift.
        let o = Sim.run(.init(packets: 30_000, jitterMs: 20, driftPPM: ppm))
        expectContinuity(o, packets: 30_000)
        #expect(o.statistics.lost == 0)
        #expect(o.statistics.late == 0)
        if ppm > 0 {
            #expect(o.statistics.discarded >= 1 && o.statistics.discarded <= 8)
        } else {
            #expect(o.statistics.discarded <= 2)
            #expect(o.statistics.stretched >= 1)
        }
        #expect(o.maxDepthMs <= 200)
    }

    @Test func everythingAtOnceWithJitter() {
        var lost: Set<Int> = []
        for i in stride(from: 3, to: 6000, by: 20) { lost.insert(i) }
        var dups: Set<Int> = []
        for i in stride(from: 11, to: 6000, by: 97) where !lost.contains(i) { dups.insert(i) }
        var swapped: Set<Int> = []
        for i in stride(from: 29, to: 5990, by: 61) where !lost.contains(i) && !lost.contains(i + 1) { swapped.insert(i) }
        let o = Sim.run(.init(packets: 6000, lost: lost, duplicated: dups, swappedWithNext: swapped, jitterMs: 30, driftPPM: 100))
        expectContinuity(o, packets: 6000)
        #expect(o.statistics.lost == UInt64(lost.count))
        #expect(o.statistics.duplicate == UInt64(dups.count))
        #expect(o.statistics.late == 0)
        #expect(o.statistics.targetDepthMs >= 60)   // adapted to 30 ms of jitter
    }

    @Test func lateAndDuplicateAfterPlayout() {
        var jb = JitterBuffer(configuration: .init(minDepthMs: 40, initialDepthMs: 40))
        let p = [UInt8](repeating: 1, count: 160)
        var out = [UInt8](repeating: 0, count: 512)
        func put(_ seq: UInt16) -> JitterBufferPutResult {
            jb.put(header: RTPHeader(payloadType: 0, sequenceNumber: seq, timestamp: UInt32(seq) * 160, ssrc: 1),
                   payload: p.span, arrival: UInt32(seq) * 160)
        }
        func get() -> JitterBufferOutput { var s = out.mutableSpan; return jb.get(into: &s) }
        #expect(put(1) == .stored)
        #expect(get() == .buffering)
        #expect(put(3) == .stored)   // 2 is missing
        #expect(put(3) == .duplicate)
        guard case .frame(let f) = get() else { Issue.record("expected a frame"); return }
        #expect(f.sequenceNumber == 1 && f.payloadBytes == 160)
        #expect(get() == .conceal(timestamp: 2 * 160))
        #expect(put(2) == .late)
        #expect(put(1) == .duplicate)
        #expect(jb.statistics.missing == 1 && jb.statistics.late == 1 && jb.statistics.lost == 0)
        #expect(put(4) == .stored)
        #expect(put(UInt16(4 + 30_000)) == .restarted)
        #expect(jb.statistics.resets == 1)
        let big = [UInt8](repeating: 0, count: 600)
        #expect(jb.put(header: RTPHeader(payloadType: 0, sequenceNumber: 9, timestamp: 0, ssrc: 1), payload: big.span, arrival: 0) == .oversized)
    }

    @Test func packetsOlderThanTheFirstAreLate() {
        // Found by fuzzing: an extended sequence number below zero must not index a slot.
        var jb = JitterBuffer(configuration: .init())
        let p = [UInt8](repeating: 0, count: 10)
        let first = jb.put(header: RTPHeader(payloadType: 0, sequenceNumber: 5, timestamp: 0, ssrc: 1), payload: p.span, arrival: 0)
        let older = jb.put(header: RTPHeader(payloadType: 0, sequenceNumber: 65535, timestamp: 0, ssrc: 1), payload: p.span, arrival: 0)
        #expect(first == .stored && older == .late)
    }

    @Test func g711ConcealerRepeatsAndFades() {
        var c = G711Concealer(frameSamples: 160, fadeFrames: 3, crossfadeSamples: 40)
        var good = [Int16](repeating: 1000, count: 160)
        var g = good.mutableSpan
        c.good(&g)
        var out = [Int16](repeating: 0, count: 160)
        var levels: [Int16] = []
        for _ in 0..<4 {
            var o = out.mutableSpan
            #expect(c.conceal(into: &o) == 160)
            levels.append(out[0])
            #expect(out[159] <= out[0])
        }
        #expect(levels == [1000, 667, 333, 0])
        #expect(out.allSatisfy { $0 == 0 })
        // Fade back in after the loss.
        good = [Int16](repeating: 1000, count: 160)
        g = good.mutableSpan
        c.good(&g)
        #expect(good[0] == 0 && good[39] > 900 && good[40] == 1000)
        #expect(c.consecutiveLosses == 0)
    }

    @Test func summaryString() {
        var rs = RTPReceptionStatistics(ssrc: 1, firstSequence: 0)
        for q: UInt16 in 0...100 where q != 50 {
            rs.update(sequenceNumber: q, timestamp: UInt32(q) * 160, arrival: UInt32(q) * 160, payloadBytes: 160)
        }
        var jbs = JitterBufferStatistics()
        jbs.late = 2
        jbs.concealed = 3
        jbs.discarded = 4
        var s = RTPStatSummary()
        s.packetsSent = 500
        s.octetsSent = 80_000
        s.durationSeconds = 10
        s.encoder = "PCMU"
        s.decoder = "PCMU"
        s.record(reception: rs, jitterBuffer: jbs, clockRate: 8000)
        #expect(s.headerValue == "PS=500;OS=80000;PR=99;OR=15840;PL=1;PLP=1.00;JI=0.0;DU=10;EN=PCMU;DE=PCMU;LATE=2;DUP=0;REO=0;PLC=3;DROP=4")
    }
}

extension JitterBufferTests {
    /// A sender that stalls 160 ms and then sends what it owed at once: while the caller
    /// speaks (`mayShrink` false) every frame is played, in order, and the extra depth is
    /// kept; in the pause that follows the level comes back down by dropping frames.
    @Test func aBurstWhileTheCallerSpeaksLosesNoFrame() {
        var jb = JitterBuffer(configuration: .init())
        var out = [UInt8](repeating: 0, count: 512)
        var played: [Int64] = []
        var sequence: UInt16 = 0
        func put(_ count: Int, tick: Int) {
            for _ in 0..<count {
                let payload = [UInt8](repeating: UInt8(truncatingIfNeeded: sequence), count: 160)
                jb.put(header: RTPHeader(payloadType: 0, sequenceNumber: sequence, timestamp: UInt32(sequence) * 160, ssrc: 1),
                       payload: payload.span, arrival: UInt32(tick) * 160)
                sequence &+= 1
            }
        }
        func get(mayShrink: Bool) {
            var span = out.mutableSpan
            if case .frame(let frame) = jb.get(into: &span, mayShrink: mayShrink) { played.append(frame.extendedSequenceNumber) }
        }
        var tick = 0
        // 2 s steady, then the stall (8 ticks with nothing), then the 8 owed packets at once
        // (within the 200 ms maximum depth, beyond which a frame goes whatever the caller does).
        for _ in 0..<100 { put(1, tick: tick); get(mayShrink: false); tick += 1 }
        for _ in 0..<8 { get(mayShrink: false); tick += 1 }
        put(8, tick: tick)
        // 3 s more speech at one packet per tick.
        for _ in 0..<150 { put(1, tick: tick); get(mayShrink: false); tick += 1 }
        #expect(jb.statistics.discarded == 0, "\(jb.statistics)")
        #expect(played == Array(played.first!...played.last!), "every frame, in order")
        let speakingDepth = jb.spanFrames
        #expect(speakingDepth >= 5, "the burst's depth is kept while the caller speaks: \(speakingDepth)")
        // The caller pauses (1 s): the level comes down.
        for _ in 0..<50 { put(1, tick: tick); get(mayShrink: true); tick += 1 }
        #expect(jb.statistics.discarded >= 1 && jb.spanFrames < speakingDepth, "\(jb.statistics), span \(jb.spanFrames)")

        // The same stream with frames allowed to go at any time drops some mid-speech.
        jb = JitterBuffer(configuration: .init())
        sequence = 0
        played = []
        tick = 0
        for _ in 0..<100 { put(1, tick: tick); get(mayShrink: true); tick += 1 }
        for _ in 0..<8 { get(mayShrink: true); tick += 1 }
        put(8, tick: tick)
        for _ in 0..<150 { put(1, tick: tick); get(mayShrink: true); tick += 1 }
        #expect(jb.statistics.discarded >= 1, "without the hold, frames of speech are dropped: \(jb.statistics)")
    }
}
