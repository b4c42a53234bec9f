/// One encoder for any `Codec`, dispatched on an enum (no existential, no allocation per
/// call). Takes one frame of mono 16-bit PCM at `sampleRateHz` and writes one RTP payload.
///
/// G.711 runs at 8 kHz and accepts any sample count; Opus runs at its configured rate and
/// takes exactly `samplesPerFrame` samples. Resampling to and from the call's rate is the
/// caller's job (`Resampler`).
public struct AudioEncoder: Sendable {
    enum Engine: Sendable {
        case g711(G711.Law)
        case opus(OpusEncoder)
    }

    let engine: Engine
    public let codec: Codec
    public let ptimeMs: Int
    /// PCM rate the encoder takes.
    public let sampleRateHz: Int

    /// `opus` is used only for `.opus`; its `frameDurationMs` is replaced by `ptimeMs`.
    public init(codec: Codec, ptimeMs: Int = 20, opus: OpusConfiguration = OpusConfiguration()) throws(CodecError) {
        guard ptimeMs > 0, ptimeMs <= 120 else { throw CodecError(.invalidConfiguration) }
        self.codec = codec
        self.ptimeMs = ptimeMs
        switch codec {
        case .pcmu, .pcma:
            engine = .g711(codec == .pcmu ? .muLaw : .aLaw)
            sampleRateHz = 8000
        case .opus:
            var configuration = opus
            configuration.frameDurationMs = ptimeMs
            engine = .opus(try OpusEncoder(configuration))
            sampleRateHz = configuration.sampleRateHz
        }
    }

    /// PCM samples in one frame.
    public var samplesPerFrame: Int { sampleRateHz * ptimeMs / 1000 }

    /// A payload buffer of this size always suffices for one frame.
    public var maxPayloadBytes: Int {
        switch engine {
        case .g711: samplesPerFrame
        case .opus: OpusConfiguration.maxPacketBytes
        }
    }

    /// Encodes one frame into `payload` from index `offset` on (0, or after an RTP header
    /// in a packet buffer); returns the encoded byte count.
    public func encode(
        _ pcm: Span<Int16>, into payload: inout MutableSpan<UInt8>, at offset: Int = 0
    ) throws(CodecError) -> Int {
        switch engine {
        case .g711(let law): try G711.encode(law, pcm, into: &payload, at: offset)
        case .opus(let encoder): try encoder.encode(pcm, into: &payload, at: offset)
        }
    }

    /// Encodes one frame into an array (which keeps its size) from index `offset` on.
    public func encode(_ pcm: Span<Int16>, into payload: inout [UInt8], at offset: Int = 0) throws(CodecError) -> Int {
        var output = payload.mutableSpan
        return try encode(pcm, into: &output, at: offset)
    }

    /// Encodes the whole of `pcm` (one frame) into an array from index `offset` on.
    public func encode(_ pcm: [Int16], into payload: inout [UInt8], at offset: Int = 0) throws(CodecError) -> Int {
        var output = payload.mutableSpan
        return try encode(pcm.span, into: &output, at: offset)
    }

    /// Forgets the stream's history (Opus); nothing for G.711.
    public func reset() {
        if case .opus(let encoder) = engine { encoder.reset() }
    }
}
