// Safety invariants (libopus adapter):
// - `state` is the OpusDecoder* returned by opus_decoder_create, non-null for the whole
//   life of the object, and destroyed exactly once, in deinit.
// - Every pointer handed to libopus comes from `withUnsafe…BufferPointer` on a span the
//   caller lent us and is used only inside that closure. The frame size passed to
//   opus_decode is never larger than the output span's count, so libopus cannot write
//   past it; packet lengths are the span's count.
// - The object is not thread-safe: one thread at a time uses it (the media thread that
//   owns the call). It may be handed from one thread to another between uses.
import COpus

/// An Opus decoder for one mono stream, with packet-loss concealment and in-band FEC.
/// Decodes into caller buffers; no allocation after `init`.
public final class OpusDecoder: @unchecked Sendable {
    public let configuration: OpusConfiguration
    private let state: OpaquePointer

    /// Only `sampleRateHz` and `frameDurationMs` of the configuration matter here.
    public init(_ configuration: OpusConfiguration) throws(CodecError) {
        try configuration.validate()
        var status: Int32 = 0
        guard let state = opus_decoder_create(Int32(configuration.sampleRateHz), 1, &status),
              status == OPUS_OK
        else { throw CodecError(.allocationFailed, libraryStatus: status) }
        self.state = state
        self.configuration = configuration
    }

    deinit { opus_decoder_destroy(state) }

    /// PCM samples one frame decodes to.
    public var samplesPerFrame: Int { configuration.samplesPerFrame }

    /// Decodes one packet into `pcm`; returns the sample count written (the packet's
    /// duration, normally `samplesPerFrame`; at most 120 ms worth of samples).
    public func decode(_ packet: Span<UInt8>, into pcm: inout MutableSpan<Int16>) throws(CodecError) -> Int {
        guard packet.count > 0 else { throw CodecError(.invalidPacket) }
        return try run(packet: packet, into: &pcm, frameSize: pcm.count, fec: false)
    }

    /// Packet-loss concealment: synthesises one frame (`samplesPerFrame` samples) for a
    /// packet that never arrived. Returns the sample count written.
    public func decodeLoss(into pcm: inout MutableSpan<Int16>) throws(CodecError) -> Int {
        guard pcm.count >= samplesPerFrame else { throw CodecError(.outputTooSmall) }
        let state = self.state
        let frameSize = Int32(samplesPerFrame)
        let written: Int32 = pcm.withUnsafeMutableBufferPointer { output in
            guard let output = output.baseAddress else { return OPUS_BUFFER_TOO_SMALL }
            return opus_decode(state, nil, 0, output, frameSize, 0)
        }
        return try Self.check(written)
    }

    /// Rebuilds the lost frame *before* `nextPacket` from the FEC data carried in
    /// `nextPacket` (`samplesPerFrame` samples). Decode `nextPacket` itself normally
    /// afterwards. If the packet carries no FEC, libopus conceals instead.
    public func decodeFEC(from nextPacket: Span<UInt8>, into pcm: inout MutableSpan<Int16>) throws(CodecError) -> Int {
        guard nextPacket.count > 0 else { throw CodecError(.invalidPacket) }
        guard pcm.count >= samplesPerFrame else { throw CodecError(.outputTooSmall) }
        return try run(packet: nextPacket, into: &pcm, frameSize: samplesPerFrame, fec: true)
    }

    /// Clears the decoder's history.
    public func reset() { _ = parley_opus_decoder_reset(state) }

    private func run(
        packet: Span<UInt8>, into pcm: inout MutableSpan<Int16>, frameSize: Int, fec: Bool
    ) throws(CodecError) -> Int {
        let state = self.state
        let length = Int32(clamping: packet.count)
        let capacity = Int32(clamping: min(frameSize, pcm.count))
        let written: Int32 = packet.withUnsafeBufferPointer { input in
            pcm.withUnsafeMutableBufferPointer { output in
                guard let output = output.baseAddress else { return OPUS_BUFFER_TOO_SMALL }
                return opus_decode(state, input.baseAddress, length, output, capacity, fec ? 1 : 0)
            }
        }
        return try Self.check(written)
    }

    private static func check(_ written: Int32) throws(CodecError) -> Int {
        guard written >= 0 else {
            switch written {
            case OPUS_BUFFER_TOO_SMALL: throw CodecError(.outputTooSmall, libraryStatus: written)
            case OPUS_INVALID_PACKET, OPUS_BAD_ARG: throw CodecError(.invalidPacket, libraryStatus: written)
            default: throw CodecError(.libraryFailure, libraryStatus: written)
            }
        }
        return Int(written)
    }
}
