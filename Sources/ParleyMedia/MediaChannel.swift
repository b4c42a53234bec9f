import ParleyAudio
import ParleyCodecs
import ParleyRTP
import ParleyRealtime
import Synchronization

/// One call's media: its RTP/RTCP sockets, jitter buffer, codecs, listening pipeline,
/// prompt queue and the rings to the control plane. Built at setup (allocates), then
/// handed to one media thread, which alone runs `tick` (no allocation, lock, log or
/// await there). The control plane touches only the rings (`commands` as producer,
/// `events`/`recognizerAudio`/`stats` as consumer) and the immutable `let`s — the
/// ownership contract behind `@unchecked Sendable`.
public final class MediaChannel: @unchecked Sendable {
    public let id: UInt32
    public let configuration: MediaChannelConfiguration
    public let rtpSocket: UDPSocket
    public let rtcpSocket: UDPSocket
    public let prompts: PromptTable
    public let ssrc: UInt32
    let tickMs: Int

    // Rings to and from the control plane.
    let commands: SPSCRing<MediaCommand>
    let events: SPSCRing<MediaEvent>
    /// An event was emitted since the media thread last looked (media thread): it wakes
    /// the control plane after the tick.
    var emittedEvents = false
    let recognizerAudio: RecognizerAudioRing
    let stats: SPSCRing<MediaStatsSnapshot>

    // Codecs and audio stages.
    let encoder: AudioEncoder
    let decoder: AudioDecoder
    let upsampler: Resampler?
    let downsampler: Resampler?
    let pipeline: ListeningPipeline?
    var concealer: G711Concealer?

    // RTP state.
    var jitter: JitterBuffer
    var latch: SymmetricRTPLatch
    var reception = RTPReceptionStatistics()
    var eventReceiver = TelephoneEventReceiver()
    var eventSender: TelephoneEventSender
    var counters = MediaStatsSnapshot()
    var destination: SocketAddress?
    var cachedSource: SocketAddress?
    var cachedTransport = RTPTransportAddress(ipv4: 0, port: 0)
    var sequenceNumber: UInt16
    let timestampBase: UInt32
    var talkspurt = false
    var senderReport: RTCPSenderReport
    var cnameBytes: String

    // Time.
    let ticksPerPacket: Int
    let rtpSamplesPerTick: Int
    let pipelineSamplesPerTick: Int
    let pipelineSamplesPerPacket: Int
    /// Ticks this channel ran: the pipeline's time base (sample time of caller audio, the
    /// echo reference and the recognizer ring, `nowMs`). It does not jump over missed ticks.
    var tickCount: UInt64 = 0
    /// The media clock's tick index this channel last ran on (`clockTickKnown` once set).
    var clockTick: UInt64 = 0
    var clockTickKnown = false
    /// Clock ticks the thread skipped while this channel was attached: the send timeline
    /// (RTP timestamps) advances over them, the pipeline's time base does not.
    var missedClockTicks: UInt64 = 0
    var startNs: UInt64 = 0
    var lastRTPNs: UInt64 = 0
    var timedOut = false
    let ntpOffsetNs: UInt64
    var nextRTCPTick: UInt64

    // Playback.
    var queue = PromptQueue()
    var muted = false
    var stoppedByBargeIn: PromptSegment?

    // Audio buffers (setup-sized).
    var decoded: [Int16]       // one packet at the decoder's rate
    var caller: [Int16]        // one packet at the pipeline rate
    var played: [Int16]        // one packet at the pipeline rate, being prepared
    var sentAudio: [Int16]     // the packet's audio sent at the start of this packet slot
    var sentAudioValid = false
    // The next packet, encoded one tick ahead and sent at the start of its tick.
    var prepared: [UInt8]
    var preparedLength = 0
    var preparedPayloadBytes = 0
    var preparedHasAudio = false
    /// The prepared packet is an RFC 4733 event (its timestamp is the event's start, kept).
    var preparedIsEvent = false
    /// Playback events of the prepared packet, reported once it is sent.
    var preparedStart: MediaEvent?
    var preparedFinish: MediaEvent?
    /// `preparedStart` is the next file's, begun in the packet where `preparedFinish`'s file
    /// ran out: the finish is reported first.
    var preparedStartFollowsFinish = false
    var encodeInput: [Int16]   // one packet at the encoder's rate
    var silence: [Int16]
    let frame10Samples: Int

