import Foundation
/// One utterance on the embedded engine. Touched only by its worker thread after
/// creation (hence `@unchecked Sendable` for the hand-over).
final class EmbeddedJob: EngineJob, @unchecked Sendable {
    private let session: RecognitionSession
    private let decoder: PocketSphinxDecoder
    private let pool: DecoderPool
    private let mode: RecognitionHints.Mode
    private let grammar: GrammarCompiler.Grammar?
    private let partialIntervalSamples: Int
    private let rejectionScorePerFrame: Double
    private var upsampler = Upsampler2x()
    private var input: [Int16]
    private var output: [Int16]
    private var samplesSincePartial = 0
    private var lastPartial = ""
    private var finished = false
    private var started = false

    init(session: RecognitionSession, decoder: PocketSphinxDecoder, pool: DecoderPool, mode: RecognitionHints.Mode,
         grammar: GrammarCompiler.Grammar?, partialIntervalSamples: Int, rejectionScorePerFrame: Double) {
        self.mode = mode
        self.rejectionScorePerFrame = rejectionScorePerFrame
        self.session = session
        self.decoder = decoder
        self.pool = pool
        self.grammar = grammar
        self.partialIntervalSamples = partialIntervalSamples
        input = [Int16](repeating: 0, count: 1600)
        output = [Int16](repeating: 0, count: 3200)
    }

    var isEnding: Bool { session.currentControl != .listening }

    func step() -> Bool {
        if finished { return false }
        // Read the control first: audio pushed before end of speech is then in the ring.
        let control = session.currentControl
        if control == .cancelled {
            if started { _ = try? decoder.endUtterance() }
            return done(healthy: true)
        }
        if !started {
            do {
                try startDecoder()
            } catch {
                // A grammar pocketsphinx rejects leaves the decoder as it was.
                let more = done(healthy: error.code == .invalidGrammar)
                session.emitTerminal(.asrError(error))
                return more
            }
        }
        do {
            try drain()
            if control == .endOfSpeech {
                try decoder.endUtterance()
                let result = finalResult()
                // The decoder goes back before the caller hears the result, so the next
                // utterance it starts finds it in the pool.
                let more = done(healthy: true)
                session.emitTerminal(.final(result))
                return more
            }
        } catch {
            _ = try? decoder.endUtterance()
            let more = done(healthy: false)
            session.emitTerminal(.asrError(error))
            return more
        }
        return true
    }

    /// Activates the grammar (or the language model) and starts the utterance; the audio
    /// pushed meanwhile waits in the ring.
    private func startDecoder() throws(SpeechError) {
        switch mode {
        case .grammar:
            guard let grammar else { throw SpeechError(.invalidGrammar, "grammar mode without a grammar") }
            try decoder.useGrammar(grammar.jsgf, key: grammar.key)
        case .largeVocabulary:
            try decoder.useLanguageModel()
        }
        try decoder.startUtterance()
        started = true
    }

    private func done(healthy: Bool) -> Bool {
        finished = true
        pool.giveBack(decoder, healthy: healthy)
        return false
    }

    private func drain() throws(SpeechError) {
        while true {
            let count = session.ring.read(into: &input)
            if count == 0 { return }
            if session.hints.sampleRateHz == 8000 {
                upsampler.process(input, count: count, into: &output)
                try decoder.process(output, count: 2 * count)
                samplesSincePartial += 2 * count
            } else {
                try decoder.process(input, count: count)
                samplesSincePartial += count
            }
            if samplesSincePartial >= partialIntervalSamples {
                samplesSincePartial = 0
                emitPartialIfChanged()
            }
        }
    }

    private func emitPartialIfChanged() {
        guard let hypothesis = decoder.hypothesis(withWords: false), hypothesis.text != lastPartial else { return }
        lastPartial = hypothesis.text
        session.emitPartial(RecognitionResult(text: hypothesis.text, confidence: hypothesis.confidence, isFinal: false,
                                              isOutOfGrammar: isOutOfGrammar(hypothesis.text)))
    }

    private func finalResult() -> RecognitionResult {
        guard let hypothesis = decoder.hypothesis(withWords: true) else {
            return RecognitionResult(text: "", confidence: 0, isFinal: true, isOutOfGrammar: grammar != nil)
        }
        let words = hypothesis.words.filter { !$0.word.hasPrefix("<") && !$0.word.hasPrefix("[") && $0.word != "(NULL)" }
        // Out-of-grammar rejection: speech forced through the grammar scores far worse
        // per frame of recognized (non-silence) words than speech the grammar covers.
        let speechFrames = max(1, words.reduce(0) { $0 + $1.endMs - $1.startMs } / 10)
        let scorePerFrame = Double(hypothesis.score) / Double(speechFrames)
        let acoustic = 1 / (1 + exp((rejectionScorePerFrame - scorePerFrame) / 10))
        let intent = grammarIntent(hypothesis.text)
        let outOfGrammar = grammar != nil && (intent == nil || scorePerFrame < rejectionScorePerFrame)
        return RecognitionResult(text: hypothesis.text, words: words,
                                 confidence: grammar == nil ? hypothesis.confidence : acoustic,
                                 isFinal: true, isOutOfGrammar: outOfGrammar, grammarIntent: outOfGrammar ? nil : intent)
    }

    private func isOutOfGrammar(_ text: String) -> Bool {
        grammar != nil && grammarIntent(text) == nil
    }

    private func grammarIntent(_ text: String) -> String? {
        guard let grammar else { return nil }
        return grammar.intentByPhrase[GrammarCompiler.normalize(text).joined(separator: " ")]
    }
}
