import Testing
@testable import ParleySim

/// The simulated phone's playout for the echo path: whatever the arrival jitter, a sample
/// comes out a fixed time after the first one heard.
@Suite struct EchoPlayoutTests {
    /// 20 ms packets whose arrival wanders by up to ±15 ms around the 20 ms tick (some land
    /// two to a tick, some none): every sample still leaves exactly `depth` + its timestamp
    /// offset after the first read, and none is lost. A FIFO read 160 per tick instead
    /// drifted a tick later at every packet that missed its tick.
    @Test func jitterDoesNotMoveTheEcho() {
        var playout = EchoPlayout(depthSamples: 320)
        let base: UInt32 = 0xFFFF_FF00   // wraps inside the run
        var pending: [(arrivalUs: Int, packet: Int)] = []
        var rng = SplitMix64(seed: 5)
        for p in 0..<200 {
            let jitterUs = Int(rng.next() % 30_000) - 15_000
            pending.append((max(0, p * 20_000 + 1_000 + jitterUs), p))
        }
        var frame = [Int16](repeating: 0, count: 160)
        var out: [Int16] = []
        for tick in 0..<210 {
            let nowUs = tick * 20_000 + 19_999
            for (arrival, p) in pending where arrival <= nowUs && arrival > nowUs - 20_000 {
                for i in 0..<160 {
                    let t = UInt32(p * 160 + i)
                    playout.write(timestamp: base &+ t, sample: Int16(truncatingIfNeeded: (p * 160 + i) % 30_000 + 1))
                }
            }
            var span = frame.mutableSpan
            playout.read(into: &span)
            out += frame
        }
        // Sample k of the stream sits at `depth` + k in the output, from the tick after the first arrival.
        let first = out.firstIndex { $0 != 0 } ?? -1
        #expect(first == 320, "first sample at \(first)")
        var wrong = 0
        for k in 0..<(200 * 160) where out[first + k] != Int16(k % 30_000 + 1) { wrong += 1 }
        #expect(wrong == 0, "\(wrong) samples out of place")
        #expect(playout.lateSamples == 0 && playout.resyncCount == 0)
    }

    /// A packet later than the playout depth leaves silence in its place; what follows keeps its time.
    @Test func aLatePacketLeavesAHoleNotADelay() {
        var playout = EchoPlayout(depthSamples: 320)
        var frame = [Int16](repeating: 0, count: 160)
        var out: [Int16] = []
        for tick in 0..<12 {
            // Packet 4 arrives only at tick 8 (80 ms late: beyond the 40 ms depth).
            let arriving = tick == 4 ? [] : (tick == 8 ? [4, 8] : [tick])
            for p in arriving where p < 10 {
                for i in 0..<160 { playout.write(timestamp: UInt32(p * 160 + i), sample: Int16(p + 1)) }
            }
            var span = frame.mutableSpan
            playout.read(into: &span)
            out += frame
        }
        for p in 0..<10 {
            let expected: Int16 = p == 4 ? 0 : Int16(p + 1)
            #expect(out[320 + p * 160] == expected && out[320 + p * 160 + 159] == expected, "packet \(p)")
        }
        #expect(playout.lateSamples == 160)
    }

    /// The line's delay counts from the bot's packet's arrival: the playout's share comes off it.
    @Test func lineDelayIncludesThePlayout() {
        let line = LineModel(configuration: LineConfiguration(echo: .init(delayMs: 100, returnLossDb: 6)),
                             playoutDelayMs: 40)
        #expect(line.echoDelaySamples == 480)
        let short = LineModel(configuration: LineConfiguration(echo: .init(delayMs: 20, returnLossDb: 6)),
                              playoutDelayMs: 40)
        #expect(short.echoDelaySamples == 0)
    }
}
