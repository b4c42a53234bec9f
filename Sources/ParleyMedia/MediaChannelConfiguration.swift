import ParleyAudio
import ParleyCodecs
import ParleyRTP
import ParleyRealtime

/// What a channel needs from the negotiated SDP and the call's settings, as plain values.
public struct MediaChannelConfiguration: Sendable {
    public var codec: Codec
    /// Payload type of the codec as negotiated (0 PCMU, 8 PCMA, dynamic for Opus).
    public var payloadType: UInt8
    /// Negotiated `telephone-event` payload type, nil when none.
    public var telephoneEventPayloadType: UInt8?
    /// Packetization time; a multiple of the engine's tick.
    public var ptimeMs: Int
    /// Where SDP says to send RTP until symmetric RTP latches (nil: wait for the peer).
    public var remote: SocketAddress?
    /// No RTP for this long → `mediaTimeout` (0 disables).
    public var mediaTimeoutMs: Int
    /// The listening pipeline (echo canceller, VAD, barge-in, endpointing); nil runs
    /// without it (decoded audio goes to the recognizer ring as is, no barge-in).
    public var listening: ListeningConfiguration?
    /// PCM rate of the pipeline, the recognizer ring and the prompt table (8000 or 16000).
    public var pipelineRateHz: Int
    /// nil: defaults for the codec and ptime.
    public var jitterBuffer: JitterBufferConfiguration?
    /// Send silence packets while no prompt plays (keeps NAT bindings and peers' timers fed).
    public var sendSilenceWhenIdle: Bool
    public var rtcpIntervalMs: Int
    public var cname: String
    /// Capacity of the recognizer ring in 10 ms frames.
    public var recognizerRingFrames: Int
    /// Opus: rebuild a lost frame from the next packet's in-band FEC when that packet has
    /// arrived (else, and when false, the decoder's PLC).
    public var opusFECOnLoss: Bool = true

    public init(codec: Codec, payloadType: UInt8? = nil, telephoneEventPayloadType: UInt8? = 101, ptimeMs: Int = 20,
                remote: SocketAddress? = nil, mediaTimeoutMs: Int = 30_000,
                listening: ListeningConfiguration? = ListeningConfiguration(), pipelineRateHz: Int = 8000,
                jitterBuffer: JitterBufferConfiguration? = nil, sendSilenceWhenIdle: Bool = false,
                rtcpIntervalMs: Int = 5000, cname: String = "parley", recognizerRingFrames: Int = 32) {
        self.codec = codec
        self.payloadType = payloadType ?? codec.defaultPayloadType
        self.telephoneEventPayloadType = telephoneEventPayloadType
        self.ptimeMs = ptimeMs
        self.remote = remote
        self.mediaTimeoutMs = mediaTimeoutMs
        self.listening = listening
        self.pipelineRateHz = pipelineRateHz
        self.jitterBuffer = jitterBuffer
        self.sendSilenceWhenIdle = sendSilenceWhenIdle
        self.rtcpIntervalMs = rtcpIntervalMs
        self.cname = cname
        self.recognizerRingFrames = recognizerRingFrames
    }
}
