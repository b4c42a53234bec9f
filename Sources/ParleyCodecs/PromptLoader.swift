import Foundation

/// Loads prompt recordings — any WAV, FLAC or Ogg/Vorbis libsndfile reads (also AIFF, AU,
/// CAF), mono or stereo, any common rate — and turns them into mono 16-bit PCM at the
/// call's rate: channels are averaged, the rate converted with libspeexdsp.
///
/// Loading runs at set-up time (script load, not per frame) and allocates freely. Every
/// failure is an `AudioFileError` naming the file: missing, unreadable, empty (zero bytes
/// or zero frames), truncated (fewer frames than the header announces), corrupt, or
/// unsupported.
public struct PromptLoader: Sendable {
    /// Rate of the PCM `load` returns.
    public var sampleRateHz: Int
    /// libspeexdsp quality for rate conversion (offline, so higher than on the media path).
    public var resamplerQuality: Int
    /// Channel counts accepted (downmixed to mono).
    public static let maxChannelCount = 8

    public init(sampleRateHz: Int, resamplerQuality: Int = 8) {
        self.sampleRateHz = sampleRateHz
        self.resamplerQuality = resamplerQuality
    }

    /// Reads the file at `path` and converts it.
    public func load(path: String) throws(AudioFileError) -> PromptAudio {
        try Self.checkPresent(path)
        let decoded = try SoundFileReader.readMono(path: path)
        let source = PromptAudio.Source(
            path: path, sampleRateHz: decoded.sampleRateHz, channelCount: decoded.channelCount,
            frameCount: decoded.samples.count, formatName: decoded.formatName)
        guard !decoded.samples.isEmpty else {
            throw AudioFileError(.empty, path: path, detail: "\(decoded.formatName) with 0 audio frames")
        }
        let samples: [Int16]
        do {
            samples = try Self.convertRate(decoded.samples, from: decoded.sampleRateHz, to: sampleRateHz,
                                           quality: resamplerQuality)
        } catch {
            throw AudioFileError(.unsupportedFormat, path: path,
                                 detail: "cannot convert \(decoded.sampleRateHz) Hz to \(sampleRateHz) Hz: \(error)")
        }
        return PromptAudio(samples: samples, sampleRateHz: sampleRateHz, source: source)
    }

    /// Missing, not a regular file, or zero bytes: said plainly before libsndfile guesses.
    static func checkPresent(_ path: String) throws(AudioFileError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw AudioFileError(.missing, path: path, detail: "no such file")
        }
        guard !isDirectory.boolValue else { throw AudioFileError(.unreadable, path: path, detail: "is a directory") }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue
        if size == 0 { throw AudioFileError(.empty, path: path, detail: "file has 0 bytes") }
    }

    /// Whole-signal rate conversion: output aligned with the input (leading filter zeros
    /// skipped, tail flushed) and `count × to / from` samples long.
    static func convertRate(_ samples: [Int16], from inputRateHz: Int, to outputRateHz: Int, quality: Int) throws(CodecError) -> [Int16] {
        if inputRateHz == outputRateHz { return samples }
        let resampler = try Resampler(inputRateHz: inputRateHz, outputRateHz: outputRateHz, quality: quality)
        resampler.skipLeadingZeros()
        let expected = (samples.count * outputRateHz + inputRateHz / 2) / inputRateHz
        let tail = [Int16](repeating: 0, count: resampler.inputLatencySamples + 1)
        var output = [Int16](repeating: 0, count: resampler.outputCapacity(forInputCount: samples.count))
        var flushed = [Int16](repeating: 0, count: resampler.outputCapacity(forInputCount: tail.count))
        var written = 0
        var flushedCount = 0
        do {
            var span = output.mutableSpan
            written = try resampler.process(samples.span, into: &span)
        }
        do {
            var span = flushed.mutableSpan
            flushedCount = try resampler.process(tail.span, into: &span)
        }
        output.removeSubrange(written...)
        output.append(contentsOf: flushed[0..<flushedCount])
        return Array(output.prefix(expected))
    }
}
