/// What the call layer (or a text driver) tells the engine.
public enum DialogueEvent: Sendable, Equatable {
    /// The call is connected; `variables` are the ones the call brings in (name, coupon_value…).
    case callStarted(variables: [String: String])
    /// The playback with this id played to its end.
    case promptFinished(playbackID: Int)
    /// The caller interrupted the playback with this id (media already stopped it).
    case bargeIn(playbackID: Int)
    /// The recognizer's result for one utterance; `intent` nil means nothing matched.
    case intent(DialogueRecognition)
    /// DTMF digits (one key, or a collected string for slots).
    case dtmf(String)
    /// A spoken slot value (e.g. digits the recognizer heard), for states with a slot.
    case slotValue(String)
    /// A timer the engine asked for fired.
    case timerFired(DialogueTimer)
    /// The recognizer failed for this utterance.
    case asrError
    /// The caller hung up.
    case callerHungUp
    /// A webhook the engine asked for answered (or failed); `variables` are stored.
    case webhookResult(name: String, succeeded: Bool, variables: [String: String])
}

/// One recognized utterance.
public struct DialogueRecognition: Sendable, Equatable {
    public var intent: String?
    public var confidence: Double
    public var emotion: String?
    /// The transcript, kept out of logs (personal data); stored in `last_utterance`.
    public var text: String?

    public init(intent: String?, confidence: Double = 1, emotion: String? = nil, text: String? = nil) {
        self.intent = intent
        self.confidence = confidence
        self.emotion = emotion
        self.text = text
    }
}

/// A timer the engine owns; a fire whose generation is stale is ignored.
public struct DialogueTimer: Sendable, Hashable {
    public enum Kind: Sendable, Hashable { case noInput }
    public var kind: Kind
    public var generation: Int

    public init(kind: Kind, generation: Int) {
        self.kind = kind
        self.generation = generation
    }
}
