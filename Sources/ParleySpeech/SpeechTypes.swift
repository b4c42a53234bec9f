/// ParleySpeech — the listening side's understanding: streaming recognizers (embedded
/// pocketsphinx, a Vosk-protocol network engine, a fake), the intent classifier and the
/// text emotion cues. See DESIGN.md for this module's place in the layers (L2).

/// An intent as plain data: its name and the phrases that express it. The dialogue
/// layer hands these over; this module never imports it.
public struct IntentDefinition: Sendable, Hashable, Codable {
    public var name: String
    public var examples: [String]
    /// BCP 47 language tag, e.g. "en-US", "zh-CN".
    public var language: String

    public init(name: String, examples: [String], language: String) {
        self.name = name
        self.examples = examples
        self.language = language
    }
}

/// What the current dialogue state expects to hear.
public struct RecognitionHints: Sendable, Hashable {
    public enum Mode: Sendable, Hashable {
        /// A grammar compiled from the intents' phrases, with an out-of-grammar path.
        case grammar
        /// Large-vocabulary (statistical language model) decoding; phrases are ignored.
        case largeVocabulary
    }

    public var mode: Mode
    public var intents: [IntentDefinition]
    /// BCP 47 language tag.
    public var language: String
    /// Sample rate of the frames pushed into the session (8000 or 16000).
    public var sampleRateHz: Int

    public init(mode: Mode = .grammar, intents: [IntentDefinition] = [], language: String = "en-US",
                sampleRateHz: Int = 8000) {
        self.mode = mode
        self.intents = intents
        self.language = language
        self.sampleRateHz = sampleRateHz
    }

    /// Every phrase of every intent, in order, without duplicates.
    public var phrases: [String] {
        var seen = Set<String>()
        var out: [String] = []
        for intent in intents {
            for example in intent.examples where seen.insert(example).inserted { out.append(example) }
        }
        return out
    }
}

/// One recognized word with its place in the utterance.
public struct WordTiming: Sendable, Hashable, Codable {
    public var word: String
    public var startMs: Int
    public var endMs: Int
    /// 0…1.
    public var confidence: Double

    public init(word: String, startMs: Int, endMs: Int, confidence: Double) {
        self.word = word
        self.startMs = startMs
        self.endMs = endMs
        self.confidence = confidence
    }
}

/// A partial or final hypothesis.
public struct RecognitionResult: Sendable, Hashable {
    public var text: String
    public var words: [WordTiming]
    /// 0…1 for the whole utterance.
    public var confidence: Double
    public var isFinal: Bool
    /// The grammar's garbage path won, or the confidence fell under the threshold.
    public var isOutOfGrammar: Bool
    /// In grammar mode: the intent whose phrase was recognized.
    public var grammarIntent: String?

    public init(text: String, words: [WordTiming] = [], confidence: Double, isFinal: Bool,
                isOutOfGrammar: Bool = false, grammarIntent: String? = nil) {
        self.text = text
        self.words = words
        self.confidence = confidence
        self.isFinal = isFinal
        self.isOutOfGrammar = isOutOfGrammar
        self.grammarIntent = grammarIntent
    }
}

/// What a recognition session reports. `asrError` is the script-visible `asr_error` event.
public enum RecognizerEvent: Sendable, Hashable {
    case partial(RecognitionResult)
    case final(RecognitionResult)
    case asrError(SpeechError)

    /// The dialogue event name.
    public var eventName: String {
        switch self {
        case .partial: "asr_partial"
        case .final: "asr_final"
        case .asrError: "asr_error"
        }
    }
}

/// Errors of this module: a code and context (never personal data in `context`).
public struct SpeechError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Code: String, Sendable, Hashable {
        case engineUnavailable
        case connectFailed
        case timeout
        case connectionLost
        case protocolViolation
        case decoderFailure
        case poolExhausted
        case unsupportedLanguage
        case unsupportedSampleRate
        case invalidGrammar
        case invalidModel
        case io
    }

    public var code: Code
    public var context: String

    public init(_ code: Code, _ context: String = "") {
        self.code = code
        self.context = context
    }

    public var description: String { context.isEmpty ? code.rawValue : "\(code.rawValue): \(context)" }
}
