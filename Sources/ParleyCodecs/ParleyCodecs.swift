/// ParleyCodecs — audio codecs and conversions for the media path and for prompts.
///
/// - `Codec`, `PCMFormat`: what the RTP/SDP layers select (clock rate, payload type,
///   encoding name, frame arithmetic).
/// - `AudioEncoder` / `AudioDecoder`: one enum-dispatched encoder/decoder per stream over
///   `G711` (exact ITU-T G.711 μ-law/A-law), `OpusEncoder` / `OpusDecoder` (libopus, with
///   packet-loss concealment and in-band FEC).
/// - `Resampler`: streaming 8 ↔ 16 ↔ 48 kHz conversion on libspeexdsp.
/// - `PromptLoader`, `AudioFileWriter`: prompt recordings in and audio files out through
///   libsndfile, with `AudioFileError` naming the file.
///
/// Per-frame calls write into caller buffers (`MutableSpan` or `inout` arrays), take no
/// locks and allocate nothing after set-up. The codec objects are used by one thread at a
/// time. C calls with pointers live only in the `*+C.swift` files.
public enum ParleyCodecsModule {
    public static let name = "ParleyCodecs"
}
