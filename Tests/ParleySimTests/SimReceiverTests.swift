import ParleyCodecs
import ParleyRTP
import ParleyRealtime
import Testing
@testable import ParleySim

/// The receive side of a call on real loopback sockets: it decodes the bot's audio only
/// for whom reads it, and a packet's arrival is when the kernel received it, not when the
/// receive thread got round to reading it.
@Suite struct SimReceiverTests {
    struct Pair {
        let bot: UDPSocket
        let caller: UDPSocket
        init() throws {
            bot = try UDPSocket.bind(to: #require(SocketAddress(host: "127.0.0.1", port: 0)))
            caller = try UDPSocket.bind(to: #require(SocketAddress(host: "127.0.0.1", port: 0)))
        }

        /// Sends one 20 ms PCMU packet of a ramp from the bot to the caller.
        func send(sequence: UInt16, timestamp: UInt32) {
            let samples = (0..<160).map { Int16($0 * 50 - 4_000) }
            let payload = samples.map { G711.encodeMuLaw($0) }
            var packet = [UInt8](repeating: 0, count: RTPHeader.fixedSize + 160)
            var bytes = packet.mutableSpan
            let size = RTPHeader(marker: false, payloadType: 0, sequenceNumber: sequence, timestamp: timestamp, ssrc: 7)
                .writePacket(into: &bytes, payload: payload.span)
            _ = bot.send(packet.span.extracting(0..<size), to: caller.localAddress)
        }

        /// Reads until `receiver` handed over a packet, up to 2 s: a receive round (the
        /// clocks' offset read once) every 1 ms, as the engine's receive thread every 2 ms.
        func read(_ receiver: SimReceiver, clock: SimReceiver.ArrivalClock = SimReceiver.ArrivalClock()) -> SimHeardPacket? {
            let deadline = Monotonic.nowNs() + 2_000_000_000
            while Monotonic.nowNs() < deadline {
                clock.startRound()
                receiver.receive(clock: clock)
                if let p = receiver.packets.tryPop() { return p }
                _ = Monotonic.sleep(untilNs: Monotonic.nowNs() + 1_000_000)
            }
            return nil
        }
    }

    /// A listen-only call on a clean line: no recognizer, no echo. Its packets are measured
    /// (header, arrival) but nothing is decoded into either ring.
    @Test func nothingDecodedWithoutReaders() throws {
        let pair = try Pair()
        defer { pair.bot.close(); pair.caller.close() }
        let receiver = SimReceiver(socket: pair.caller, decodesForRecognizer: false, decodesForEcho: false)
        pair.send(sequence: 10, timestamp: 1_600)
        let p = try #require(pair.read(receiver))
        #expect(p.sequence == 10 && p.timestamp == 1_600 && p.payloadBytes == 160 && p.sampleCount == 0)
        #expect(receiver.samples.tryPop() == nil && receiver.botAudio.tryPop() == nil)
    }

    /// Each reader gets the decoded audio only when it is there: the recognizer's ring
    /// (counted in the packet), the echo path's ring (with the samples' timestamps).
    @Test(arguments: [(true, false), (false, true), (true, true)])
    func decodedForItsReaders(readers: (recognizer: Bool, echo: Bool)) throws {
        let pair = try Pair()
        defer { pair.bot.close(); pair.caller.close() }
        let receiver = SimReceiver(socket: pair.caller, decodesForRecognizer: readers.recognizer, decodesForEcho: readers.echo)
        pair.send(sequence: 1, timestamp: 8_000)
        let p = try #require(pair.read(receiver))
        let expected = (0..<160).map { G711.decodeMuLaw(G711.encodeMuLaw(Int16($0 * 50 - 4_000))) }
        var heard: [Int16] = []
        while let s = receiver.samples.tryPop() { heard.append(s) }
        var echo: [SimBotSample] = []
        while let s = receiver.botAudio.tryPop() { echo.append(s) }
        #expect(p.sampleCount == (readers.recognizer ? 160 : 0))
        #expect(heard == (readers.recognizer ? expected : []))
        #expect(echo.map(\.sample) == (readers.echo ? expected : []))
        #expect(echo.map(\.timestamp) == (readers.echo ? (0..<160).map { 8_000 + UInt32($0) } : []))
    }

    /// Read 30 ms after it was sent, a packet still arrived when it was sent: the arrival
    /// time is the kernel's, moved onto the monotonic clock (the receive thread reads in
    /// batches, and its delay is not the bot's).
    @Test func arrivalIsTheKernelsReceiveTime() throws {
        let pair = try Pair()
        defer { pair.bot.close(); pair.caller.close() }
        let receiver = SimReceiver(socket: pair.caller, decodesForRecognizer: false, decodesForEcho: false)
        // The kernel turns receive stamping on for the system a little after the first
        // socket asks (deferred work); until then a datagram is stamped when it is read.
        // Probe until a datagram read 5 ms late carries an earlier stamp (at most 2 s).
        let probeDeadline = Monotonic.nowNs() + 2_000_000_000
        var stamping = false
        while !stamping, Monotonic.nowNs() < probeDeadline {
            pair.send(sequence: 0, timestamp: 0)
            _ = Monotonic.sleep(untilNs: Monotonic.nowNs() + 5_000_000)
            let probeReadNs = Monotonic.nowNs()
            if let probe = pair.read(receiver) { stamping = probe.arrivalNs + 4_000_000 <= probeReadNs }
        }
        try #require(stamping, "the kernel never stamped a datagram on arrival")
        let beforeSendNs = Monotonic.nowNs()
        pair.send(sequence: 1, timestamp: 0)
        let afterSendNs = Monotonic.nowNs()
        _ = Monotonic.sleep(untilNs: afterSendNs + 30_000_000)   // the read comes late on purpose
        let readNs = Monotonic.nowNs()
        let p = try #require(pair.read(receiver))
        #expect(p.arrivalNs + 20_000_000 <= readNs, "arrival \(Int64(readNs) - Int64(p.arrivalNs)) ns before the read")
        // Within the send call (the kernel stamps a loopback datagram in the sender's
        // system call), give or take 1 ms for reading the two clocks apart.
        #expect(p.arrivalNs + 1_000_000 >= beforeSendNs && p.arrivalNs <= afterSendNs + 1_000_000,
                "arrival \(Int64(p.arrivalNs) - Int64(beforeSendNs)) ns after the send began")
    }

