// Safety invariants (libsndfile adapter):
// - A SNDFILE* from sf_open is used only inside `write` and closed exactly once (defer).
// - sf_writef_short reads `frameCount × channelCount` shorts from the buffer of
//   `interleaved`, whose count is checked to be exactly that before the call.
import CSndFile

/// Writes 16-bit PCM to a sound file with libsndfile in one call: call recordings,
/// prompt conversion, test material. Not for the per-frame path.
public enum AudioFileWriter {
    public enum Container: Sendable, Hashable {
        /// RIFF WAVE, 16-bit PCM.
        case wav
        /// FLAC, 16-bit.
        case flac
        /// Ogg Vorbis (lossy).
        case oggVorbis

        var sndfileFormat: Int32 {
            switch self {
            case .wav: Int32(SF_FORMAT_WAV | SF_FORMAT_PCM_16)
            case .flac: Int32(SF_FORMAT_FLAC | SF_FORMAT_PCM_16)
            case .oggVorbis: Int32(SF_FORMAT_OGG | SF_FORMAT_VORBIS)
            }
        }
    }

    /// Writes `interleaved` (frames of `channelCount` samples) to `path`, replacing it.
    public static func write(
        _ interleaved: [Int16], channelCount: Int, sampleRateHz: Int, container: Container, to path: String
    ) throws(AudioFileError) {
        guard channelCount > 0, interleaved.count % channelCount == 0 else {
            throw AudioFileError(.writeFailed, path: path, detail: "sample count is not a whole number of frames")
        }
        var info = SF_INFO()
        info.samplerate = Int32(sampleRateHz)
        info.channels = Int32(channelCount)
        info.format = container.sndfileFormat
        guard sf_format_check(&info) != 0 else {
            throw AudioFileError(.unsupportedFormat, path: path, detail: "\(container) at \(sampleRateHz) Hz, \(channelCount) ch")
        }
        guard let file = sf_open(path, Int32(SFM_WRITE), &info) else {
            throw AudioFileError(.writeFailed, path: path, detail: String(cString: sf_strerror(nil)))
        }
        defer { sf_close(file) }
        let frameCount = interleaved.count / channelCount
        let written = interleaved.withUnsafeBufferPointer { buffer in
            sf_writef_short(file, buffer.baseAddress, sf_count_t(frameCount))
        }
        guard written == sf_count_t(frameCount) else {
            throw AudioFileError(.writeFailed, path: path, detail: String(cString: sf_strerror(file)))
        }
    }
}
