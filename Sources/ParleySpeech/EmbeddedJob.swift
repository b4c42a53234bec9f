import Foundation
/// One utterance on the embedded engine. Touched only by its worker thread after
/// creation (hence `@unchecked Sendable` for the hand-over).
final class EmbeddedJob: EngineJob, @unchecked Sendable {
    private let session: RecognitionSession
    /// nil until the first step loads it, when the pool granted a slot and no decoder.
    private var decoder: PocketSphinxDecoder?
    /// True while the job holds a pool slot whose decoder it has not created yet.
    private var holdsReservation: Bool
    private let pool: DecoderPool
    private let mode: RecognitionHints.Mode
    /// nil in grammar mode until the first step compiles it (no decoder was at hand).
    private var grammar: GrammarCompiler.Grammar?
    private let grammars: GrammarCache
    private let partialIntervalSamples: Int
    private let rejectionScorePerFrame: Double
    private let phoneLoopRejectionPerFrame: Double?
    /// The utterance as the decoder heard it (16 kHz), kept for the compound second pass
    /// while it fits `secondPassMaximumSamples`; never kept without a second pass or without
    /// the phone loop it needs.
    private var heard: [Int16] = []
    private var heardWhole: Bool
    private let secondPassMaximumSamples: Int
    private var upsampler = Upsampler2x()
    private var input: [Int16]
    private var output: [Int16]
    private var samplesSincePartial = 0
    private var lastPartial = ""
    private var finished = false
    private var started = false

