import Testing
@testable import ParleyRTP

/// How deep the buffer runs on a steady stream, with manual arrival times: one packet
/// per 20 ms frame, `get` once per frame. The caller's audio goes to a listener, so a
/// steady stream is played in the tick it arrives; jitter and late packets still deepen it.
@Suite struct JitterBufferDepthTests {
    /// Drives one buffer: packet `i` (timestamp i × 160) arrives `arrivalOffsets(i)` samples
    /// after frame i's nominal time, which is `leadSamples` before get i; packets are put
    /// in arrival order before each get whose time they precede.
    struct Driver {
        var buffer: JitterBuffer
        /// For each get, the sequence offset played (nil: conceal or buffering).
        var played: [Int?] = []
        var outputs: [JitterBufferOutput] = []

        init(configuration: JitterBufferConfiguration = .init()) {
            buffer = JitterBuffer(configuration: configuration)
        }

        mutating func run(frames: Int, leadSamples: Int = 16, arrivalOffset: (Int) -> Int) {
            let payload = [UInt8](repeating: 0x55, count: 160)
            var out = [UInt8](repeating: 0, count: buffer.configuration.maxPayloadBytes)
            var arrivals: [(at: Int, offset: Int)] = []
            for i in 0..<frames { arrivals.append((at: i * 160 + arrivalOffset(i), offset: i)) }
            arrivals.sort { (a: (at: Int, offset: Int), b: (at: Int, offset: Int)) -> Bool in
                a.at < b.at || (a.at == b.at && a.offset < b.offset)
            }
            var next = 0
            for tick in 0..<(frames + 4) {
                let getTime = tick * 160 + leadSamples
                while next < arrivals.count && arrivals[next].at <= getTime {
                    let i = arrivals[next].offset
                    let header = RTPHeader(payloadType: 0, sequenceNumber: UInt16(truncatingIfNeeded: 4_000 + i),
                                           timestamp: UInt32(i * 160), ssrc: 9)
                    buffer.put(header: header, payload: payload.span, arrival: UInt32(truncatingIfNeeded: arrivals[next].at))
                    next += 1
                }
                var span = out.mutableSpan
                let result = buffer.get(into: &span)
                outputs.append(result)
                if case .frame(let f) = result { played.append(Int(f.extendedSequenceNumber) - 4_000) } else { played.append(nil) }
            }
        }

        /// Gets between a frame's arrival and its playout, for the frames played.
        var delays: [Int] { played.enumerated().compactMap { tick, i in i.map { tick - $0 } } }
    }

    @Test func aSteadyStreamIsPlayedTheTickItArrives() {
        var d = Driver()
        d.run(frames: 500) { _ in 0 }
        #expect(d.played.prefix(500).allSatisfy { $0 != nil }, "every frame played: \(d.buffer.statistics)")
        #expect(Set(d.delays) == [0], "frames held back: \(Set(d.delays))")
        #expect(d.buffer.statistics.targetDepthMs == 20)
        #expect(d.buffer.statistics.stretched == 1)   // the underrun after the last packet only
        #expect(d.buffer.statistics.missing == 0 && d.buffer.statistics.late == 0)
    }

    /// The bound that used to be the default: a whole frame of delay on the same stream.
    @Test func aFortyMillisecondFloorHoldsOneFrameBack() {
        var d = Driver(configuration: .init(minDepthMs: 40))
        d.run(frames: 500) { _ in 0 }
        #expect(Set(d.delays) == [1])
        #expect(d.buffer.statistics.targetDepthMs == 40)
    }

    @Test func jitterIsRoundedToTheNearestFrame() {
        // 20 ms frames at 8 kHz: 160 samples; 4 × jitter of half a frame or less adds none.
        #expect(JitterBuffer.jitterFrames(jitterSamples: 0, frameSamples: 160) == 0)
        #expect(JitterBuffer.jitterFrames(jitterSamples: 8, frameSamples: 160) == 0)     // 1 ms
        #expect(JitterBuffer.jitterFrames(jitterSamples: 20, frameSamples: 160) == 0)    // 2.5 ms: 4J = F/2
        #expect(JitterBuffer.jitterFrames(jitterSamples: 21, frameSamples: 160) == 1)
        #expect(JitterBuffer.jitterFrames(jitterSamples: 60, frameSamples: 160) == 1)    // 4J = 1.5 F
        #expect(JitterBuffer.jitterFrames(jitterSamples: 61, frameSamples: 160) == 2)
        #expect(JitterBuffer.jitterFrames(jitterSamples: -5, frameSamples: 160) == 0)
    }

    @Test func subMillisecondJitterHoldsNoExtraFrame() {
        var d = Driver()
        // Arrivals alternate 0 and 0.75 ms late: the jitter estimate settles near 0.75 ms.
        d.run(frames: 500, leadSamples: 16) { i in i % 2 == 0 ? 0 : 6 }
        let jitterUs = d.buffer.statistics.jitterMicroseconds
        #expect(jitterUs > 400 && jitterUs < 1_000, "jitter \(jitterUs) µs")
        #expect(d.buffer.statistics.targetDepthMs == 20)
        #expect(Set(d.delays) == [0])
        #expect(d.buffer.statistics.missing == 0 && d.buffer.statistics.late == 0)
    }

    @Test func jitterOfAFewMillisecondsHoldsAFrame() {
        var d = Driver()
        // Alternately on time and 7 ms late (get 8 ms after the nominal time): the estimate
        // settles near 7 ms, 4 × 7 = 28 ms rounds to one frame.
        d.run(frames: 500, leadSamples: 64) { i in i % 2 == 0 ? 0 : 56 }
        let jitterUs = d.buffer.statistics.jitterMicroseconds
        #expect(jitterUs > 5_000 && jitterUs < 8_000, "jitter \(jitterUs) µs")
        #expect(d.buffer.statistics.targetDepthMs == 40)
        #expect(d.buffer.statistics.late == 0)
    }

    @Test func aLatePacketRaisesTheTarget() {
        var d = Driver()
        // Packet 100 arrives 30 ms late: after frame 101 arrived and after its own playout.
        d.run(frames: 400) { i in i == 100 ? 240 : 0 }
        let s = d.buffer.statistics
        #expect(s.late == 1 && s.missing == 1, "\(s)")
        #expect(s.targetDepthMs == 40, "a late packet raises the target by a frame: \(s)")
        #expect(d.played[100] == nil)   // not played: concealed
        // Before it the stream ran with no delay; after it the buffer is one frame deeper.
        #expect(Set(d.delays.prefix(100)) == [0])
        #expect(Set((150..<350).compactMap { tick in d.played[tick].map { tick - $0 } }) == [1])
    }
}
