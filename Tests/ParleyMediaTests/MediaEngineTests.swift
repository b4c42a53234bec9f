import Foundation
import ParleyCodecs
import ParleyMedia
import ParleyRTP
import ParleyRealtime
import Testing

@Suite struct MediaEngineTests {
    static func engine(ports: ClosedRange<UInt16>) throws -> MediaEngine {
        try MediaEngine(configuration: MediaEngineConfiguration(threadCount: 1, tickMs: 20, portRange: ports))
    }

    static let noPrompts = PromptTable(sampleRateHz: 8000, entries: [])

    static func roundTrip(_ pcm: [Int16], codec: Codec) throws -> [Int16] {
        let encoder = try AudioEncoder(codec: codec)
        let decoder = try AudioDecoder(codec: codec)
        var out: [Int16] = []
        var frame = 0
        while frame * 160 < pcm.count {
            var chunk = Array(pcm[(frame * 160)..<min(pcm.count, frame * 160 + 160)])
            if chunk.count < 160 { chunk += [Int16](repeating: 0, count: 160 - chunk.count) }
            var payload = [UInt8](repeating: 0, count: 160)
            _ = try encoder.encode(chunk, into: &payload)
            var decoded = [Int16](repeating: 0, count: 160)
            _ = try decoder.decode(payload, into: &decoded)
            out += decoded
            frame += 1
        }
        return out
    }

    @Test(arguments: [Codec.pcmu, Codec.pcma])
    func callerAudioArrivesInTheRecognizerRing(codec: Codec) async throws {
        let engine = try Self.engine(ports: codec == .pcmu ? 30000...30019 : 30020...30039)
        defer { engine.shutdown() }
        let peer = try TestPeer()
        let handle = try engine.openChannel(
            MediaChannelConfiguration(codec: codec, remote: peer.address, listening: nil), prompts: Self.noPrompts)
        let tone = MediaFixtures.tone(hz: 440, ms: 1000)
        try peer.startSending(TestPeer.rtpPackets(tone, codec: codec), to: handle.localAddress)
        defer { peer.stop() }
        let audio = await handle.collectRecognizerAudio(samples: 8000 + 2400, timeoutMs: 5000)
        let expected = try Self.roundTrip(tone, codec: codec)
        let start = find(expected[0..<800], in: audio)
        try #require(start != nil, "the tone's first 100 ms never appeared in the recognizer audio")
        let end = min(audio.count, start! + 7200)
        #expect(end - start! == 7200)
        #expect(audio[start!..<end].elementsEqual(expected[0..<(end - start!)]))
        let (latched, _) = await handle.waitFor(timeoutMs: 1000) { if case .latched = $0 { true } else { false } }
        #expect(latched == .latched(ssrc: 0xCAFE))
        handle.close()
    }

    @Test func rfc4733DigitsArriveExactlyOnce() async throws {
        let engine = try Self.engine(ports: 30040...30059)
        defer { engine.shutdown() }
        let peer = try TestPeer()
        let handle = try engine.openChannel(
            MediaChannelConfiguration(codec: .pcmu, telephoneEventPayloadType: 101, remote: peer.address, listening: nil),
            prompts: Self.noPrompts)
        // Three key presses of 100 ms: begin (marker), continuations, three end packets each.
        var packets: [[UInt8]?] = []
        var sequence: UInt16 = 100
        var timestamp: UInt32 = 16000
        for digit: UInt8 in [1, 2, 11, 2] {
            var sender = TelephoneEventSender(packetIntervalSamples: 160)
            let started = sender.start(event: digit, durationSamples: 800, timestamp: timestamp)
            #expect(started)
            while let p = sender.nextPacket() {
                var payload = [UInt8](repeating: 0, count: 4)
                var out = payload.mutableSpan
                _ = p.payload.write(into: &out, at: 0)
                packets.append(TestPeer.packet(payloadType: 101, marker: p.marker, sequence: sequence,
                                               timestamp: p.timestamp, ssrc: 0xD7, payload: payload))
                sequence &+= 1
            }
            packets += [[UInt8]?](repeating: nil, count: 4)
            timestamp &+= 160 * 20
        }
        try peer.startSending(packets, to: handle.localAddress)
        defer { peer.stop() }
        var digits: [UInt8] = []
        while digits.count < 4 {
            let (event, _) = await handle.waitFor(timeoutMs: 5000) { if case .dtmf = $0 { true } else { false } }
            guard case .dtmf(let code, let source, _)? = event else { break }
            #expect(source == .rtpEvent)
            digits.append(code)
        }
        #expect(digits == [1, 2, 11, 2])
        // Redundant end packets must not produce more digits.
        let (extra, _) = await handle.waitFor(timeoutMs: 400) { if case .dtmf = $0 { true } else { false } }
        #expect(extra == nil)
        handle.close()
    }

