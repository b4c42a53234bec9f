/// What the listening pipeline reports per tick, stamped in ms of sample time since the
/// call's first frame. Playback actions (`stopPlayback`, `resumePlayback`) come first in a
/// tick's event list: the media engine acts on them in the same tick, then reports the rest.
public enum PipelineEvent: Sendable, Equatable {
    case stopPlayback(atMs: Int, positionMs: Int)
    case resumePlayback(atMs: Int, fromPositionMs: Int)
    case speechStarted(onsetMs: Int, atMs: Int)
    case speechStopped(endMs: Int, atMs: Int)
    case bargeIn(BargeInController.Report)
    /// The prompt's audio ran to its end.
    case promptFinished(atMs: Int)
    case endOfTurn(atMs: Int, speechEndMs: Int, reason: Endpointer.Reason)
    /// Acoustic features of the turn just ended (follows its `endOfTurn`).
    case utteranceFeatures(UtteranceFeatures)
    case noInput(atMs: Int)
    case dtmfStarted(Character, atMs: Int)
    case dtmfEnded(Character, startMs: Int, endMs: Int)
}

/// The pipeline's state after one tick.
public struct PipelineStatus: Sendable, Equatable {
    public enum Playback: Sendable, Equatable { case none, playing, stoppedByBargeIn }
    /// Events written into `ListeningPipeline.events` by this tick.
    public var eventCount: Int
    public var playback: Playback
    /// Prompt position in ms (meaningful while a prompt is loaded).
    public var promptPositionMs: Int
    public var isSpeaking: Bool
    /// Whether the echo canceller ran on this frame.
    public var echoCancellerActive: Bool
    public var verdict: SpeechFrameClassifier.Verdict
    /// Energy of the cleaned frame (dBFS) and the echo gate's correlation (-1: not measured).
    public var energyDbfs: Float
    public var echoCorrelation: Float
    /// Energy of the raw capture frame (dBFS) and the APM voice flag.
    public var captureDbfs: Float
    public var apmVoice: Bool
    /// Energy after the linear echo filter (dBFS).
    public var residualDbfs: Float = -100
    /// False when the frame was rejected (wrong length, not prepared).
    public var accepted: Bool
}
