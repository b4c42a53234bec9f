import ParleyCodecs

/// The caller's recordings of a scenario (every `say` file), loaded once at 8 kHz (any
/// source rate is resampled by `PromptLoader`) and shared read-only by every call and
/// the pacing thread. Immutable after `init`: the invariant behind `Sendable`.
public final class SimClips: Sendable {
    /// Samples per clip, 8 kHz mono.
    public let clips: [[Int16]]
    /// Clip index per absolute path.
    public let indexByPath: [String: Int]
    /// Active RMS over all clips (`LineModel.rms`), the speech level line noise refers to.
    public let speechRms: Double

    /// Loads every distinct `say` file of `scenario`.
    public init(scenario: Scenario, loader: PromptLoader = PromptLoader(sampleRateHz: 8_000)) throws(AudioFileError) {
        var clips: [[Int16]] = []
        var index: [String: Int] = [:]
        for call in scenario.calls {
            for case .say(let file) in call.turns where index[file] == nil {
                index[file] = clips.count
                clips.append(try loader.load(path: file).samples)
            }
        }
        self.clips = clips
        self.indexByPath = index
        self.speechRms = LineModel.rms(clips.flatMap { $0 })
    }

    public init(clips: [[Int16]], indexByPath: [String: Int]) {
        self.clips = clips
        self.indexByPath = indexByPath
        self.speechRms = LineModel.rms(clips.flatMap { $0 })
    }
}
