@testable import ParleyMedia
import ParleyCodecs
import ParleyRTP
import ParleyRealtime
import Testing

/// After a gap, the caller's packets that arrived during it are not played late: the
/// channel drops that backlog from the jitter buffer, so the caller's audio keeps its
/// delay in the pipeline's time (the played reference goes on without the gap too).
@Suite struct MediaChannelCatchUpTests {
    /// Frame `n` of the caller: a constant level that names it (μ-law keeps it within ±128).
    static func level(_ n: Int) -> Int16 { Int16(400 * (1 + n % 20)) }
    static func frameNumber(_ sample: Int16) -> Int { (Int(sample) + 200) / 400 - 1 }

    @Test func callerBacklogOfTheGapIsDropped() throws {
        let peer = try TestPeer()
        let channel = try MediaChannelClockTests.channel(tickMs: 20, peer: peer, prompts: PromptTable(sampleRateHz: 8000, entries: []))
        defer { channel.closeSockets() }
        let scratch = try MediaThreadScratch()
        let encoder = try AudioEncoder(codec: .pcmu)
        var sent = 0
        func send() throws {
            var payload = [UInt8](repeating: 0, count: 160)
            _ = try encoder.encode([Int16](repeating: Self.level(sent), count: 160), into: &payload)
            _ = peer.socket.send(TestPeer.packet(payloadType: 0, marker: sent == 0, sequence: UInt16(sent),
                                                 timestamp: UInt32(sent * 160), ssrc: 0xCA11, payload: payload),
                                 to: channel.rtpSocket.localAddress)
            sent += 1
        }
        /// Packets sent minus the frame the channel played in this tick (modulo 20).
        func tick(_ index: UInt64) -> Int? {
            scratch.tickIndex = index
            scratch.nowNs = index * 20_000_000
            channel.sendPhase(scratch)
            channel.tick(scratch)
            var last: Int?
            _ = channel.recognizerAudio.popAll { frame in
                if frame.sampleCount > 40 { last = Self.frameNumber(frame.samples[40]) }
            }
            guard let played = last, played >= 0 else { return nil }
            return ((sent - 1 - played) % 20 + 20) % 20
        }
        var lagsBefore: [Int] = []
        for index in UInt64(100)..<130 {
            try send()
            if let lag = tick(index) { lagsBefore.append(lag) }
        }
        // A stall: 8 ticks missed, their packets wait in the socket.
        for _ in 0..<8 { try send() }
        var lagsAfter: [Int] = []
        for index in UInt64(139)..<150 {
            try send()
            if let lag = tick(index) { lagsAfter.append(lag) }
        }
        let steady = try #require(lagsBefore.last)
        #expect(lagsBefore.suffix(10).allSatisfy { $0 == steady })
        // The gap's 8 frames are gone at once (kept, they would add 8 to the lag until the
        // buffer drained them): at most one frame more, the buffer raising its target
        // after the burst's arrival jitter.
        try #require(lagsAfter.count == 11, "lags after the gap \(lagsAfter)")
        #expect(lagsAfter.allSatisfy { $0 >= steady && $0 <= steady + 1 }, "lags after the gap \(lagsAfter), before \(steady)")
    }
}
