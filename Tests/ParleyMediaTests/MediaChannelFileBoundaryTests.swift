@testable import ParleyMedia
import ParleyAudio
import ParleyCodecs
import ParleyRTP
import ParleyRealtime
import Testing

/// A prompt of several files plays as one stream: the next file starts in the packet where
/// the one before runs out, on the sample after it, and the listening pipeline has a plan on
/// every frame of the prompt (a barge-in confirmed at the boundary has a prompt to stop).
/// Before, the next file started with the next packet: the rest of that packet was silence
/// and its second 10 ms frame had no plan loaded. The channel is driven tick by tick with
/// injected clock indices, as in MediaChannelClockTests.
@Suite struct MediaChannelFileBoundaryTests {
    static let timestampBase: UInt32 = 0x1000

    /// PCMU, 10 ms ticks, 20 ms packets, with the listening pipeline; nothing arrives from the peer.
    static func channel(peer: TestPeer, prompts: PromptTable) throws -> MediaChannel {
        let configuration = MediaChannelConfiguration(codec: .pcmu, telephoneEventPayloadType: 101, remote: peer.address,
                                                      mediaTimeoutMs: 0, rtcpIntervalMs: 3_600_000)
        let channel = try MediaChannel(
            id: 1, configuration: configuration, tickMs: 10,
            rtpSocket: try UDPSocket.bind(to: .ipv4Loopback(port: 0)),
            rtcpSocket: try UDPSocket.bind(to: .ipv4Loopback(port: 0)), prompts: prompts, ssrc: 0x5EED,
            sequenceStart: 100, timestampBase: timestampBase, ntpOffsetNs: 0)
        channel.attach(nowNs: Monotonic.nowNs())
        return channel
    }

    /// A channel with file A (25 ms: it ends 40 samples into the second packet) then file B
    /// (125 ms) to play as one prompt, its pipeline and a tick scratch.
    struct TwoFiles {
        let channel: MediaChannel
        let pipeline: ListeningPipeline
        let scratch: MediaThreadScratch
        let a: [Int16]
        let b: [Int16]

        /// Runs tick `index` (from 0, on clock tick 9,000 + index). The play commands arrive
        /// between ticks 1 and 2, so the prompt's first packet goes out on tick 2 (20 ms).
        func run(_ index: UInt64) {
            if index == 2 {
                #expect(channel.commands.tryPush(.play(prompt: 0, bargeIn: .immediate, startMs: 0, replace: false)))
                #expect(channel.commands.tryPush(.play(prompt: 1, bargeIn: .immediate, startMs: 0, replace: false)))
            }
            MediaChannelClockTests.run(channel, scratch, index: 9_000 + index)
        }
    }

    static func twoFilePrompt(peer: TestPeer) throws -> TwoFiles {
        let a = Array(MediaFixtures.tone(hz: 440, ms: 25))
        let b = MediaFixtures.tone(hz: 660, ms: 125, amplitude: 6000)
        let table = PromptTable(sampleRateHz: 8000, entries: [
            try PromptTable.entry(name: "a", samples: a, sampleRateHz: 8000),
            try PromptTable.entry(name: "b", samples: b, sampleRateHz: 8000),
        ])
        let channel = try Self.channel(peer: peer, prompts: table)
        let pipeline = try #require(channel.pipeline)
        return TwoFiles(channel: channel, pipeline: pipeline, scratch: try MediaThreadScratch(), a: a, b: b)
    }

