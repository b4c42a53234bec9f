import Synchronization

/// The default engine: pocketsphinx en-us (16 kHz model; 8 kHz input is upsampled).
/// Grammar mode compiles the hints' intent phrases into JSGF with a garbage branch;
/// large-vocabulary mode decodes with the statistical language model.
public final class EmbeddedRecognizer: SpeechRecognizer {
    public struct Configuration: Sendable {
        public var model: SpeechModelPaths
        /// Upper bound on grammar-mode decoders (~27 MB each, ~56 MB with the phone loop).
        public var maximumGrammarDecoders: Int
        /// Upper bound on large-vocabulary decoders (~90 MB each); 0 disables the mode.
        public var maximumLanguageModelDecoders: Int
        /// Grammar decoders loaded at start.
        public var prewarmGrammarDecoders: Int
        /// Large-vocabulary decoders loaded at start.
        public var prewarmLanguageModelDecoders: Int = 0
        /// Threads that drain rings and run the decoders.
        public var workerThreads: Int
        /// How often a worker drains rings when not woken.
        public var pollIntervalMs: Int
        /// Audio the ring holds before it drops (the engine's allowed lag).
        public var ringCapacityMs: Int
        /// How often a partial hypothesis is taken, in audio time.
        public var partialIntervalMs: Int
        /// Weight of the grammar's garbage (filler-word loop) branch; 0 leaves it out.
        /// With pocketsphinx 5prealpha the loop out-scores in-grammar speech at any
        /// weight we tried, so rejection relies on `rejectionScorePerFrame` by default.
        public var garbageWeight: Double
        /// Out-of-grammar threshold: path score per 10 ms frame of recognized words.
        /// In-grammar espeak-ng speech over μ-law scores about -20…-70, speech forced
        /// into the grammar -100…-210.
        public var rejectionScorePerFrame: Double
        /// Out-of-grammar threshold against a phone loop run on the same audio: the grammar
        /// path's acoustic score minus the phone loop's, per 10 ms frame of recognized words.
        /// Speech the grammar covers scores about 0…-45 below the loop, other speech forced
        /// into a phrase -50…-130 (six synthetic voices, 15 phrases). nil: no phone loop
        /// (half the decoding cost; rejection then rests on `rejectionScorePerFrame` alone).
        public var phoneLoopRejectionPerFrame: Double?
        /// Grammar mode: an utterance the grammar rejects, up to this long, is decoded again
        /// with a compound grammar (an optional lead word, then one or two phrases of one
        /// intent: "sorry, I'm driving, call me later"), under the same rejection tests.
        /// Needs the phone loop (`phoneLoopRejectionPerFrame`), whose bar the compound result
        /// must clear by 10 more per frame. 0: no second pass. Costs a second decode of
        /// rejected utterances only (about 0.06 × their length, before the result).
        public var compoundSecondPassMaximumMs: Int = 8000

        public init(model: SpeechModelPaths = .debianEnglish, maximumGrammarDecoders: Int = 8,
                    maximumLanguageModelDecoders: Int = 2, prewarmGrammarDecoders: Int = 1,
                    workerThreads: Int = 2, pollIntervalMs: Int = 10, ringCapacityMs: Int = 10_000,
                    partialIntervalMs: Int = 300, garbageWeight: Double = 0,
                    rejectionScorePerFrame: Double = -90, phoneLoopRejectionPerFrame: Double? = -50) {
            self.rejectionScorePerFrame = rejectionScorePerFrame
            self.phoneLoopRejectionPerFrame = phoneLoopRejectionPerFrame
            self.model = model
            self.maximumGrammarDecoders = maximumGrammarDecoders
            self.maximumLanguageModelDecoders = maximumLanguageModelDecoders
            self.prewarmGrammarDecoders = prewarmGrammarDecoders
            self.workerThreads = workerThreads
            self.pollIntervalMs = pollIntervalMs
            self.ringCapacityMs = ringCapacityMs
            self.partialIntervalMs = partialIntervalMs
            self.garbageWeight = garbageWeight
        }
    }

