import ParleyCodecs
import ParleyRTP
import ParleyRealtime
import Testing
@testable import ParleySim

/// The caller's outgoing stream, on real loopback sockets: what a listening caller sends
/// on a clean line (the silence payload encoded once), that speech still goes through the
/// encoder, and that a line with noise still adds it to a silent frame.
@Suite struct SimMediaStreamTests {
    /// A caller socket sending to a bot socket; `connected` as the engine does after the answer.
    struct Pair {
        let caller: UDPSocket
        let bot: UDPSocket
        init(connected: Bool) throws {
            caller = try UDPSocket.bind(to: #require(SocketAddress(host: "127.0.0.1", port: 0)))
            bot = try UDPSocket.bind(to: #require(SocketAddress(host: "127.0.0.1", port: 0)))
            if connected { try caller.connect(to: bot.localAddress) }
        }

        func stream(law: G711.Law, line: LineConfiguration = LineConfiguration(), connected: Bool,
                    clips: [[Int16]] = []) -> SimMediaStream {
            SimMediaStream(socket: caller, remote: bot.localAddress, connected: connected, payloadType: law == .aLaw ? 8 : 0,
                           law: law, telephoneEventPayloadType: 101, botAudio: SPSCRing<SimBotSample>(capacity: 16),
                           clips: SimClips(clips: clips, indexByPath: [:]), line: line, seed: 3)
        }

        /// The next datagram on the bot socket, waiting up to 2 s for it.
        func nextPacket() throws -> [UInt8] {
            var buffer = [UInt8](repeating: 0, count: 2_048)
            let deadline = Monotonic.nowNs() + 2_000_000_000
            while Monotonic.nowNs() < deadline {
                var span = buffer.mutableSpan
                switch bot.receive(into: &span) {
                case .datagram(let n, _, _): return Array(buffer[0..<n])
                case .wouldBlock: _ = Monotonic.sleep(untilNs: Monotonic.nowNs() + 1_000_000)
                case .failed(let errno): throw SocketTestError(message: "receive failed: errno \(errno)")
                }
            }
            throw SocketTestError(message: "no datagram within 2 s")
        }
    }

    /// A listening caller on a clean line sends digital silence of its law (μ-law 0xFF,
    /// A-law 0xD5, as the encoder makes it), with the stream's sequence and clock.
    @Test(arguments: [(G711.Law.muLaw, UInt8(0xFF)), (G711.Law.aLaw, UInt8(0xD5))], [true, false])
    func silenceOnACleanLine(law: (G711.Law, UInt8), connected: Bool) throws {
        let pair = try Pair(connected: connected)
        defer { pair.caller.close(); pair.bot.close() }
        let stream = pair.stream(law: law.0, connected: connected)
        var headers: [RTPHeader] = []
        for tick in 0..<3 {
            stream.tick(nowNs: UInt64(tick) * 20_000_000)
            let bytes = try pair.nextPacket()
            let header = try RTPHeader(parsing: bytes.span)
            #expect(header.payloadLength == 160)
            #expect(bytes[header.payloadOffset...].allSatisfy { $0 == law.1 }, "tick \(tick)")
            var encoded = [UInt8](repeating: 0, count: 1)
            var out = encoded.mutableSpan
            _ = try G711.encode(law.0, [Int16(0)].span, into: &out)
            #expect(encoded[0] == law.1)
            headers.append(header)
        }
        #expect(headers.map(\.marker) == [true, false, false])
        #expect(headers[1].sequenceNumber == headers[0].sequenceNumber &+ 1 && headers[2].sequenceNumber == headers[1].sequenceNumber &+ 1)
        #expect(headers[1].timestamp == headers[0].timestamp &+ 160 && headers[2].timestamp == headers[1].timestamp &+ 160)
        #expect(stream.packetsSent.load(ordering: .relaxed) == 3 && stream.sendFailures.load(ordering: .relaxed) == 0)
    }

    /// Speech on a clean line is the recording, encoded: the silence payload is only for
    /// ticks with nothing to say (the frame after the clip's end is silence again).
    @Test func speechIsEncodedOnACleanLine() throws {
        let pair = try Pair(connected: true)
        defer { pair.caller.close(); pair.bot.close() }
        let clip = (0..<200).map { Int16(truncatingIfNeeded: ($0 * 97) % 4_000 - 2_000) }
        let stream = pair.stream(law: .muLaw, connected: true, clips: [clip])
        #expect(stream.commands.tryPush(.play(clip: 0, notify: false)))
        var payloads: [[UInt8]] = []
        for tick in 0..<3 {
            stream.tick(nowNs: UInt64(tick) * 20_000_000)
            let bytes = try pair.nextPacket()
            payloads.append(Array(bytes[RTPHeader.fixedSize...]))
        }
        let padded = clip + [Int16](repeating: 0, count: 120)
        #expect(payloads[0] == padded[0..<160].map { G711.encodeMuLaw($0) })
        #expect(payloads[1] == padded[160..<320].map { G711.encodeMuLaw($0) })
        #expect(payloads[2].allSatisfy { $0 == 0xFF })
    }

    /// A silent caller on a noisy line sends the line's noise, not digital silence.
    @Test func noiseIsAddedToASilentFrame() throws {
        let pair = try Pair(connected: true)
        defer { pair.caller.close(); pair.bot.close() }
        let line = LineConfiguration(noise: LineConfiguration.Noise(kind: .white, snrDb: 10))
        let stream = pair.stream(law: .muLaw, line: line, connected: true)
        stream.tick(nowNs: 0)
        let bytes = try pair.nextPacket()
        let distinct = Set(bytes[RTPHeader.fixedSize...])
        #expect(distinct.count > 10, "noise payload has \(distinct.count) distinct codes")
    }
}

extension SimMediaStreamTests {
    /// The bot's RTP port went away: the kernel refuses the connected stream's sends
    /// (ECONNREFUSED from the port-unreachable answer), and they count as failures, not as
    /// a full send buffer.
    @Test func aRefusedSendIsAFailureNotAWouldBlock() throws {
        let pair = try Pair(connected: true)
        defer { pair.caller.close() }
        pair.bot.close()
        let stream = pair.stream(law: .muLaw, connected: true)
        for tick in 0..<5 { stream.tick(nowNs: UInt64(tick) * 20_000_000) }
        let sent = stream.packetsSent.load(ordering: .relaxed)
        let failures = stream.sendFailures.load(ordering: .relaxed)
        #expect(sent + failures == 5)
        #expect(failures >= 1, "no send refused (\(sent) sent)")
        #expect(stream.sendWouldBlocks.load(ordering: .relaxed) == 0)
    }
}

struct SocketTestError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