    init(id: UInt32, configuration c: MediaChannelConfiguration, tickMs: Int, rtpSocket: UDPSocket,
         rtcpSocket: UDPSocket, prompts: PromptTable, ssrc: UInt32, sequenceStart: UInt16,
         timestampBase: UInt32, ntpOffsetNs: UInt64) throws(MediaError) {
        guard c.ptimeMs >= tickMs, c.ptimeMs % tickMs == 0 else {
            throw MediaError(.invalidConfiguration, "ptime \(c.ptimeMs) ms is not a multiple of the \(tickMs) ms tick")
        }
        guard c.pipelineRateHz == 8000 || c.pipelineRateHz == 16000 else {
            throw MediaError(.invalidConfiguration, "pipeline rate \(c.pipelineRateHz) Hz")
        }
        guard prompts.sampleRateHz == c.pipelineRateHz else {
            throw MediaError(.invalidConfiguration, "prompt table at \(prompts.sampleRateHz) Hz, call at \(c.pipelineRateHz) Hz")
        }
        self.id = id
        self.configuration = c
        self.tickMs = tickMs
        self.rtpSocket = rtpSocket
        self.rtcpSocket = rtcpSocket
        self.prompts = prompts
        self.ssrc = ssrc
        self.sequenceNumber = sequenceStart
        self.timestampBase = timestampBase
        self.ntpOffsetNs = ntpOffsetNs
        self.cnameBytes = c.cname
        commands = SPSCRing(capacity: 16)
        events = SPSCRing(capacity: 64)
        recognizerAudio = RecognizerAudioRing(capacity: c.recognizerRingFrames)
        stats = SPSCRing(capacity: 2)
        do {
            var opus = OpusConfiguration()
            opus.sampleRateHz = c.pipelineRateHz
            encoder = try AudioEncoder(codec: c.codec, ptimeMs: c.ptimeMs, opus: opus)
            decoder = try AudioDecoder(codec: c.codec, ptimeMs: c.ptimeMs, opus: opus)
            if decoder.sampleRateHz != c.pipelineRateHz {
                upsampler = try Resampler(inputRateHz: decoder.sampleRateHz, outputRateHz: c.pipelineRateHz, quality: 3)
                downsampler = try Resampler(inputRateHz: c.pipelineRateHz, outputRateHz: encoder.sampleRateHz, quality: 3)
            } else {
                upsampler = nil
                downsampler = nil
            }
        } catch {
            throw MediaError(.codecFailed, "\(error)")
        }
        if let listening = c.listening {
            let p = ListeningPipeline(configuration: listening)
            do { try p.prepare(format: try AudioFormat(sampleRate: c.pipelineRateHz)) } catch {
                throw MediaError(.pipelineFailed, "\(error)")
            }
            pipeline = p
        } else {
            pipeline = nil
        }
        if c.codec != .opus { concealer = G711Concealer(frameSamples: decoder.samplesPerFrame) }
        var jb = c.jitterBuffer ?? JitterBufferConfiguration(clockRate: c.codec.rtpClockRateHz, frameMs: c.ptimeMs)
        jb.maxPayloadBytes = min(jb.maxPayloadBytes, c.codec.maxPayloadBytes(ptimeMs: c.ptimeMs))
        jitter = JitterBuffer(configuration: jb)
        latch = SymmetricRTPLatch(signalled: c.remote.map { Self.transport($0) }, payloadType: c.payloadType,
                                  telephoneEventPayloadType: c.telephoneEventPayloadType)
        destination = c.remote
        let increment = c.codec.rtpTimestampIncrement(ptimeMs: c.ptimeMs)
        eventSender = TelephoneEventSender(packetIntervalSamples: increment)
        ticksPerPacket = c.ptimeMs / tickMs
        rtpSamplesPerTick = c.codec.rtpClockRateHz * tickMs / 1000
        pipelineSamplesPerTick = c.pipelineRateHz * tickMs / 1000
        pipelineSamplesPerPacket = c.pipelineRateHz * c.ptimeMs / 1000
        frame10Samples = c.pipelineRateHz / 100
        nextRTCPTick = UInt64(max(1, c.rtcpIntervalMs / tickMs))
        senderReport = RTCPSenderReport(ssrc: ssrc, ntpTimestamp: 0, rtpTimestamp: 0, packetCount: 0, octetCount: 0,
                                        reportBlocks: [RTCPReportBlock(ssrc: 0, fractionLost: 0, cumulativeLost: 0,
                                                                       extendedHighestSequence: 0, jitter: 0, lastSR: 0,
                                                                       delaySinceLastSR: 0)])
        decoded = [Int16](repeating: 0, count: decoder.samplesPerFrame)
        caller = [Int16](repeating: 0, count: pipelineSamplesPerPacket + 8)
        played = [Int16](repeating: 0, count: pipelineSamplesPerPacket)
        sentAudio = [Int16](repeating: 0, count: pipelineSamplesPerPacket)
        prepared = [UInt8](repeating: 0, count: RTPHeader.fixedSize + max(encoder.maxPayloadBytes, 16))
        encodeInput = [Int16](repeating: 0, count: encoder.samplesPerFrame + 8)
        silence = [Int16](repeating: 0, count: max(pipelineSamplesPerPacket, encoder.samplesPerFrame))
    }

