// Safety invariants (libspeexdsp adapter):
// - `state` is the SpeexResamplerState* returned by speex_resampler_init, non-null for
//   the whole life of the object, and destroyed exactly once, in deinit.
// - Pointers handed to speex_resampler_process_int come from `withUnsafe…BufferPointer`
//   on the caller's spans, live only inside those closures, and the lengths passed with
//   them are the spans' counts, so libspeexdsp never reads or writes past either span.
//   Input and output are distinct spans (exclusive `inout` access), so they never overlap.
// - The object is not thread-safe: one thread at a time uses it (the media thread that
//   owns the call). It may be handed from one thread to another between uses.
import CSpeexDSP

/// Streaming mono 16-bit sample-rate converter over libspeexdsp (8 ↔ 16 ↔ 48 kHz on the
/// media path; any rate from 1 to 192 kHz for prompt loading). Keeps filter history across
/// calls, writes into caller buffers, and allocates nothing after `init`.
public final class Resampler: @unchecked Sendable {
    public let inputRateHz: Int
    public let outputRateHz: Int
    /// speexdsp quality 0 (cheapest) … 10 (best). 3 is speex's "VoIP" setting, 4 its default.
    public let quality: Int
    private let state: OpaquePointer

    public static let defaultQuality = 5

    public init(inputRateHz: Int, outputRateHz: Int, quality: Int = Resampler.defaultQuality) throws(CodecError) {
        guard (1...192_000).contains(inputRateHz), (1...192_000).contains(outputRateHz) else {
            throw CodecError(.unsupportedSampleRate)
        }
        guard (0...10).contains(quality) else { throw CodecError(.invalidConfiguration) }
        var status: Int32 = 0
        guard let state = speex_resampler_init(1, UInt32(inputRateHz), UInt32(outputRateHz), Int32(quality), &status),
              status == 0
        else { throw CodecError(.allocationFailed, libraryStatus: status) }
        self.state = state
        self.inputRateHz = inputRateHz
        self.outputRateHz = outputRateHz
        self.quality = quality
    }

    deinit { speex_resampler_destroy(state) }

    /// Output capacity that always takes `inputCount` input samples in one call.
    public func outputCapacity(forInputCount inputCount: Int) -> Int {
        (inputCount * outputRateHz + inputRateHz - 1) / inputRateHz + 1
    }

    /// Filter delay in input samples (the output lags the input by this much).
    public var inputLatencySamples: Int { Int(speex_resampler_get_input_latency(state)) }

    /// Filter delay in output samples.
    public var outputLatencySamples: Int { Int(speex_resampler_get_output_latency(state)) }

    /// Converts all of `input`, appending the result at the start of `output`; returns the
    /// sample count written. For 8→16 kHz and 16→48 kHz that is exactly `input.count × ratio`.
    /// Throws `.outputTooSmall` (having consumed part of the input) when `output` is
    /// shorter than `outputCapacity(forInputCount:)` demands and the input did not fit.
    public func process(_ input: Span<Int16>, into output: inout MutableSpan<Int16>) throws(CodecError) -> Int {
        var consumed = UInt32(clamping: input.count)
        var written = UInt32(clamping: output.count)
        let requested = consumed
        if requested == 0 { return 0 }
        let state = self.state
        let status: Int32 = input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                guard let source = source.baseAddress, let destination = destination.baseAddress else {
                    return Int32(RESAMPLER_ERR_INVALID_ARG)
                }
                return speex_resampler_process_int(state, 0, source, &consumed, destination, &written)
            }
        }
        guard status == 0 else { throw CodecError(.libraryFailure, libraryStatus: status) }
        guard consumed == requested else { throw CodecError(.outputTooSmall) }
        return Int(written)
    }

    /// Clears the filter history (a new stream).
    public func reset() { _ = speex_resampler_reset_mem(state) }

    /// Drops the filter's leading zeros so the first output sample lines up with the first
    /// input sample. Call once, before the first `process`, for offline conversion.
    public func skipLeadingZeros() { _ = speex_resampler_skip_zeros(state) }
}
