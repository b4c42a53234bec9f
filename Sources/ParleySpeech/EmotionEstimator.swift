/// Caller emotion from text cues (English and Chinese lexicons), optionally combined with
/// acoustic arousal from the audio pipeline (loudness and pitch movement).
public struct EmotionEstimator: Sendable {
    public enum Emotion: String, Sendable, Hashable, CaseIterable {
        case neutral, positive, negative, angry
    }

    public struct Estimate: Sendable, Hashable {
        public var emotion: Emotion
        /// 0…1: strength of the winning emotion.
        public var score: Double
    }

    /// Acoustic features from the listening pipeline, each normalized to 0…1 against the
    /// caller's own baseline (0.5 = as usual).
    public struct AcousticCues: Sendable, Hashable {
        public var loudness: Double
        public var pitchVariation: Double
        public init(loudness: Double, pitchVariation: Double) {
            self.loudness = loudness
            self.pitchVariation = pitchVariation
        }
        var arousal: Double { min(1, max(0, (loudness + pitchVariation) / 2)) }
    }

    public init() {}

    /// Things English-speaking callers say in anger, each carrying a word of the angry
    /// lexicon: a grammar recognizer is given them (with no intent) when a script listens for
    /// an emotion, so the words reach the estimator instead of being rejected as out of grammar.
    public static let spokenAngerPhrases = [
        "this is ridiculous", "that's ridiculous", "ridiculous", "this is stupid", "this is unacceptable",
        "i'm fed up", "i'm sick of this", "this is a scam", "shut up", "you're useless", "i hate this",
        "i'm furious", "i'm angry",
    ]

    static let angry = [
        "ridiculous", "stupid", "idiot", "idiots", "hate", "damn", "hell", "furious", "angry", "sick of",
        "fed up", "useless", "shut up", "harass", "harassing", "scam", "scammers", "unacceptable", "pissed",
        "stop calling", "how dare", "滚", "烦死", "气死", "骚扰", "投诉", "骗子", "神经病", "有病", "混蛋", "别再打",
        "太过分", "讨厌",
    ]
    static let negative = [
        "sad", "unhappy", "disappointed", "bad", "terrible", "awful", "worried", "problem", "wrong", "sorry",
        "unfortunately", "poor", "not happy", "not good", "upset", "difficult", "不满意", "难过", "失望",
        "不好", "糟糕", "担心", "问题", "太差", "麻烦",
    ]
    static let positive = [
        "great", "thanks", "thank you", "wonderful", "excellent", "perfect", "love", "happy", "glad", "nice",
        "awesome", "good", "appreciate", "lovely", "谢谢", "太好了", "很好", "满意", "开心", "不错", "棒", "喜欢",
    ]

    public func estimate(_ text: String, acoustic: AcousticCues? = nil) -> Estimate {
        let lowered = text.lowercased()
        func hits(_ cues: [String]) -> Double {
            Double(cues.filter { cue in Self.contains(lowered, cue) }.count)
        }
        let negation = Self.contains(lowered, "not") || lowered.contains("不")
        var angry = hits(Self.angry)
        var negative = hits(Self.negative)
        var positive = hits(Self.positive)
        // "not good" / "不好": a negated positive cue counts as negative.
        if negation && positive > 0 && negative > 0 { positive = max(0, positive - negative) }
        let exclamations = Double(text.filter { $0 == "!" || $0 == "！" }.count)
        let capitals = text.split(separator: " ").filter { $0.count > 2 && $0.allSatisfy(\.isUppercase) }.count
        angry += 0.5 * min(exclamations, 2) + 0.5 * Double(min(capitals, 2))
        if let acoustic {
            // High arousal turns negative cues into anger; low arousal softens anger.
            let arousal = acoustic.arousal
            if arousal > 0.7 { angry += negative * 0.5 + (arousal - 0.7) * 2; negative *= 0.5 }
            if arousal < 0.3 { angry *= 0.7 }
        }
        let scores: [(Emotion, Double)] = [(.angry, angry * 1.2), (.negative, negative), (.positive, positive)]
        guard let best = scores.max(by: { $0.1 < $1.1 }), best.1 >= 0.5 else {
            return Estimate(emotion: .neutral, score: 1)
        }
        return Estimate(emotion: best.0, score: min(1, 0.5 + best.1 / 4))
    }

    /// Latin cues match whole words; CJK cues match as substrings.
    static func contains(_ text: String, _ cue: String) -> Bool {
        if cue.unicodeScalars.contains(where: TextFeatures.isCJK) { return text.contains(cue) }
        var searchStart = text.startIndex
        while let range = text.range(of: cue, range: searchStart..<text.endIndex) {
            let before = range.lowerBound == text.startIndex ? nil : text[text.index(before: range.lowerBound)]
            let after = range.upperBound == text.endIndex ? nil : text[range.upperBound]
            if !(before?.isLetter ?? false) && !(after?.isLetter ?? false) { return true }
            searchStart = range.upperBound
        }
        return false
    }
}