    /// The RTP transport address of a socket address (no allocation: per packet from a
    /// new source).
    static func transport(_ a: SocketAddress) -> RTPTransportAddress {
        let bits = a.addressHalves
        if a.family == .ipv4 { return RTPTransportAddress(ipv4: UInt32(truncatingIfNeeded: bits.low), port: a.port) }
        return RTPTransportAddress(ipv6High: bits.high, low: bits.low, port: a.port)
    }

    /// Called by the media thread when the channel joins it.
    func attach(nowNs: UInt64) {
        startNs = nowNs
        lastRTPNs = nowNs
    }

    @inline(__always)
    func emit(_ event: MediaEvent) {
        emittedEvents = true
        if !events.tryPush(event) { counters.eventsDropped &+= 1 }
    }

    /// Channel media time in ms.
    @inline(__always)
    var nowMs: Int64 { Int64(tickCount) * Int64(tickMs) }

    /// Outgoing RTP timestamp of the current tick.
    @inline(__always)
    var currentTimestamp: UInt32 { timestamp(ofTick: tickCount) }

    /// RFC 3550 §5.1: the timestamp follows the media clock, so the clock ticks the thread
    /// missed count too (`tick` is in this channel's own ticks).
    @inline(__always)
    func timestamp(ofTick tick: UInt64) -> UInt32 {
        timestampBase &+ UInt32(truncatingIfNeeded: (tick &+ missedClockTicks) &* UInt64(rtpSamplesPerTick))
    }

    func publishStats(isFinal: Bool = false) {
        var s = counters
        s.isFinal = isFinal
        s.reception = reception
        s.jitterBuffer = jitter.statistics
        s.ticks = tickCount
        s.durationMs = nowMs
        // A full ring means the control plane has not read the last two: drop the oldest view.
        if !stats.tryPush(s) { counters.eventsDropped &+= 1 }
    }

    /// Closes both sockets (control plane, after the channel left its thread).
    func closeSockets() {
        rtpSocket.close()
        rtcpSocket.close()
    }
}
