import Foundation
import ParleyCodecs
import ParleyMedia
import ParleyRTP
import ParleyRealtime
import Testing

@Suite struct MediaChannelSendTests {
    @Test func outgoingDTMFFollowsRFC4733() async throws {
        let engine = try MediaEngineTests.engine(ports: 30140...30159)
        defer { engine.shutdown() }
        let peer = try TestPeer()
        let handle = try engine.openChannel(
            MediaChannelConfiguration(codec: .pcmu, telephoneEventPayloadType: 101, remote: peer.address, listening: nil),
            prompts: MediaEngineTests.noPrompts)
        #expect(handle.send(.sendDTMF(event: 5, durationMs: 100)))
        // Begin + continuations for 100 ms, then three end packets: wait for the stats to show them.
        var sent: UInt64 = 0
        let deadline = Monotonic.nowNs() + 3_000_000_000
        while sent < 7 && Monotonic.nowNs() < deadline {
            handle.send(.requestStats)
            _ = await handle.waitFor(timeoutMs: 500) { $0 == .statsReady }
            sent = handle.latestStats()?.packetsSent ?? 0
        }
        let packets = peer.drain().compactMap { d -> (RTPHeader, TelephoneEvent)? in
            guard let h = try? RTPHeader(parsing: d.span), h.payloadType == 101,
                  let e = try? TelephoneEvent(parsing: d.span.extracting(h.payloadOffset..<(h.payloadOffset + h.payloadLength)))
            else { return nil }
            return (h, e)
        }
        try #require(packets.count >= 4, "saw \(packets.count) telephone-event packets")
        #expect(packets.first?.0.marker == true)
        #expect(packets.dropFirst().allSatisfy { !$0.0.marker })
        #expect(Set(packets.map(\.0.timestamp)).count == 1, "one event keeps one RTP timestamp")
        #expect(packets.allSatisfy { $0.1.event == 5 })
        #expect(packets.suffix(3).allSatisfy { $0.1.end })
        #expect(packets.filter { $0.1.end }.count == 3)
        #expect(packets.last?.1.duration == 800)
        handle.close()
    }

    @Test func opusChannelsCarryAudio() async throws {
        let engine = try MediaEngineTests.engine(ports: 30160...30179)
        defer { engine.shutdown() }
        let tone = MediaFixtures.tone(hz: 300, ms: 1500)
        let prompts = PromptTable(sampleRateHz: 16000, entries: [
            try PromptTable.entry(name: "tone", samples: tone.flatMap { [$0, $0] }, sampleRateHz: 16000),
        ])
        let a = try engine.openChannel(MediaChannelConfiguration(codec: .opus, listening: nil, pipelineRateHz: 16000),
                                       prompts: prompts)
        let b = try engine.openChannel(MediaChannelConfiguration(codec: .opus, remote: a.localAddress, listening: nil,
                                                                 pipelineRateHz: 16000), prompts: prompts)
        #expect(b.play(0, bargeIn: .off))
        let heard = await a.collectRecognizerAudio(samples: 16000, timeoutMs: 5000)
        #expect(heard.count >= 16000)
        // Opus is lossy: check the tone's energy arrived (RMS well above silence).
        let energy = heard.map { Double($0) * Double($0) }.reduce(0, +) / Double(max(1, heard.count))
        #expect(energy.squareRoot() > 1000, "RMS \(energy.squareRoot())")
        a.close()
        b.close()
    }

