/// What the call layer should do with an answered outbound call, decided from the callee's
/// first audio. Feed `process` 10 ms (80 samples) or 20 ms (160 samples) frames of 8 kHz
/// 16-bit PCM from the moment of answer (decoded received audio, before any of our own
/// playback). It wraps `AnsweringMachineDetector` (speech/silence pattern, decision deadline)
/// and its `BeepDetector`, and adds the voicemail policy:
/// - human, or undecided (`unknown`) → `.startDialogue`;
/// - machine and `leaveVoicemail` false → `.hangUp`;
/// - machine and `leaveVoicemail` true → wait for the beep and answer `.leaveVoicemail` when
///   the tone ends; a mailbox that never beeps gets the message after `silenceWithoutBeepMs`
///   of silence; after `maxVoicemailWaitMs` from answer without either → `.hangUp`.
///
/// Each action is returned once; after the final one (`.startDialogue`, `.leaveVoicemail`,
/// `.hangUp`) `process` returns nil and the caller may stop feeding. A pure state machine:
/// no clock, no I/O, and `process` does not allocate (safe on the media path).
public struct AnswerAnalyzer: Sendable {
    public enum Action: Sendable, Equatable {
        /// The detector decided (reported once, before the action it leads to, when those
        /// differ — a machine waiting for its beep).
        case decided(AMDDecision)
        /// A person (or no decision): run the dialogue now.
        case startDialogue(AMDDecision)
        /// Play the voicemail message now. `beep` is nil when the mailbox gave no tone.
        case leaveVoicemail(AMDDecision, beep: BeepDetection?, atMs: Int)
        /// Hang up (machine without voicemail, or no beep and no silence in time).
        case hangUp(AMDDecision, atMs: Int)
    }

    public let leaveVoicemail: Bool
    /// Silence after the machine decision that counts as "the greeting ended without a beep".
    public var silenceWithoutBeepMs = 3_000
    /// Longest time from answer to wait for the beep.
    public var maxVoicemailWaitMs = 30_000
    public private(set) var detector: AnsweringMachineDetector
    /// The detector's decision, once made (verdict, reason, audio time since answer).
    public var decision: AMDDecision? { detector.decision }
    /// Whether a final action has been returned.
    public private(set) var isFinished = false
    var silenceAfterDecisionMs = 0

    public init(configuration: AMDConfiguration = AMDConfiguration(), leaveVoicemail: Bool, sampleRateHz: Int = 8000) {
        self.leaveVoicemail = leaveVoicemail
        detector = AnsweringMachineDetector(configuration: configuration, sampleRateHz: sampleRateHz)
    }

    /// Feeds one frame; returns at most one action.
    public mutating func process(_ frame: Span<Int16>) -> Action? {
        guard !isFinished else { return nil }
        let hadDecision = detector.decision != nil
        let action = detector.process(frame)
        let frameMs = frame.count * 1000 / detector.sampleRateHz
        switch action {
        case .decided(let decision):
            switch decision.verdict {
            case .human, .unknown:
                return finish(.startDialogue(decision))
            case .machine:
                guard leaveVoicemail else { return finish(.hangUp(decision, atMs: decision.atMs)) }
                // A machine (by its greeting, or by a tone held a beep's length): the beep is
                // reported when it ends.
                return .decided(decision)
            }
        case .beep(let beep):
            guard let decision = detector.decision, decision.verdict == .machine, leaveVoicemail else { return nil }
            return finish(.leaveVoicemail(decision, beep: beep, atMs: detector.analysedMs))
        case nil:
            guard hadDecision, let decision = detector.decision else { return nil }
            return waitForBeep(decision, frameMs: frameMs)
        }
    }

    /// After a machine decision: count silence (the greeting is over when nothing is said
    /// for `silenceWithoutBeepMs`) and give up at `maxVoicemailWaitMs`.
    mutating func waitForBeep(_ decision: AMDDecision, frameMs: Int) -> Action? {
        silenceAfterDecisionMs = detector.lastFrameIsQuiet ? silenceAfterDecisionMs + frameMs : 0
        let now = detector.analysedMs
        if silenceAfterDecisionMs >= silenceWithoutBeepMs {
            return finish(.leaveVoicemail(decision, beep: nil, atMs: now))
        }
        if now >= maxVoicemailWaitMs { return finish(.hangUp(decision, atMs: now)) }
        return nil
    }

    mutating func finish(_ action: Action) -> Action {
        isFinished = true
        return action
    }
}