    @Test func promptReachesThePeerAsItsMuLawEncoding() async throws {
        let engine = try Self.engine(ports: 30060...30079)
        defer { engine.shutdown() }
        let path = MediaFixtures.path("prompt-short-8k.wav")
        let prompts = try PromptTable.load(paths: [path], sampleRateHz: 8000)
        let peer = try TestPeer()
        let handle = try engine.openChannel(
            MediaChannelConfiguration(codec: .pcmu, remote: peer.address, listening: nil), prompts: prompts)
        #expect(handle.play(0, bargeIn: .off))
        let (finished, passed) = await handle.waitFor(timeoutMs: 8000) {
            if case .promptFinished = $0 { true } else { false }
        }
        guard case .promptFinished(0, let frames, let lastTimestamp, _)? = finished else {
            Issue.record("no promptFinished; saw \(passed)")
            return
        }
        let pcm = prompts.entries[0].samples
        let expectedFrames = (pcm.count + 159) / 160
        #expect(Int(frames) == expectedFrames)
        let received = peer.drain()
        #expect(received.count == expectedFrames)
        guard case .promptStarted(0, let firstTimestamp, _)? = passed.first(where: {
            if case .promptStarted = $0 { true } else { false }
        }) else {
            Issue.record("no promptStarted before promptFinished")
            return
        }
        let encoder = try AudioEncoder(codec: .pcmu)
        var previous: RTPHeader?
        for (k, datagram) in received.enumerated() {
            let header = try RTPHeader(parsing: datagram.span)
            #expect(header.payloadType == 0)
            #expect(header.marker == (k == 0))
            #expect(header.ssrc == handle.ssrc)
            #expect(header.timestamp == firstTimestamp &+ UInt32(k * 160))
            if let previous { #expect(header.sequenceNumber == previous.sequenceNumber &+ 1) }
            previous = header
            var chunk = Array(pcm[(k * 160)..<min(pcm.count, k * 160 + 160)])
            if chunk.count < 160 { chunk += [Int16](repeating: 0, count: 160 - chunk.count) }
            var payload = [UInt8](repeating: 0, count: 160)
            _ = try encoder.encode(chunk, into: &payload)
            #expect(Array(datagram[header.payloadOffset..<(header.payloadOffset + header.payloadLength)]) == payload,
                    "payload of packet \(k)")
        }
        #expect(previous?.timestamp == lastTimestamp)
        // Statistics and the X-RTP-Stat summary.
        handle.send(.requestStats)
        let (ready, _) = await handle.waitFor(timeoutMs: 2000) { $0 == .statsReady }
        #expect(ready == .statsReady)
        let stats = try #require(handle.latestStats())
        #expect(stats.packetsSent == UInt64(expectedFrames))
        #expect(stats.octetsSent == UInt64(expectedFrames * 160))
        let summary = try #require(handle.statSummary())
        #expect(summary.value.hasPrefix("PS=\(expectedFrames);OS=\(expectedFrames * 160);"))
        handle.close()
        let (closed, _) = await handle.waitFor(timeoutMs: 2000) { $0 == .closed }
        #expect(closed == .closed)
    }

    @Test func silentPeerEndsByMediaTimeout() async throws {
        let engine = try Self.engine(ports: 30080...30099)
        defer { engine.shutdown() }
        let handle = try engine.openChannel(
            MediaChannelConfiguration(codec: .pcmu, remote: .ipv4Loopback(port: 9), mediaTimeoutMs: 300, listening: nil),
            prompts: Self.noPrompts)
        let started = Monotonic.nowNs()
        let (event, _) = await handle.waitFor(timeoutMs: 3000) { if case .mediaTimeout = $0 { true } else { false } }
        guard case .mediaTimeout(let silentMs)? = event else {
            Issue.record("no media timeout")
            return
        }
        #expect(silentMs >= 300)
        #expect((Monotonic.nowNs() - started) / 1_000_000 >= 300)
        handle.close()
    }