    @Test func pauseAndResumeKeepTheSampleOffset() async throws {
        let engine = try MediaEngineTests.engine(ports: 30180...30199)
        defer { engine.shutdown() }
        let prompts = try PromptTable.load(paths: [MediaFixtures.path("prompt-short-8k.wav")], sampleRateHz: 8000)
        let peer = try TestPeer()
        let handle = try engine.openChannel(
            MediaChannelConfiguration(codec: .pcmu, remote: peer.address, listening: nil), prompts: prompts)
        handle.play(0, bargeIn: .off)
        _ = await handle.waitFor(timeoutMs: 2000) { if case .promptStarted = $0 { true } else { false } }
        handle.send(.pause)
        let (paused, _) = await handle.waitFor(timeoutMs: 2000) { if case .promptPaused = $0 { true } else { false } }
        guard case .promptPaused(0, let offset, _)? = paused else {
            Issue.record("not paused")
            return
        }
        #expect(offset > 0 && offset % 160 == 0)
        handle.send(.resume)
        let (resumed, _) = await handle.waitFor(timeoutMs: 2000) { if case .promptResumed = $0 { true } else { false } }
        #expect(resumed == .promptResumed(prompt: 0, offsetSamples: offset, atMs: {
            if case .promptResumed(_, _, let at)? = resumed { return at } else { return -1 }
        }()))
        let (finished, _) = await handle.waitFor(timeoutMs: 5000) { if case .promptFinished = $0 { true } else { false } }
        guard case .promptFinished(0, let frames, _, _)? = finished else {
            Issue.record("not finished")
            return
        }
        // Every frame of the prompt went out exactly once across the pause.
        let expectedFrames = (prompts.entries[0].samples.count + 159) / 160
        #expect(Int(frames) == expectedFrames)
        #expect(peer.drain().count == expectedFrames)
        handle.close()
    }

    /// RFC 3550 §6.6: closing a channel sends BYE for its SSRC, at the end of a compound
    /// packet that starts with a report (§6.1), to the peer's RTCP port (RTP + 1).
    @Test func closingSendsRTCPGoodbyeToThePeer() async throws {
        let engine = try MediaEngineTests.engine(ports: 30200...30219)
        defer { engine.shutdown() }
        // The peer's RTP/RTCP pair on adjacent ports.
        var pair: (UDPSocket, UDPSocket)?
        for port in stride(from: UInt16(30240), to: 30260, by: 2) where pair == nil {
            guard let rtp = try? UDPSocket.bind(to: .ipv4Loopback(port: port)) else { continue }
            guard let rtcp = try? UDPSocket.bind(to: .ipv4Loopback(port: port + 1)) else {
                rtp.close()
                continue
            }
            pair = (rtp, rtcp)
        }
        guard let (peerRTP, peerRTCP) = pair else {
            Issue.record("no free port pair for the peer")
            return
        }
        defer {
            peerRTP.close()
            peerRTCP.close()
        }
        // No periodic RTCP during the test: the only compound packet is the closing one.
        let handle = try engine.openChannel(
            MediaChannelConfiguration(codec: .pcmu, remote: peerRTP.localAddress, listening: nil, sendSilenceWhenIdle: true,
                                      rtcpIntervalMs: 600_000),
            prompts: MediaEngineTests.noPrompts)
        // Some RTP goes out first, so the report is an SR.
        let deadline = Monotonic.nowNs() + 2_000_000_000
        var buffer = [UInt8](repeating: 0, count: 2048)
        while Monotonic.nowNs() < deadline {
            if case .datagram = peerRTP.receive(into: &buffer) { break }
            try await Task.sleep(for: .milliseconds(5))
        }
        handle.close()
        var compound: [RTCPPacket]?
        let closeDeadline = Monotonic.nowNs() + 2_000_000_000
        while compound == nil && Monotonic.nowNs() < closeDeadline {
            if case .datagram(let n, let from, _) = peerRTCP.receive(into: &buffer) {
                #expect(from.port == handle.rtcpAddress.port)
                compound = try RTCPPacket.parseCompound(buffer.span.extracting(0..<n))
            } else {
                try await Task.sleep(for: .milliseconds(5))
            }
        }
        guard let packets = compound else {
            Issue.record("no RTCP reached the peer after close")
            return
        }
        guard case .senderReport(let sr)? = packets.first else {
            Issue.record("compound does not start with an SR: \(packets)")
            return
        }
        #expect(sr.ssrc == handle.ssrc)
        #expect(packets.count == 3)
        guard case .goodbye(let bye)? = packets.last else {
            Issue.record("compound does not end with BYE: \(packets)")
            return
        }
        #expect(bye.ssrcs == [handle.ssrc])
        #expect(bye.reason == nil)
        let (closed, _) = await handle.waitFor(timeoutMs: 2000) { $0 == .closed }
        #expect(closed == .closed)
    }
}
