/// The per-call listening pipeline, run by the media engine once per 10 ms frame:
/// echo cancellation (reference = what was played, by RTP timestamp) → speech frame
/// classification (APM voice flag, energy, echo gate) → voice activity → barge-in →
/// endpointing, with in-band DTMF detection on the raw capture beside it.
///
/// `prepare(format:)` allocates everything; `process(captureFrame:playedFrame:rtpTimestamp:)`
/// does not allocate, lock or log. Events go into the preallocated `events` list, playback
/// actions first. Control inputs (prompt start, recognizer words/partials/final, listen mode)
/// are latched and applied at the start of the next frame, so every decision happens on a
/// frame boundary in sample time. Not thread-safe: one media thread owns one pipeline.
public final class ListeningPipeline {
    public let configuration: ListeningConfiguration
    public private(set) var format: AudioFormat?
    /// This tick's events (valid until the next `process` call).
    public internal(set) var events = FixedList<PipelineEvent>()

    var echo: EchoCanceller?
    var classifier: SpeechFrameClassifier
    var voiceActivity: VoiceActivityDetector
    var bargeIn: BargeInController
    var endpointer: Endpointer
    var dtmf: DTMFToneDetector?
    var features: UtteranceFeatureCollector?
    var capture: [Int16] = []
    /// `capture` holds only zeros.
    var captureIsZero = true
    var played: [Int16] = []
    /// Zeros, for the DTMF detector on frames the echo explains.
    var silentFrame: [Int16] = []

    // Sample time, unwrapped from RTP timestamps.
    var firstTimestamp: UInt32?
    var lastTimestamp: UInt32 = 0
    var sampleTime: Int64 = 0

    // Prompt playback as the pipeline tracks it.
    var plan: PromptPlan?
    var playing = false
    var playbackStartSampleTime: Int64 = 0
    var playbackOffsetMs = 0
    var frozenPositionMs = 0
    /// The prompt's next file (`continuePrompt`): loaded in the frame where `plan` runs out
    /// by its length, counted from the sample after its end, so a prompt of several files
    /// has a plan on every frame.
    var nextPlan: PromptPlan?

    // Latched control inputs.
    var pendingPlan: PromptPlan?
    var pendingPromptFinished = false
    var pendingListenMode: Endpointer.ListenMode?
    var pendingWords: Int?
    var pendingHint: PartialHint?
    var pendingFinal = false

    /// Frames rejected (wrong length or not prepared); events dropped on a full list.
    public internal(set) var rejectedFrameCount = 0
    public internal(set) var droppedEventCount = 0

    public init(configuration: ListeningConfiguration = ListeningConfiguration()) {
        self.configuration = configuration
        classifier = SpeechFrameClassifier(configuration: configuration.frameClassifier)
        voiceActivity = VoiceActivityDetector(configuration: configuration.voiceActivity)
        bargeIn = BargeInController(configuration: configuration.bargeIn)
        endpointer = Endpointer(configuration: configuration.endpointer)
    }

    /// Allocates the stages for `format` (8 or 16 kHz, 10 ms frames).
    public func prepare(format: AudioFormat) throws(AudioError) {
        self.format = format
        echo = try EchoCanceller(format: format, configuration: configuration.echo)
        dtmf = configuration.dtmf.map { DTMFToneDetector(format: format, configuration: $0) }
        features = UtteranceFeatureCollector(format: format)
        capture = [Int16](repeating: 0, count: format.frameSamples)
        captureIsZero = true
        played = [Int16](repeating: 0, count: format.frameSamples)
        silentFrame = [Int16](repeating: 0, count: format.frameSamples)
    }

    // MARK: Control inputs (applied at the next frame)

    /// A prompt starts playing with the next frame (position 0). Replaces any file queued
    /// with `continuePrompt`.
    public func startPrompt(_ plan: PromptPlan) {
        pendingPlan = plan
        nextPlan = nil
        pendingPromptFinished = false
    }

    /// The prompt's next file, played right after the current one: it takes over in the frame
    /// where the current plan runs out by its length, its position counted from the sample
    /// after that end (no frame without a plan between two files). With no plan playing it
    /// starts with the next frame, as `startPrompt`. Dropped when the prompt is stopped for
    /// good, finished or resumed after a false barge-in (only the interrupted file resumes).
    public func continuePrompt(with plan: PromptPlan) { nextPlan = plan }

    /// A next file is queued (`continuePrompt`) and has not started: the frames so far
    /// belong to the file before it.
    public var nextPromptQueued: Bool { nextPlan != nil }

    /// The prompt was stopped or ran out by the engine's own decision: start listening.
    public func finishPrompt() { pendingPromptFinished = true }

    /// Listen for the caller's turn (arms the no-input timer) in `mode`.
    public func listen(mode: Endpointer.ListenMode = .normal) { pendingListenMode = mode }

    /// From the recognizer: meaningful words in the current partial (backchannels excluded,
    /// see `PartialHint.meaningfulWordCount`) and its hint.
    public func recognizerPartial(words: Int, hint: PartialHint) {
        pendingWords = words
        pendingHint = hint
    }

    public func recognizerFinal() { pendingFinal = true }

    // MARK: Queries

    /// The last frame after echo cancellation and noise suppression (what the recognizer
    /// should hear), valid until the next `process` call. Does not allocate.
    /// The last cleaned frame is all zeros (digital silence the canceller passed through):
    /// a caller can hand on zeros without reading the frame.
    public var cleanedFrameIsZero: Bool {
        guard let echo else { return captureIsZero }
        return echo.skippedLastFrame && echo.passedThroughIsZero
    }

    public func withCleanedFrame<R>(_ body: (Span<Int16>) -> R) -> R {
        let frame = echo?.output ?? capture
        return body(frame.span)
    }

    public var echoMetrics: EchoMetrics? { echo?.metrics() }
    /// Whether the last frame went through the echo canceller (a prompt or its echo tail).
    public var echoCancellerActive: Bool { echo?.isActive ?? false }
    public var voiceActivityState: VoiceActivityDetector.State { voiceActivity.state }
    /// The voice activity detector hears nothing (not even speech that may be starting).
    public var callerIsQuiet: Bool {
        if case .quiet = voiceActivity.state { return true }
        return false
    }
    public var bargeInState: BargeInController.State { bargeIn.state }
    public var endpointerState: Endpointer.State { endpointer.state }
    public var noiseFloorDb: Float { classifier.noiseFloorDb }
    /// Sample time (since the first frame) of the frame processed last.
    public var currentSampleTime: Int64 { sampleTime }

    func clearEvents() {
        // Most frames have no event: the empty list stays as it is.
        guard events.count > 0 || events.dropped > 0 else { return }
        droppedEventCount += events.dropped
        events = FixedList()
    }

    func emit(_ event: PipelineEvent) { events.append(event) }

    /// Playback actions go before everything else in the tick's list.
    func emitFirst(_ event: PipelineEvent) {
        var index = 0
        for e in events {
            switch e {
            case .stopPlayback, .resumePlayback: index += 1
            default: break
            }
        }
        events.insert(event, at: min(index, events.count))
    }

    /// Position in the loaded plan at the current frame's start (0 in the frame where a plan
    /// starts part-way through, after the file before it ran out).
    public var promptPositionMs: Int {
        guard let format, playing else { return frozenPositionMs }
        return playbackOffsetMs + max(0, format.ms(samples: sampleTime - playbackStartSampleTime))
    }
}
