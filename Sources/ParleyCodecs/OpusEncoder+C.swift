// Safety invariants (libopus adapter):
// - `state` is the OpusEncoder* returned by opus_encoder_create, non-null for the whole
//   life of the object, and destroyed exactly once, in deinit.
// - Every pointer handed to libopus comes from `withUnsafe…BufferPointer` on a span the
//   caller lent us, is used only inside that closure, and its count is passed alongside:
//   the input is exactly `samplesPerFrame` samples (checked); the output starts at
//   `offset`, checked to lie inside the span, and its capacity is the count after it.
// - The object is not thread-safe: one thread at a time uses it (the media thread that
//   owns the call). It may be handed from one thread to another between uses.
import COpus

/// An Opus encoder for one mono stream. Encodes exactly one frame per call into a caller
/// buffer; no allocation after `init`.
public final class OpusEncoder: @unchecked Sendable {
    public let configuration: OpusConfiguration
    /// Samples the encoder delays its input by (decoder output lags input by this much).
    public let lookaheadSamples: Int
    private let state: OpaquePointer

    public init(_ configuration: OpusConfiguration) throws(CodecError) {
        try configuration.validate()
        var status: Int32 = 0
        guard let state = opus_encoder_create(
            Int32(configuration.sampleRateHz), 1,
            configuration.application == .voip ? OPUS_APPLICATION_VOIP : OPUS_APPLICATION_AUDIO, &status
        ), status == OPUS_OK else {
            throw CodecError(.allocationFailed, libraryStatus: status)
        }
        self.state = state
        self.configuration = configuration
        var lookahead: Int32 = 0
        let settings: [Int32] = [
            parley_opus_set_bitrate(state, Int32(configuration.bitrateBps)),
            parley_opus_set_complexity(state, Int32(configuration.complexity)),
            parley_opus_set_inband_fec(state, configuration.inbandFEC ? 1 : 0),
            parley_opus_set_packet_loss_perc(state, Int32(configuration.expectedPacketLossPercent)),
            parley_opus_set_dtx(state, configuration.dtx ? 1 : 0),
            configuration.application == .voip ? parley_opus_set_signal_voice(state) : parley_opus_set_signal_music(state),
            parley_opus_get_lookahead(state, &lookahead),
        ]
        if let failure = settings.first(where: { $0 != OPUS_OK }) {
            opus_encoder_destroy(state)
            throw CodecError(.invalidConfiguration, libraryStatus: failure)
        }
        self.lookaheadSamples = Int(lookahead)
    }

    deinit { opus_encoder_destroy(state) }

    /// PCM samples one call to `encode` takes.
    public var samplesPerFrame: Int { configuration.samplesPerFrame }

    /// Encodes one frame (`samplesPerFrame` samples) into `packet` from index `offset` on
    /// (after an RTP header, say); returns the encoded byte count. At least
    /// `OpusConfiguration.maxPacketBytes` should follow `offset`.
    public func encode(_ pcm: Span<Int16>, into packet: inout MutableSpan<UInt8>, at offset: Int = 0) throws(CodecError) -> Int {
        guard pcm.count == samplesPerFrame else { throw CodecError(.wrongFrameSize) }
        guard offset >= 0, packet.count - offset > 0 else { throw CodecError(.outputTooSmall) }
        let frameSize = Int32(samplesPerFrame)
        let capacity = Int32(clamping: packet.count - offset)
        let state = self.state
        let written: Int32 = pcm.withUnsafeBufferPointer { input in
            packet.withUnsafeMutableBufferPointer { output in
                guard let input = input.baseAddress, let output = output.baseAddress else { return OPUS_BAD_ARG }
                return opus_encode(state, input, frameSize, output + offset, capacity)
            }
        }
        guard written >= 0 else {
            throw CodecError(written == OPUS_BUFFER_TOO_SMALL ? .outputTooSmall : .libraryFailure,
                             libraryStatus: written)
        }
        return Int(written)
    }

    /// Clears the encoder's history (a new talk spurt or stream).
    public func reset() { _ = parley_opus_encoder_reset(state) }
}
