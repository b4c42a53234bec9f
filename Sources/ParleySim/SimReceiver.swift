import ParleyCodecs
import ParleyRTP
import ParleyRealtime

/// One received RTP packet of the bot's stream, as the receive thread hands it to the
/// event loop: its header fields, its arrival time, the kernel's receive time, and how
/// many decoded samples follow in `SimReceiver.samples`.
struct SimHeardPacket: BitwiseCopyable {
    var sequence: UInt16
    var timestamp: UInt32
    var ssrc: UInt32
    /// When the packet reached the caller (monotonic ns): the kernel's receive time moved
    /// onto the monotonic clock, so the receive thread's own wake-up delay (it reads in
    /// batches, `SimEngine.receiveIntervalMs`) does not count; the read time when the
    /// kernel gave no receive time.
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
/// `EventLoop` polled in batches and doing nothing else, so arrival times are not delayed
/// by recognition work): reads the datagram with the kernel's receive time
/// (`SimKernelReceive`), decodes PCMU/PCMA only for whom it concerns, and hands packet and
/// samples to the event loop through SPSC rings: `samples` when the call has a recognizer
/// (`decodesForRecognizer`), `botAudio` for the pacer's echo path when the line has echo
/// (`decodesForEcho`). A listen-only call on a clean line decodes nothing: its packets
/// are only measured.
///
/// Thread confinement: `receive()` runs on the receive thread only (it is the producer of
/// all three rings); the event loop is the consumer of `packets` and `samples`, the pacer
/// of `botAudio`. Scratch buffers are the receive thread's. That is the invariant behind
/// `@unchecked Sendable`. `receive()` does not allocate.
final class SimReceiver: @unchecked Sendable {
    let socket: UDPSocket
    /// `socket`'s descriptor, read once: the socket closes on the receive thread after
    /// its unregistration, so every `receive()` sees it open.
    let fd: Int32
    let packets = SPSCRing<SimHeardPacket>(capacity: 512)
    /// Decoded audio for the recognizer (4 s deep).
    let samples = SPSCRing<Int16>(capacity: 32_768)
    /// Decoded audio with its RTP timestamps for the echo path (1 s deep; the pacer's
    /// playout drops what is late).
    let botAudio = SPSCRing<SimBotSample>(capacity: 8_192)
    let decodesForRecognizer: Bool
    let decodesForEcho: Bool
    let kernel = SimKernelReceive(datagramBytes: 2_048)
    var pcm = [Int16](repeating: 0, count: 2_048)

    init(socket: UDPSocket, decodesForRecognizer: Bool = true, decodesForEcho: Bool = true) {
        self.socket = socket
        fd = socket.fileDescriptor
        self.decodesForRecognizer = decodesForRecognizer
        self.decodesForEcho = decodesForEcho
        _ = SimKernelReceive.enableTimestamps(fd: socket.fileDescriptor)
    }

    /// Reads one datagram (the handler of a level-triggered registration: a socket with
    /// more waiting is reported ready again in the same batch), its kernel receive time
    /// moved onto the monotonic clock by `clock` (this round's offset). Receive thread.
    func receive(clock: ArrivalClock) {
        _ = kernel.receive(fd: fd) { payload, truncated, kernelNs in
            guard !truncated else { return }
            guard let kernelNs else {
                let readNs = Monotonic.nowNs()
                packet(payload, arrivalNs: readNs, wireNs: readNs)
                return
            }
            packet(payload, arrivalNs: clock.arrivalNs(kernelNs: kernelNs), wireNs: kernelNs)
        }
    }

    func packet(_ datagram: Span<UInt8>, arrivalNs: UInt64, wireNs: UInt64) {
        guard let header = try? RTPHeader(parsing: datagram) else { return }
        let pt = header.payloadType
        var decoded = 0
        if pt == 0 || pt == 8, header.payloadLength > 0, decodesForRecognizer || decodesForEcho {
            let count = min(header.payloadLength, pcm.count)
            var out = pcm.mutableSpan
            let n = (try? G711.decode(pt == 8 ? .aLaw : .muLaw,
                                      datagram.extracting(header.payloadOffset..<(header.payloadOffset + count)),
                                      into: &out)) ?? 0
            if decodesForEcho {
                for i in 0..<n { _ = botAudio.tryPush(SimBotSample(timestamp: header.timestamp &+ UInt32(i), sample: pcm[i])) }
            }
            if decodesForRecognizer {
                for i in 0..<n {
                    if samples.tryPush(pcm[i]) { decoded += 1 }   // a full ring drops (counted by the ring)
                }
            }
        }
        _ = packets.tryPush(SimHeardPacket(
            sequence: header.sequenceNumber, timestamp: header.timestamp, ssrc: header.ssrc, arrivalNs: arrivalNs, wireNs: wireNs,
            payloadType: pt, marker: header.marker, payloadBytes: Int32(header.payloadLength), sampleCount: Int32(decoded)))
    }
}

extension SimReceiver {
    /// Moves the kernel's receive times (CLOCK_REALTIME) onto the monotonic clock with the
    /// two clocks' offset read once per receive round (`startRound`, every
    /// `SimEngine.receiveIntervalMs`), not twice per packet.
    ///
    /// Receive thread only (`startRound` and `arrivalNs` alike; it is created before that
    /// thread starts): the invariant behind `@unchecked Sendable`.
    final class ArrivalClock: @unchecked Sendable {
        /// CLOCK_REALTIME minus the monotonic clock at the round's start (ns, wrapping).
        private(set) var realtimeOffsetNs: UInt64 = 0
        /// The monotonic clock at the round's start.
        private(set) var roundStartNs: UInt64 = 0

        init() { startRound() }

        /// Reads both clocks: the offset for this round's packets.
        func startRound() {
            let monotonicNs = Monotonic.nowNs()
            realtimeOffsetNs = SimKernelReceive.realtimeNowNs() &- monotonicNs
            roundStartNs = monotonicNs
        }

        /// `kernelNs` (CLOCK_REALTIME) on the monotonic clock. A datagram arrives before it
        /// is read: one stamped after the round began (or so it seems after a wall-clock step
        /// forward) is at most now, and a wall-clock step back that would put it at or
        /// before the monotonic clock's origin leaves the monotonic now.
        func arrivalNs(kernelNs: UInt64) -> UInt64 {
            let arrivalNs = Int64(bitPattern: kernelNs &- realtimeOffsetNs)
            guard arrivalNs > 0 else { return Monotonic.nowNs() }
            guard UInt64(arrivalNs) > roundStartNs else { return UInt64(arrivalNs) }
            return min(UInt64(arrivalNs), Monotonic.nowNs())
        }
    }
}