    public let configuration: Configuration
    let grammarPool: DecoderPool
    let languageModelPool: DecoderPool
    private let workers: [EngineWorker]
    private let nextWorker = Atomic<Int>(0)
    private let grammars: GrammarCache

    public init(configuration: Configuration = Configuration()) throws(SpeechError) {
        try configuration.model.validate()
        self.configuration = configuration
        grammars = GrammarCache(garbageWeight: configuration.garbageWeight)
        grammarPool = DecoderPool(model: configuration.model, kind: .grammar,
                                  maximumDecoders: configuration.maximumGrammarDecoders,
                                  withPhoneLoop: configuration.phoneLoopRejectionPerFrame != nil
                                      && configuration.model.phoneLanguageModel != nil)
        languageModelPool = DecoderPool(model: configuration.model, kind: .largeVocabulary,
                                        maximumDecoders: configuration.maximumLanguageModelDecoders)
        try grammarPool.prewarm(configuration.prewarmGrammarDecoders)
        try languageModelPool.prewarm(configuration.prewarmLanguageModelDecoders)
        workers = (0..<max(1, configuration.workerThreads)).map {
            EngineWorker(name: "parley-asr-\($0)", pollIntervalMs: configuration.pollIntervalMs)
        }
    }

    deinit { workers.forEach { $0.stop() } }

    /// Intent sets whose grammar is compiled and kept.
    var cachedGrammarCount: Int { grammars.count }

    /// Decoders created / idle / leased, per mode.
    public var poolCounters: (grammar: (created: Int, idle: Int, leased: Int),
                              largeVocabulary: (created: Int, idle: Int, leased: Int)) {
        let g = grammarPool.counters, l = languageModelPool.counters
        return ((g.created, g.idle, g.leased), (l.created, l.idle, l.leased))
    }

    public func startUtterance(_ hints: RecognitionHints) throws(SpeechError) -> RecognitionSession {
        guard hints.language.lowercased().hasPrefix("en") else {
            throw SpeechError(.unsupportedLanguage, "the embedded engine has an en-us model only; use the network engine")
        }
        guard hints.sampleRateHz == 8000 || hints.sampleRateHz == 16000 else {
            throw SpeechError(.unsupportedSampleRate, "\(hints.sampleRateHz) Hz")
        }
        let pool = hints.mode == .grammar ? grammarPool : languageModelPool
        // nil: a slot under the maximum, the decoder to be loaded by the job.
        let decoder = try pool.reserve()
        var grammar: GrammarCompiler.Grammar?
        if hints.mode == .grammar, let decoder {
            // With a dictionary at hand the grammar is compiled now, so a phrase list that
            // has no word in it is refused here rather than in the first step.
            do {
                grammar = try grammars.grammar(for: hints.intents, isKnownWord: decoder.hasWord)
            } catch {
                pool.giveBack(decoder, healthy: true)
                throw error
            }
        }
        let index = nextWorker.add(1, ordering: .relaxed).oldValue % workers.count
        let worker = workers[index]
        let session = RecognitionSession(
            hints: hints, ringCapacitySamples: hints.sampleRateHz * configuration.ringCapacityMs / 1000,
            onControl: { worker.wake() })
        // The decoder is loaded (hundreds of ms) and set up (the grammar's search built, tens
        // of ms the first time a decoder meets it) by the job on its worker, not here on the
        // caller's thread.
        let job = EmbeddedJob(session: session, decoder: decoder, pool: pool, mode: hints.mode, grammar: grammar,
                              grammars: grammars,
                              partialIntervalSamples: 16 * configuration.partialIntervalMs,
                              rejectionScorePerFrame: configuration.rejectionScorePerFrame,
                              phoneLoopRejectionPerFrame: configuration.phoneLoopRejectionPerFrame,
                              secondPassMaximumMs: configuration.compoundSecondPassMaximumMs)
        worker.add(job)
        return session
    }
}
