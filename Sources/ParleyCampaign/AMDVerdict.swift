/// What answered the call.
public enum AMDVerdict: String, Sendable, Equatable, Codable {
    case human, machine, unknown
}

public struct AMDDecision: Sendable, Equatable {
    public enum Reason: String, Sendable, Equatable {
        /// Speech followed by the after-greeting silence: a short "hello?".
        case shortGreeting
        /// Speech longer than the greeting limit.
        case longGreeting
        /// More words than a person says before waiting.
        case maxWords
        /// Talking (short pauses included) for longer than a person answers.
        case longTalk
        /// A voicemail beep was heard.
        case beep
        /// Nobody spoke within the initial silence.
        case initialSilence
        /// The decision deadline passed.
        case deadline
    }
    public var verdict: AMDVerdict
    public var reason: Reason
    /// Audio time since answer at which the decision was made.
    public var atMs: Int
}

/// A voicemail beep: a steady narrowband tone.
public struct BeepDetection: Sendable, Equatable {
    public var startMs: Int
    public var endMs: Int
    public var frequencyHz: Int
}

public enum AMDAction: Sendable, Equatable {
    case decided(AMDDecision)
    /// Reported when the tone ends: the voicemail message may start now.
    case beep(BeepDetection)
}

/// AMD thresholds, all in milliseconds of audio. Asterisk app_amd's defaults, for
/// comparison: total 5000, initial silence 2500, greeting 1500, after-greeting silence
/// 800, min word 100, between words 50, max words 2 (it has no beep detector and no talk
/// limit). The defaults were chosen on the development set (Scripts/fixtures.d/42-amd-dev.sh)
/// and the tuning set (40-amd.sh) together, maximising accuracy at the smallest decision
/// p95; the held-out set (41-amd-heldout.sh) only measures them.
public struct AMDConfiguration: Sendable, Equatable {
    public var initialSilenceMs = 2000
    /// Speech (pauses not counted) after which the greeting is a machine's.
    public var greetingMs = 1100
    /// Silence after a short answer that makes it a person waiting for the caller.
    public var afterGreetingSilenceMs = 400
    /// Talking, pauses shorter than `afterGreetingSilenceMs` included, for longer than a
    /// person answers: a machine. `Int.max` turns the rule off.
    public var maxTalkMs = 1800
    public var minWordMs = 100
    public var betweenWordsSilenceMs = 50
    public var maxWords = 4
    public var totalAnalysisMs = 4000
    /// A frame is speech when its pre-emphasised level is this far above its tracked noise
    /// floor …
    public var speechOverNoiseDb = 7.0
    /// … or its plain (not pre-emphasised) level this far above its own floor …
    public var plainSpeechOverNoiseDb = 16.0
    /// … and above this absolute level.
    public var minSpeechDbfs = -45.0
    /// Speech continues while frames stay within this many dB below an onset threshold.
    public var hysteresisDb = 3.0
    /// Minimum steady tone for a beep.
    public var minBeepMs = 150

    public init() {}
}
