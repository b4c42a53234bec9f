/// The audio codecs Parley speaks on RTP, with the facts the RTP, SDP and media layers
/// need to select one: RTP clock rate, static payload type, SDP encoding name, and frame
/// arithmetic. PCM inside Parley is always 16-bit signed, mono.
public enum Codec: Sendable, Hashable, CaseIterable {
    /// G.711 μ-law (RFC 3551 §4.5.14, static payload type 0).
    case pcmu
    /// G.711 A-law (RFC 3551 §4.5.14, static payload type 8).
    case pcma
    /// Opus (RFC 7587: `opus/48000/2`, dynamic payload type).
    case opus

    /// Encoding name as written in an SDP `a=rtpmap` line.
    public var encodingName: String {
        switch self {
        case .pcmu: "PCMU"
        case .pcma: "PCMA"
        case .opus: "opus"
        }
    }

    /// RTP timestamp clock rate in Hz. Opus always uses 48 kHz on the wire (RFC 7587 §4.1),
    /// whatever rate it is encoded or decoded at.
    public var rtpClockRateHz: Int {
        switch self {
        case .pcmu, .pcma: 8000
        case .opus: 48000
        }
    }

    /// Channel count written in `a=rtpmap` (RFC 7587 requires 2 for Opus; the stream is
    /// still decoded as mono here).
    public var sdpChannelCount: Int {
        switch self {
        case .pcmu, .pcma: 1
        case .opus: 2
        }
    }

    /// The static RTP payload type (RFC 3551 table 4), or nil for codecs that need a
    /// dynamic one (96–127) negotiated in SDP.
    public var staticPayloadType: UInt8? {
        switch self {
        case .pcmu: 0
        case .pcma: 8
        case .opus: nil
        }
    }

    /// The payload type Parley offers by default: the static one, or 111 for Opus
    /// (the value most SIP peers and WebRTC stacks use).
    public var defaultPayloadType: UInt8 { staticPayloadType ?? 111 }

    /// The PCM sample rate the codec is natively decoded at when the call does not ask
    /// otherwise: 8 kHz for G.711, 48 kHz for Opus.
    public var nativeSampleRateHz: Int {
        switch self {
        case .pcmu, .pcma: 8000
        case .opus: 48000
        }
    }

    /// RTP timestamp increment per packet of `ptimeMs` milliseconds.
    public func rtpTimestampIncrement(ptimeMs: Int) -> Int { rtpClockRateHz * ptimeMs / 1000 }

    /// PCM samples in one frame of `ptimeMs` at the codec's native rate
    /// (160 for G.711 at 20 ms, 960 for Opus at 20 ms).
    public func samplesPerFrame(ptimeMs: Int) -> Int { nativeSampleRateHz * ptimeMs / 1000 }

    /// Largest payload one frame can produce: one byte per sample for G.711, and the
    /// RFC 6716 limit of 1,275 bytes for a single Opus frame.
    public func maxPayloadBytes(ptimeMs: Int) -> Int {
        switch self {
        case .pcmu, .pcma: samplesPerFrame(ptimeMs: ptimeMs)
        case .opus: 1275
        }
    }

    /// Looks a codec up by its SDP encoding name (case-insensitive, as RFC 4566 says).
    public init?(encodingName: String) {
        switch encodingName.lowercased() {
        case "pcmu": self = .pcmu
        case "pcma": self = .pcma
        case "opus": self = .opus
        default: return nil
        }
    }
}

/// The shape of PCM audio inside Parley: 16-bit signed, mono, at `sampleRateHz`.
public struct PCMFormat: Sendable, Hashable, CustomStringConvertible {
    public var sampleRateHz: Int
    public var channelCount: Int

    public init(sampleRateHz: Int, channelCount: Int = 1) {
        self.sampleRateHz = sampleRateHz
        self.channelCount = channelCount
    }

    public static let narrowband = PCMFormat(sampleRateHz: 8000)
    public static let wideband = PCMFormat(sampleRateHz: 16000)
    public static let fullband = PCMFormat(sampleRateHz: 48000)

    /// Samples (per channel) in a frame of `ptimeMs` milliseconds.
    public func samplesPerFrame(ptimeMs: Int) -> Int { sampleRateHz * ptimeMs / 1000 }

    /// Duration in milliseconds of `sampleCount` samples (per channel).
    public func durationMs(sampleCount: Int) -> Double { Double(sampleCount) * 1000 / Double(sampleRateHz) }

    public var description: String { "\(sampleRateHz) Hz, \(channelCount) ch, s16" }
}