    @Test func callerSpeechDuringAPromptBargesIn() async throws {
        let engine = try Self.engine(ports: 30100...30119)
        defer { engine.shutdown() }
        let prompts = try PromptTable.load(paths: [MediaFixtures.path("prompt-long-8k.wav")], sampleRateHz: 8000)
        let peer = try TestPeer()
        let handle = try engine.openChannel(MediaChannelConfiguration(codec: .pcmu, remote: peer.address),
                                            prompts: prompts)
        #expect(handle.play(0, bargeIn: .immediate))
        let speech = try MediaFixtures.pcm8k("caller-8k.wav")
        try peer.startSending(TestPeer.rtpPackets(speech, codec: .pcmu, leadingSilentTicks: 50), to: handle.localAddress)
        defer { peer.stop() }
        let (bargeIn, before) = await handle.waitFor(timeoutMs: 8000) { if case .bargeIn = $0 { true } else { false } }
        #expect(bargeIn != nil, "no barge-in while the caller spoke over the prompt")
        // Playback stops first, in the same tick; the barge-in report follows.
        let stop = before.last { if case .promptStopped = $0 { true } else { false } }
        guard case .promptStopped(0, let offset, .bargeIn, _)? = stop else {
            Issue.record("prompt not stopped before the barge-in report: \(before)")
            return
        }
        #expect(!before.contains { if case .promptFinished = $0 { true } else { false } })
        let promptFrames = (prompts.entries[0].samples.count + 159) / 160
        #expect(offset > 0 && Int(offset) < prompts.entries[0].samples.count)
        let received = peer.drain().filter { (try? RTPHeader(parsing: $0.span))?.payloadType == 0 }
        #expect(received.count < promptFrames)
        #expect(received.count == Int(offset) / 160)
        handle.close()
    }

    @Test func twoChannelsTalkToEachOther() async throws {
        let engine = try MediaEngine(configuration: MediaEngineConfiguration(threadCount: 2, tickMs: 20,
                                                                             portRange: 30120...30139))
        defer { engine.shutdown() }
        let prompts = try PromptTable.load(paths: [MediaFixtures.path("prompt-short-8k.wav")], sampleRateHz: 8000)
        let a = try engine.openChannel(MediaChannelConfiguration(codec: .pcmu, listening: nil), prompts: prompts)
        let b = try engine.openChannel(MediaChannelConfiguration(codec: .pcmu, remote: a.localAddress, listening: nil),
                                       prompts: prompts)
        // A has no remote address yet: B talks first, A latches to B by symmetric RTP and answers.
        #expect(b.play(0, bargeIn: .off))
        let (latched, _) = await a.waitFor(timeoutMs: 3000) { if case .latched = $0 { true } else { false } }
        #expect(latched == .latched(ssrc: b.ssrc))
        #expect(a.play(0, bargeIn: .off))
        let pcm = prompts.entries[0].samples
        let expected = try Self.roundTrip(pcm, codec: .pcmu)
        let heardByB = await b.collectRecognizerAudio(samples: expected.count + 4000, timeoutMs: 8000)
        // Bit-exact 100 ms windows of the prompt, every 200 ms, in order. The adaptive jitter
        // buffer conceals a packet that comes late and may deepen by a frame (a later window
        // then sits one packet further on), so most windows, not one chosen one, must be found.
        let windows = Array(stride(from: 1_600, through: expected.count - 800, by: 1_600))
        var found: [String] = []
        var searchFrom = 0
        for w in windows {
            guard searchFrom < heardByB.count,
                  let at = find(expected[w..<(w + 800)], in: Array(heardByB[searchFrom...])) else { continue }
            found.append("\(w)@\(searchFrom + at)")
            searchFrom += at + 800
        }
        #expect(!windows.isEmpty && found.count * 2 >= windows.count,
                "B did not hear A's prompt: \(found.count) of \(windows.count) windows found: \(found)")
        let (finished, _) = await a.waitFor(timeoutMs: 5000) { if case .promptFinished = $0 { true } else { false } }
        #expect(finished != nil)
        b.send(.requestStats)
        _ = await b.waitFor(timeoutMs: 2000) { $0 == .statsReady }
        let stats = try #require(b.latestStats())
        #expect(stats.reception.received >= UInt32(pcm.count / 160))
        a.close()
        b.close()
    }
}
