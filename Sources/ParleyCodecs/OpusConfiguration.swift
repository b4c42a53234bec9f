/// Settings of an Opus encoder or decoder. PCM is mono 16-bit at `sampleRateHz`
/// (8, 16 or 48 kHz); frames are `frameDurationMs` long (10, 20, 40 or 60 ms; 20 by default).
public struct OpusConfiguration: Sendable, Hashable {
    public var sampleRateHz: Int
    public var frameDurationMs: Int
    /// Target bitrate in bits per second (6,000 … 510,000).
    public var bitrateBps: Int
    /// Encoder complexity 0 (cheapest) … 10 (best).
    public var complexity: Int
    /// Put forward error correction (LBRR) for the previous frame into each packet, so a
    /// receiver can rebuild a lost frame from the next packet.
    public var inbandFEC: Bool
    /// Expected packet loss in percent (0 … 100); the encoder only spends bits on FEC
    /// when this is above zero.
    public var expectedPacketLossPercent: Int
    /// Discontinuous transmission: send almost nothing during silence.
    public var dtx: Bool
    /// What the encoder is tuned for.
    public var application: Application

    /// libopus's coding modes, as `OPUS_APPLICATION_*` names them.
    public enum Application: Sendable, Hashable {
        /// Speech over a lossy network: SILK (linear prediction), lowest bitrate for
        /// intelligible voice, FEC available. The default for calls.
        case voip
        /// Waveform fidelity (CELT at higher bitrates): for prompts with music or when
        /// bandwidth is plentiful. In-band FEC only exists in SILK frames.
        case audio
    }

    public init(
        sampleRateHz: Int = 16000,
        frameDurationMs: Int = 20,
        bitrateBps: Int = 24000,
        complexity: Int = 5,
        inbandFEC: Bool = true,
        expectedPacketLossPercent: Int = 10,
        dtx: Bool = false,
        application: Application = .voip
    ) {
        self.sampleRateHz = sampleRateHz
        self.frameDurationMs = frameDurationMs
        self.bitrateBps = bitrateBps
        self.complexity = complexity
        self.inbandFEC = inbandFEC
        self.expectedPacketLossPercent = expectedPacketLossPercent
        self.dtx = dtx
        self.application = application
    }

    /// Sample rates Parley runs Opus at.
    public static let supportedSampleRatesHz: Set<Int> = [8000, 16000, 48000]

    /// PCM samples in one frame.
    public var samplesPerFrame: Int { sampleRateHz * frameDurationMs / 1000 }

    /// RTP timestamp increment per frame (RFC 7587: the clock is 48 kHz whatever the rate).
    public var rtpTimestampIncrement: Int { 48 * frameDurationMs }

    /// Largest packet one frame produces (RFC 6716 §3.4: 1,275 bytes per frame).
    public static let maxPacketBytes = 1275

    /// Checks every field; throws `.unsupportedSampleRate` or `.invalidConfiguration`.
    public func validate() throws(CodecError) {
        guard Self.supportedSampleRatesHz.contains(sampleRateHz) else { throw CodecError(.unsupportedSampleRate) }
        guard [10, 20, 40, 60].contains(frameDurationMs),
              (6000...510_000).contains(bitrateBps),
              (0...10).contains(complexity),
              (0...100).contains(expectedPacketLossPercent)
        else { throw CodecError(.invalidConfiguration) }
    }
}
