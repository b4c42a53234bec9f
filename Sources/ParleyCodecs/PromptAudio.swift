/// A prompt recording ready for playback: mono 16-bit PCM at the call's rate, plus what
/// the file held before conversion.
public struct PromptAudio: Sendable, Hashable {
    public var samples: [Int16]
    public var sampleRateHz: Int
    public var source: Source

    /// The file as recorded.
    public struct Source: Sendable, Hashable {
        public var path: String
        public var sampleRateHz: Int
        public var channelCount: Int
        public var frameCount: Int
        /// Container and encoding as libsndfile names them, e.g. "WAV (Microsoft) / Signed 16 bit PCM".
        public var formatName: String
    }

    public init(samples: [Int16], sampleRateHz: Int, source: Source) {
        self.samples = samples
        self.sampleRateHz = sampleRateHz
        self.source = source
    }

    /// Playback length in milliseconds.
    public var durationMs: Int { samples.count * 1000 / sampleRateHz }
}
