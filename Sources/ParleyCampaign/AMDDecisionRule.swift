/// What the answering-machine detector's speech gate has measured so far, in ms of audio
/// since answer: the whole input of the decision rule.
public struct AMDTalkState: Sendable, Equatable {
    /// Audio analysed so far.
    public var elapsedMs = 0
    /// Whether the last frame was speech.
    public var inSpeech = false
    /// Words (voiced runs of at least `minWordMs`) heard so far.
    public var wordCount = 0
    /// Speech heard since the first word began (pauses not counted).
    public var voicedTotalMs = 0
    /// Silence since the last speech frame (0 while speaking).
    public var silenceRunMs = 0
    /// Where the first word began; nil before anyone spoke.
    public var talkStartMs: Int?

    public init(elapsedMs: Int = 0, inSpeech: Bool = false, wordCount: Int = 0, voicedTotalMs: Int = 0,
                silenceRunMs: Int = 0, talkStartMs: Int? = nil) {
        self.elapsedMs = elapsedMs
        self.inSpeech = inSpeech
        self.wordCount = wordCount
        self.voicedTotalMs = voicedTotalMs
        self.silenceRunMs = silenceRunMs
        self.talkStartMs = talkStartMs
    }

    /// Time since the first word began (0 before it): how long the callee has been talking,
    /// pauses shorter than the after-greeting silence included.
    public var talkSpanMs: Int { talkStartMs.map { elapsedMs - $0 } ?? 0 }
}

extension AMDConfiguration {
    /// The decision rule, applied after every frame; nil means "keep listening". A pure
    /// function of the talk state, in this order:
    /// - while speaking: more than `maxWords` words, `greetingMs` of speech, or talking for
    ///   `maxTalkMs` (longer than a person answers before waiting) → machine;
    /// - while silent: nobody spoke by `initialSilenceMs` → unknown; a short answer followed
    ///   by `afterGreetingSilenceMs` of silence → human; talking for `maxTalkMs` (the pause
    ///   being shorter than the human wait) → machine;
    /// - at `totalAnalysisMs`: human if anyone spoke (not enough for a machine's greeting by
    ///   then), unknown if nobody did.
    public func decision(after s: AMDTalkState) -> (verdict: AMDVerdict, reason: AMDDecision.Reason)? {
        let talkingTooLong = s.talkStartMs != nil && s.talkSpanMs >= maxTalkMs
        if s.inSpeech {
            if s.wordCount > maxWords { return (.machine, .maxWords) }
            if s.voicedTotalMs >= greetingMs { return (.machine, .longGreeting) }
            if talkingTooLong { return (.machine, .longTalk) }
        } else {
            if s.wordCount == 0 && s.elapsedMs >= initialSilenceMs { return (.unknown, .initialSilence) }
            if s.wordCount > 0 && s.silenceRunMs >= afterGreetingSilenceMs { return (.human, .shortGreeting) }
            if talkingTooLong { return (.machine, .longTalk) }
        }
        if s.elapsedMs >= totalAnalysisMs {
            return (s.wordCount > 0 ? .human : .unknown, .deadline)
        }
        return nil
    }
}
