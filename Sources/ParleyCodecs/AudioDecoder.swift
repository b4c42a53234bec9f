/// One decoder for any `Codec`, dispatched on an enum (no existential, no allocation per
/// call). Turns one RTP payload into mono 16-bit PCM at `sampleRateHz`, conceals lost
/// packets, and recovers a lost Opus frame from the next packet's FEC data.
public struct AudioDecoder: Sendable {
    enum Engine: Sendable {
        case g711(G711.Law)
        case opus(OpusDecoder)
    }

    let engine: Engine
    public let codec: Codec
    public let ptimeMs: Int
    /// PCM rate the decoder produces.
    public let sampleRateHz: Int

    /// `opus` is used only for `.opus` (its rate; `frameDurationMs` is replaced by `ptimeMs`).
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
            engine = .opus(try OpusDecoder(configuration))
            sampleRateHz = configuration.sampleRateHz
        }
    }

    /// PCM samples in one frame.
    public var samplesPerFrame: Int { sampleRateHz * ptimeMs / 1000 }

    /// Whether `decodeFEC` can rebuild a lost frame (Opus only).
    public var supportsFEC: Bool {
        if case .opus = engine { return true }
        return false
    }

    /// Decodes one payload; returns the sample count written.
    public func decode(_ payload: Span<UInt8>, into pcm: inout MutableSpan<Int16>) throws(CodecError) -> Int {
        switch engine {
        case .g711(let law): try G711.decode(law, payload, into: &pcm)
        case .opus(let decoder): try decoder.decode(payload, into: &pcm)
        }
    }

    /// Decodes one payload into the start of `pcm` (which keeps its size).
    public func decode(_ payload: Span<UInt8>, into pcm: inout [Int16]) throws(CodecError) -> Int {
        var output = pcm.mutableSpan
        return try decode(payload, into: &output)
    }

    /// Decodes the whole of `payload` into the start of `pcm`.
    public func decode(_ payload: [UInt8], into pcm: inout [Int16]) throws(CodecError) -> Int {
        var output = pcm.mutableSpan
        return try decode(payload.span, into: &output)
    }

    /// Fills one frame for a packet that never arrived: Opus packet-loss concealment, or
    /// silence for G.711 (which has no concealment of its own here). Returns `samplesPerFrame`.
    public func decodeLoss(into pcm: inout MutableSpan<Int16>) throws(CodecError) -> Int {
        switch engine {
        case .g711:
            let count = samplesPerFrame
            guard pcm.count >= count else { throw CodecError(.outputTooSmall) }
            for index in 0..<count { pcm[index] = 0 }
            return count
        case .opus(let decoder):
            return try decoder.decodeLoss(into: &pcm)
        }
    }

    /// `decodeLoss` into the start of an array.
    public func decodeLoss(into pcm: inout [Int16]) throws(CodecError) -> Int {
        var output = pcm.mutableSpan
        return try decodeLoss(into: &output)
    }

    /// Rebuilds the lost frame before `nextPayload` from its in-band FEC (Opus). Throws
    /// `.unsupportedOperation` for G.711.
    public func decodeFEC(from nextPayload: Span<UInt8>, into pcm: inout MutableSpan<Int16>) throws(CodecError) -> Int {
        switch engine {
        case .g711: throw CodecError(.unsupportedOperation)
        case .opus(let decoder): return try decoder.decodeFEC(from: nextPayload, into: &pcm)
        }
    }

    /// Forgets the stream's history (Opus); nothing for G.711.
    public func reset() {
        if case .opus(let decoder) = engine { decoder.reset() }
    }
}
