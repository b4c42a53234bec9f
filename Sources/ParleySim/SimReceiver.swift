import ParleyCodecs
import ParleyRTP
import ParleyRealtime

/// One received RTP packet of the bot's stream, as the receive thread hands it to the
/// event loop: its header fields, its arrival time (monotonic ns, read right after the
/// datagram left the socket), the kernel's receive time, and how many decoded samples
/// follow in `SimReceiver.samples`.
struct SimHeardPacket: BitwiseCopyable {
    var sequence: UInt16
    var timestamp: UInt32
    var ssrc: UInt32
    var arrivalNs: UInt64
    /// When the kernel received it (CLOCK_REALTIME ns, SO_TIMESTAMPNS), else `arrivalNs`:
    /// only differences are used (pacing error, jitter), so the clock's origin does not matter.
    var wireNs: UInt64
    var payloadType: UInt8
    var marker: Bool
    var payloadBytes: Int32
    /// G.711 samples pushed to `samples` just before this packet (0 for non-audio).
    var sampleCount: Int32
}

/// One decoded sample of the bot's stream and its RTP timestamp, for the echo path.
struct SimBotSample: BitwiseCopyable {
    var timestamp: UInt32
    var sample: Int16
}

/// The receive side of one call's RTP socket, run on the simulator's receive thread (an
/// `EventLoop` doing nothing else, so arrival times are not delayed by recognition work):
/// reads every datagram with the kernel's receive time (`SimKernelReceive`), decodes PCMU/PCMA, and hands packet and samples
/// to the event loop through SPSC rings; the decoded audio also goes to the pacer's echo
/// path (`botAudio`).
///
/// Thread confinement: `receive()` runs on the receive thread only (it is the producer of
/// all three rings); the event loop is the consumer of `packets` and `samples`, the pacer
/// of `botAudio`. Scratch buffers are the receive thread's. That is the invariant behind
/// `@unchecked Sendable`. `receive()` does not allocate.
final class SimReceiver: @unchecked Sendable {
    let socket: UDPSocket
    let packets = SPSCRing<SimHeardPacket>(capacity: 512)
    /// Decoded audio for the recognizer (4 s deep).
    let samples = SPSCRing<Int16>(capacity: 32_768)
    /// Decoded audio with its RTP timestamps for the echo path (1 s deep; the pacer's
    /// playout drops what is late).
    let botAudio = SPSCRing<SimBotSample>(capacity: 8_192)
    let kernel = SimKernelReceive(datagramBytes: 2_048)
    var pcm = [Int16](repeating: 0, count: 2_048)

    init(socket: UDPSocket) {
        self.socket = socket
        _ = SimKernelReceive.enableTimestamps(fd: socket.fileDescriptor)
    }

    /// Reads everything waiting (level-triggered handler). Receive thread.
    func receive() {
        let fd = socket.fileDescriptor
        while kernel.receive(fd: fd, { payload, truncated, kernelNs in
            let arrivalNs = Monotonic.nowNs()
            if !truncated { packet(payload, arrivalNs: arrivalNs, wireNs: kernelNs ?? arrivalNs) }
        }) {}
    }

    func packet(_ datagram: Span<UInt8>, arrivalNs: UInt64, wireNs: UInt64) {
        guard let header = try? RTPHeader(parsing: datagram) else { return }
        let pt = header.payloadType
        var decoded = 0
        if pt == 0 || pt == 8, header.payloadLength > 0 {
            let count = min(header.payloadLength, pcm.count)
            var out = pcm.mutableSpan
            let n = (try? G711.decode(pt == 8 ? .aLaw : .muLaw,
                                      datagram.extracting(header.payloadOffset..<(header.payloadOffset + count)),
                                      into: &out)) ?? 0
            for i in 0..<n {
                _ = botAudio.tryPush(SimBotSample(timestamp: header.timestamp &+ UInt32(i), sample: pcm[i]))
                if samples.tryPush(pcm[i]) { decoded += 1 }   // a full ring drops (counted by the ring)
            }
        }
        _ = packets.tryPush(SimHeardPacket(
            sequence: header.sequenceNumber, timestamp: header.timestamp, ssrc: header.ssrc, arrivalNs: arrivalNs, wireNs: wireNs,
            payloadType: pt, marker: header.marker, payloadBytes: Int32(header.payloadLength), sampleCount: Int32(decoded)))
    }
}