    /// A receive time is moved onto the monotonic clock by the round's offset; a stamp that
    /// a wall-clock step would put at or before the monotonic clock's origin, or after the
    /// read, gives the read time instead (never a zero, wrapped or future arrival).
    @Test func arrivalStaysOnTheMonotonicClockAcrossAWallClockStep() {
        let clock = SimReceiver.ArrivalClock()
        clock.startRound()
        let beforeNs = Monotonic.nowNs()
        let realtimeNs = SimKernelReceive.realtimeNowNs()
        // 10 ms ago on the wall clock: 10 ms ago on the monotonic clock.
        let arrivalNs = clock.arrivalNs(kernelNs: realtimeNs - 10_000_000)
        #expect(arrivalNs + 9_000_000 <= beforeNs && arrivalNs + 12_000_000 >= beforeNs,
                "arrival \(Int64(beforeNs) - Int64(arrivalNs)) ns before now")
        // Stamped before the wall clock's step forward, read after it: before the monotonic origin.
        let stepped = clock.arrivalNs(kernelNs: clock.realtimeOffsetNs / 2)
        #expect(stepped >= beforeNs && stepped <= Monotonic.nowNs())
        // Stamped after a step back past the monotonic origin (wraps below zero).
        let wrapped = clock.arrivalNs(kernelNs: 0)
        #expect(wrapped >= beforeNs && wrapped <= Monotonic.nowNs())
        // Stamped an hour ahead (the wall clock stepped forward within the round): at most now.
        let ahead = clock.arrivalNs(kernelNs: realtimeNs + 3_600_000_000_000)
        #expect(ahead >= beforeNs && ahead <= Monotonic.nowNs())
    }
}