    @Test func twoFilesOfAPromptGoOutAsOneContinuousStream() throws {
        let peer = try TestPeer()
        let files = try Self.twoFilePrompt(peer: peer)
        defer { files.channel.closeSockets() }
        let (channel, pipeline, a, b) = (files.channel, files.pipeline, files.a, files.b)
        var playingAfterFrame: [Bool] = []
        var pipelineFinishedAtMs: [Int] = []
        for index in 0..<UInt64(24) {
            files.run(index)
            playingAfterFrame.append(pipeline.bargeInState == .playing)
            for case let .promptFinished(atMs) in pipeline.events { pipelineFinishedAtMs.append(atMs) }
        }

        // The pipeline: a plan from the prompt's first frame (tick 2, 20 ms) through its last
        // (tick 16, 160–170 ms, where B's last sample is), one end, at the end of B.
        for frame in 2...15 {
            #expect(playingAfterFrame[frame], "no prompt playing in the pipeline after frame \(frame) (\(frame * 10) ms)")
        }
        #expect(!playingAfterFrame[16])
        #expect(pipelineFinishedAtMs == [170], "the pipeline's prompt ended at \(pipelineFinishedAtMs) ms")

        // Packet k goes out on tick 2 + 2k and carries samples 160k..<160k+160 of A then B.
        let stream = a + b
        let packets = MediaChannelClockTests.rtp(peer.drain())
        let expectedCount = (stream.count + 159) / 160
        #expect(packets.count == expectedCount, "sent \(packets.count) packets, expected \(expectedCount)")
        let encoder = try AudioEncoder(codec: .pcmu)
        for (k, packet) in packets.enumerated() {
            var pcm = [Int16](repeating: 0, count: 160)
            for i in 0..<160 where 160 * k + i < stream.count { pcm[i] = stream[160 * k + i] }
            var payload = [UInt8](repeating: 0, count: 160)
            _ = try encoder.encode(pcm, into: &payload)
            #expect(packet.header.timestamp == Self.timestampBase &+ UInt32((2 + 2 * k) * 80))
            #expect(packet.payload == payload, "packet \(k) is not samples \(160 * k)..<\(160 * k + 160) of A + B")
        }

        // B starts on the sample after A: 40 samples into the packet of tick 4 (40 ms). A's
        // finish is reported before B's start, in the order they happen.
        var events: [MediaEvent] = []
        while let e = channel.events.tryPop() { events.append(e) }
        let ts = { (tick: Int, extra: Int) in Self.timestampBase &+ UInt32(tick * 80 + extra) }
        #expect(events == [
            .promptStarted(prompt: 0, rtpTimestamp: ts(2, 0), atMs: 20),
            .promptFinished(prompt: 0, frames: 2, lastRTPTimestamp: ts(4, 0), atMs: 40),
            .promptStarted(prompt: 1, rtpTimestamp: ts(4, 40), atMs: 45),
            .promptFinished(prompt: 1, frames: 7, lastRTPTimestamp: ts(16, 0), atMs: 160),
        ], "\(events)")
    }
}

extension MediaChannelFileBoundaryTests {
    /// The channel is a packet ahead of the pipeline: once the packet carrying A's end and
    /// B's start is prepared, B is the channel's current file while the pipeline is still
    /// on A. A barge-in decided then interrupted A: A is reported stopped and a false
    /// barge-in resumes A, not B.
    @Test func aBargeInBeforeThePipelineReachesTheNextFileStopsTheFileBefore() throws {
        let peer = try TestPeer()
        let files = try Self.twoFilePrompt(peer: peer)
        defer { files.channel.closeSockets() }
        let (channel, pipeline, a) = (files.channel, files.pipeline, files.a)
        // Tick 3 prepares the packet of tick 4 (A's last 40 samples, then B).
        for index in 0..<UInt64(4) { files.run(index) }
        #expect(channel.queue.current?.prompt == 1)
        #expect(pipeline.nextPromptQueued)
        while channel.events.tryPop() != nil {}

        channel.queue.clearPending()
        channel.stopPrompt(reason: .bargeIn, tellPipeline: false)
        #expect(channel.events.tryPop() == .promptStopped(prompt: 0, offsetSamples: Int32(a.count), reason: .bargeIn, atMs: 40))
        channel.resumeAfterFalseBargeIn(fromMs: 0)
        #expect(channel.queue.current?.prompt == 0)
        #expect(channel.queue.offsetSamples == 0)
    }
}