    init(session: RecognitionSession, decoder: PocketSphinxDecoder?, pool: DecoderPool, mode: RecognitionHints.Mode,
         grammar: GrammarCompiler.Grammar?, grammars: GrammarCache, partialIntervalSamples: Int,
         rejectionScorePerFrame: Double, phoneLoopRejectionPerFrame: Double?, secondPassMaximumMs: Int = 0) {
        self.mode = mode
        secondPassMaximumSamples = mode == .grammar ? 16 * secondPassMaximumMs : 0
        heardWhole = secondPassMaximumSamples > 0 && phoneLoopRejectionPerFrame != nil
        self.phoneLoopRejectionPerFrame = phoneLoopRejectionPerFrame
        self.grammars = grammars
        self.rejectionScorePerFrame = rejectionScorePerFrame
        self.session = session
        self.decoder = decoder
        holdsReservation = decoder == nil
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
            if started { _ = try? decoder?.endUtterance() }
            return done(healthy: true)
        }
        let decoder: PocketSphinxDecoder
        do {
            decoder = try startedDecoder()
        } catch {
            // A grammar that is refused leaves the decoder as it was.
            let more = done(healthy: error.code == .invalidGrammar)
            session.emitTerminal(.asrError(error))
            return more
        }
        do {
            try drain(into: decoder)
            if control == .endOfSpeech {
                try decoder.endUtterance()
                var result = finalResult(of: decoder, grammar: grammar, phoneLoopScore: decoder.phoneLoopAcousticScore)
                // Only with a phone loop: it is what keeps the compound grammar's extra paths
                // from taking other speech.
                if result.isOutOfGrammar, heardWhole, !heard.isEmpty, decoder.phoneLoopAcousticScore != nil {
                    result = try secondPass(decoder) ?? result
                }
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

    /// The decoder with its utterance started. The first step loads the decoder when the
    /// pool only granted a slot, compiles the grammar when none was at hand, activates it
    /// (or the language model) and starts the utterance; the audio pushed meanwhile waits
    /// in the ring.
    private func startedDecoder() throws(SpeechError) -> PocketSphinxDecoder {
        if started, let decoder { return decoder }
        let loaded: PocketSphinxDecoder
        if let decoder { loaded = decoder } else {
            holdsReservation = false // `create` returns the decoder or releases the slot
            loaded = try pool.create()
        }
        decoder = loaded
        switch mode {
        case .grammar:
            let active: GrammarCompiler.Grammar
            if let grammar { active = grammar } else {
                active = try grammars.grammar(for: session.hints.intents, isKnownWord: loaded.hasWord)
            }
            grammar = active
            try loaded.useGrammar(active.jsgf, key: active.key)
        case .largeVocabulary:
            try loaded.useLanguageModel()
        }
        try loaded.startUtterance()
        started = true
        return loaded
    }

    private func done(healthy: Bool) -> Bool {
        finished = true
        if let decoder {
            pool.giveBack(decoder, healthy: healthy)
        } else if holdsReservation {
            holdsReservation = false
            pool.releaseReservation()
        }
        return false
    }

    private func drain(into decoder: PocketSphinxDecoder) throws(SpeechError) {
        while true {
            let count = session.ring.read(into: &input)
            if count == 0 { return }
            if session.hints.sampleRateHz == 8000 {
                upsampler.process(input, count: count, into: &output)
                try decoder.process(output, count: 2 * count)
                keep(output, count: 2 * count)
                samplesSincePartial += 2 * count
            } else {
                try decoder.process(input, count: count)
                keep(input, count: count)
                samplesSincePartial += count
            }
            if samplesSincePartial >= partialIntervalSamples {
                samplesSincePartial = 0
                emitPartialIfChanged(decoder)
            }
        }
    }

    /// How much closer to the phone loop a compound result must score than a single phrase.
    static let compoundMarginPerFrame = 10.0

    /// Keeps what the decoder heard for the second pass (on the worker, not the media path).
    private func keep(_ samples: [Int16], count: Int) {
        guard heardWhole else { return }
        if heard.count + count > secondPassMaximumSamples {
            heardWhole = false
            heard = []
            return
        }
        if heard.isEmpty { heard.reserveCapacity(min(secondPassMaximumSamples, 16_000 * 4)) }
        heard.append(contentsOf: samples[0..<count])
    }

    /// The rejected utterance decoded again with the compound grammar (a lead word, one or
    /// two phrases of one intent); the phone loop's score from the first pass is reused (same
    /// audio). nil when the compound grammar also rejects it.
    private func secondPass(_ decoder: PocketSphinxDecoder) throws(SpeechError) -> RecognitionResult? {
        let loopScore = decoder.phoneLoopAcousticScore
        let compound = try grammars.grammar(for: session.hints.intents, compound: true, isKnownWord: decoder.hasWord)
        try decoder.useGrammar(compound.jsgf, key: compound.key)
        try decoder.startUtterance(phoneLoop: false)
        try decoder.process(heard, count: heard.count, phoneLoop: false)
        try decoder.endUtterance(phoneLoop: false)
        heard = []
        let result = finalResult(of: decoder, grammar: compound, phoneLoopScore: loopScore)
        return result.isOutOfGrammar ? nil : result
    }

    private func emitPartialIfChanged(_ decoder: PocketSphinxDecoder) {
        guard let hypothesis = decoder.hypothesis(withWords: false), hypothesis.text != lastPartial else { return }
        lastPartial = hypothesis.text
        session.emitPartial(RecognitionResult(text: hypothesis.text, confidence: hypothesis.confidence, isFinal: false,
                                              isOutOfGrammar: isOutOfGrammar(hypothesis.text)))
    }

    private func finalResult(of decoder: PocketSphinxDecoder, grammar: GrammarCompiler.Grammar?,
                             phoneLoopScore: Int?) -> RecognitionResult {
        guard let hypothesis = decoder.hypothesis(withWords: true) else {
            return RecognitionResult(text: "", confidence: 0, isFinal: true, isOutOfGrammar: grammar != nil)
        }
        let words = hypothesis.words.filter { !$0.word.hasPrefix("<") && !$0.word.hasPrefix("[") && $0.word != "(NULL)" }
        // Out-of-grammar rejection: speech forced through the grammar scores far worse
        // per frame of recognized (non-silence) words than speech the grammar covers.
        let speechFrames = max(1, words.reduce(0) { $0 + $1.endMs - $1.startMs } / 10)
        let scorePerFrame = Double(hypothesis.score) / Double(speechFrames)
        var acoustic = 1 / (1 + exp((rejectionScorePerFrame - scorePerFrame) / 10))
        var belowPhoneLoop = false
        if var threshold = phoneLoopRejectionPerFrame, let loop = phoneLoopScore {
            // A compound path (lead word, two phrases) has more ways to fit any speech: a
            // stricter bar.
            if grammar?.isCompound == true { threshold += Self.compoundMarginPerFrame }
            // A likelihood ratio: how much worse the phrase explains the audio than any phones.
            let ratioPerFrame = Double(hypothesis.acousticScore - loop) / Double(speechFrames)
            belowPhoneLoop = ratioPerFrame < threshold
            acoustic = min(acoustic, 1 / (1 + exp((threshold - ratioPerFrame) / 10)))
        }
        let intent = grammar?.intent(of: hypothesis.text)
        let outOfGrammar = grammar != nil && (intent == nil || scorePerFrame < rejectionScorePerFrame || belowPhoneLoop)
        return RecognitionResult(text: hypothesis.text, words: words,
                                 confidence: grammar == nil ? hypothesis.confidence : acoustic,
                                 isFinal: true, isOutOfGrammar: outOfGrammar,
                                 // A phrase with no intent (an empty name: heard, meaning nothing to route).
                                 grammarIntent: outOfGrammar || intent == "" ? nil : intent)
    }

    private func isOutOfGrammar(_ text: String) -> Bool {
        guard let grammar else { return false }
        return grammar.intent(of: text) == nil
    }
}
