@testable import ParleyMedia
import ParleyCodecs
import ParleyRTP
import ParleyRealtime
import Testing

/// RFC 3550 §5.1: the RTP timestamp follows the media clock. When the media thread skips
/// deadlines (it woke too late for them, RealtimeThread.Tick.index jumps), the packets
/// after the gap carry their real send time and the prompt goes on where it was.
/// The channel is driven tick by tick as MediaThread.Runner does, with injected clock
/// indices, so the gap is exact and the test does not depend on timing.
@Suite struct MediaChannelClockTests {
    static let timestampBase: UInt32 = 0xFFFF_F000   // wraps during the test

    /// A PCMU channel (8 kHz RTP clock) sending to `peer`, with nothing periodic but the packets.
    static func channel(tickMs: Int, peer: TestPeer, prompts: PromptTable) throws -> MediaChannel {
        let configuration = MediaChannelConfiguration(codec: .pcmu, telephoneEventPayloadType: 101, remote: peer.address,
                                                      mediaTimeoutMs: 0, listening: nil, rtcpIntervalMs: 3_600_000)
        let channel = try MediaChannel(
            id: 1, configuration: configuration, tickMs: tickMs,
            rtpSocket: try UDPSocket.bind(to: .ipv4Loopback(port: 0)),
            rtcpSocket: try UDPSocket.bind(to: .ipv4Loopback(port: 0)), prompts: prompts, ssrc: 0x5EED,
            sequenceStart: 65530, timestampBase: timestampBase, ntpOffsetNs: 0)
        channel.attach(nowNs: Monotonic.nowNs())
        return channel
    }

    /// Runs one media tick on the clock's tick `index`: send phase, then the channel's work.
    static func run(_ channel: MediaChannel, _ scratch: MediaThreadScratch, index: UInt64) {
        scratch.tickIndex = index
        scratch.nowNs = Monotonic.nowNs()
        channel.sendPhase(scratch)
        channel.tick(scratch)
    }

    /// Clock indices of a run of `before` ticks, a gap of `missed` skipped deadlines, and `after` ticks.
    static func clock(from first: UInt64, before: Int, missed: Int, after: Int) -> [UInt64] {
        (0..<UInt64(before)).map { first + $0 } + (0..<UInt64(after)).map { first + UInt64(before + missed) + $0 }
    }

    static func rtp(_ datagrams: [[UInt8]]) -> [(header: RTPHeader, payload: [UInt8])] {
        datagrams.compactMap { d in
            guard let h = try? RTPHeader(parsing: d.span) else { return nil }
            return (h, Array(d[h.payloadOffset..<(h.payloadOffset + h.payloadLength)]))
        }
    }

    /// `before` ticks run before the gap: with 10 ms ticks and 20 ms packets, 20 puts the
    /// gap between preparing a packet and sending it (the prepared packet is restamped),
    /// 21 puts it after a send (the next packet is prepared after the gap).
    @Test(arguments: [(10, 20, 3), (10, 21, 3), (10, 20, 4), (10, 21, 1), (20, 10, 5)])
    func promptPacketsAfterAGapCarryTheirSendTime(tickMs: Int, before: Int, missed: Int) throws {
        let peer = try TestPeer()
        let tone = MediaFixtures.tone(hz: 440, ms: 2000)
        let prompts = PromptTable(sampleRateHz: 8000, entries: [
            try PromptTable.entry(name: "tone", samples: tone, sampleRateHz: 8000),
        ])
        let channel = try Self.channel(tickMs: tickMs, peer: peer, prompts: prompts)
        defer { channel.closeSockets() }
        let scratch = try MediaThreadScratch()
        #expect(channel.commands.tryPush(.play(prompt: 0, bargeIn: .off, startMs: 0, replace: false)))
        let indices = Self.clock(from: 7_000, before: before, missed: missed, after: 30)
        for index in indices { Self.run(channel, scratch, index: index) }

        let ticksPerPacket = 20 / tickMs
        let samplesPerTick = 8 * tickMs
        // The channel sends on every packet slot of the ticks it ran, the first packet in the
        // first tick (nothing was to go out: the play command waiting starts it in the send
        // phase), the others prepared in the tick before their send.
        let sendTicks = stride(from: 0, to: indices.count, by: ticksPerPacket).map { indices[$0] }
        let packets = Self.rtp(peer.drain())
        try #require(packets.count == sendTicks.count, "sent \(packets.count), expected \(sendTicks.count)")
        let encoder = try AudioEncoder(codec: .pcmu)
        for (k, packet) in packets.enumerated() {
            #expect(packet.header.sequenceNumber == UInt16(truncatingIfNeeded: 65530 + k))
            // The timestamp is the send tick's, on the clock (gap included).
            let sinceFirstTick = sendTicks[k] - indices[0]
            let expected = Self.timestampBase &+ UInt32(truncatingIfNeeded: sinceFirstTick * UInt64(samplesPerTick))
            #expect(packet.header.timestamp == expected,
                    "packet \(k) sent on clock tick \(sendTicks[k]): timestamp \(packet.header.timestamp), expected \(expected)")
            // The prompt goes on where it was: packet k carries the prompt's k-th 20 ms.
            var payload = [UInt8](repeating: 0, count: 160)
            _ = try encoder.encode(Array(tone[(k * 160)..<(k * 160 + 160)]), into: &payload)
            #expect(packet.payload == payload, "packet \(k) is not the prompt's frame \(k)")
        }
        // The pipeline's time base counts the ticks that ran, not the clock.
        #expect(channel.tickCount == UInt64(indices.count))
    }

    /// An RFC 4733 event started after a gap is stamped with the clock's time, not the
    /// channel's count of ticks run.
    @Test func dtmfAfterAGapCarriesTheClocksTimestamp() throws {
        let peer = try TestPeer()
        let channel = try Self.channel(tickMs: 20, peer: peer, prompts: PromptTable(sampleRateHz: 8000, entries: []))
        defer { channel.closeSockets() }
        let scratch = try MediaThreadScratch()
        let indices = Self.clock(from: 500, before: 5, missed: 7, after: 12)
        for (i, index) in indices.enumerated() {
            if i == 8 { #expect(channel.commands.tryPush(.sendDTMF(event: 4, durationMs: 100))) }
            Self.run(channel, scratch, index: index)
        }
        let events = Self.rtp(peer.drain()).filter { $0.header.payloadType == 101 }
        try #require(!events.isEmpty, "no telephone-event packets")
        // The command is applied in the tick that pops it (ticks run: index 8 of the list).
        let expected = Self.timestampBase &+ UInt32(truncatingIfNeeded: (indices[8] - indices[0]) * 160)
        #expect(events.allSatisfy { $0.header.timestamp == expected },
                "event timestamps \(Set(events.map(\.header.timestamp))), expected \(expected)")
    }

    /// A prompt asked for between ticks (the control plane's answer to the end of the
    /// caller's turn) goes out in the next tick's packet: the packet is prepared in the send
    /// phase when nothing else was to go out. Before, it was prepared at the end of that
    /// tick and sent a packet time (20 ms) later. With 10 ms ticks a command popped on a
    /// tick that sends nothing is prepared in it, for the next slot, as before.
    @Test(arguments: [(20, 5, 5), (10, 6, 6), (10, 7, 8)])
    func aPromptAskedForBetweenTicksGoesOutInTheNextTick(tickMs: Int, askedBeforeTick: Int, firstSendTick: Int) throws {
        let peer = try TestPeer()
        let prompts = PromptTable(sampleRateHz: 8000, entries: [
            try PromptTable.entry(name: "tone", samples: MediaFixtures.tone(hz: 440, ms: 200), sampleRateHz: 8000),
        ])
        let channel = try Self.channel(tickMs: tickMs, peer: peer, prompts: prompts)
        defer { channel.closeSockets() }
        let scratch = try MediaThreadScratch()
        for index in 0..<UInt64(20) {
            if index == askedBeforeTick {
                #expect(channel.commands.tryPush(.play(prompt: 0, bargeIn: .off, startMs: 0, replace: false)))
            }
            Self.run(channel, scratch, index: 100 + index)
        }
        let packets = Self.rtp(peer.drain())
        let first = try #require(packets.first, "nothing sent")
        let samplesPerTick = UInt32(8 * tickMs)
        #expect(first.header.timestamp == Self.timestampBase &+ UInt32(firstSendTick) * samplesPerTick,
                "first packet stamped \(first.header.timestamp &- Self.timestampBase), expected tick \(firstSendTick)")
        #expect(first.header.marker)
        var started: [Int64] = []
        while let event = channel.events.tryPop() {
            if case let .promptStarted(_, _, atMs) = event { started.append(atMs) }
        }
        #expect(started == [Int64(firstSendTick * tickMs)])
        // The packets that follow keep the 20 ms grid.
        for (k, packet) in packets.enumerated().dropFirst() {
            #expect(packet.header.timestamp == first.header.timestamp &+ UInt32(k * 160))
        }
    }
}
