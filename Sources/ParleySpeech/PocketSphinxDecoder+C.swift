// Safety invariants (unsafe code in this file):
// - `decoder` is created once in `init` (ps_init) and released once in `deinit` (ps_free);
//   the config is owned by the decoder after ps_init (we drop our reference right away).
// - ps_init runs under one process-wide lock (`construction`): the library keeps global
//   state (its log file) that concurrent initialisations corrupted (see `init`).
// - A decoder is used by one thread at a time: `DecoderPool` leases it to a single
//   utterance, and only that utterance's engine worker calls it. The type is therefore
//   `@unchecked Sendable` for the hand-over between threads, never for sharing.
// - Strings returned by the library (ps_get_hyp, ps_seg_word) are copied into Swift
//   Strings before the next library call; strings we must free (ps_lookup_word) are freed.
// - `process` passes a pointer into a Swift array for the duration of the call only; so do
//   the cepstral-mean get/set calls (at most 64 floats, bounded by the shim).
import CPocketSphinx
import Foundation

/// One pocketsphinx decoder (acoustic model + dictionary, optionally the large LM).
final class PocketSphinxDecoder: @unchecked Sendable {
    struct Hypothesis: Sendable {
        var text: String
        var words: [WordTiming]
        var score: Int32
        var confidence: Double
        /// The path's acoustic score (every segment's, silences included; `withWords` only).
        var acousticScore: Int
    }

    /// `phoneLoop`: every phone after any other (allphone search with the phone LM), the
    /// best the acoustic model can do with the audio whatever was said.
    enum Kind: String, Sendable { case grammar, largeVocabulary, phoneLoop }

    private let decoder: OpaquePointer
    let kind: Kind
    /// Grammar cache key → search name, so a state's grammar is compiled once per decoder.
    private var searchNames: [String: String] = [:]
    private var activeSearch = ""
    /// The acoustic model's initial cepstral mean, restored at every utterance.
    private let initialCepstralMean: [Float]
    /// A grammar decoder's phone loop, fed the same audio: a grammar path that scores far
    /// below it forced speech the grammar does not cover into a phrase.
    private let phoneLoop: PocketSphinxDecoder?
    private static let lmSearch = "parley_lm"
    private static let frameMs = 10

    /// - Parameter withPhoneLoop: a grammar decoder also runs a phone loop (needs the
    ///   model's phone LM).
    init(model: SpeechModelPaths, kind: Kind, withPhoneLoop: Bool = false) throws(SpeechError) {
        Self.silenceLogsOnce
        // No `-logfn`: ps_init would swap the library's global log FILE (open the new one,
        // fclose the old) without a lock, and two decoders initialised at once closed the
        // same FILE twice, corrupting the heap (seen as two threads deadlocked inside
        // fopen/fclose in ps_init). The library's log is silenced once instead.
        var arguments = [
            "-hmm", model.acousticModel, "-dict", model.dictionary,
            "-samprate", "16000",
        ]
        if kind == .largeVocabulary { arguments += ["-lm", model.languageModel] }
        // The word-exit beam (default 7e-29) pruned the only path through long phrases
        // ("can I speak to a real person" over μ-law ended with no hypothesis at all); 1e-40
        // keeps it, at about 10 % more decoding time.
        if kind == .grammar { arguments += ["-wbeam", "1e-40"] }
        if kind == .phoneLoop {
            guard let phones = model.phoneLanguageModel else {
                throw SpeechError(.engineUnavailable, "no phone language model for the phone loop")
            }
            // Context-independent phones: about 0.03 of real time, context-dependent ones 4.
            arguments += ["-allphone", phones, "-allphone_ci", "yes"]
        }
        var cStrings = arguments.map { strdup($0) }
        defer { cStrings.forEach { free($0) } }
        let config = cStrings.withUnsafeMutableBufferPointer { buffer in
            parley_ps_config(Int32(buffer.count), buffer.baseAddress)
        }
        guard let config else { throw SpeechError(.decoderFailure, "pocketsphinx rejected its configuration") }
        defer { cmd_ln_free_r(config) }
        Self.construction.lock()
        let initialised = ps_init(config)
        Self.construction.unlock()
        guard let decoder = initialised else {
            throw SpeechError(.decoderFailure, "pocketsphinx could not load the model at \(model.acousticModel)")
        }
        self.decoder = decoder
        self.kind = kind
        phoneLoop = kind == .grammar && withPhoneLoop ? try PocketSphinxDecoder(model: model, kind: .phoneLoop) : nil
        var mean = [Float](repeating: 0, count: Int(max(0, min(64, parley_ps_cmn_count(decoder)))))
        mean.withUnsafeMutableBufferPointer { parley_ps_cmn_get(decoder, $0.baseAddress) }
        initialCepstralMean = mean
        if kind == .largeVocabulary { activeSearch = Self.lmSearch; searchNames["lm"] = String(cString: ps_get_search(decoder)) }
    }

    deinit { ps_free(decoder) }

    private static let silenceLogsOnce: Void = { parley_ps_silence_logs() }()
    /// Held around ps_init: model loading touches the library's global state.
    private static let construction = NSLock()

    /// True when the dictionary knows `word`.
    func hasWord(_ word: String) -> Bool {
        guard let phones = ps_lookup_word(decoder, word) else { return false }
        parley_ps_free_string(phones)
        return true
    }

    /// Adds a word with its phones (space separated, CMU set) unless already present.
    func addWord(_ word: String, phones: String) throws(SpeechError) {
        if hasWord(word) { return }
        if ps_add_word(decoder, word, phones, 1) < 0 {
            throw SpeechError(.invalidGrammar, "could not add a word to the dictionary")
        }
    }

    /// Activates the grammar `jsgf`, compiling it the first time `key` is seen.
    func useGrammar(_ jsgf: String, key: String) throws(SpeechError) {
        if let name = searchNames[key] {
            if activeSearch != name {
                guard ps_set_search(decoder, name) == 0 else { throw SpeechError(.decoderFailure, "ps_set_search") }
                activeSearch = name
            }
            return
        }
        let name = "g\(searchNames.count)"
        guard ps_set_jsgf_string(decoder, name, jsgf) == 0 else {
            throw SpeechError(.invalidGrammar, "pocketsphinx rejected the JSGF grammar")
        }
        guard ps_set_search(decoder, name) == 0 else { throw SpeechError(.decoderFailure, "ps_set_search") }
        searchNames[key] = name
        activeSearch = name
    }

    /// Activates the large-vocabulary language model (only for `.largeVocabulary` decoders).
    func useLanguageModel() throws(SpeechError) {
        guard kind == .largeVocabulary, let name = searchNames["lm"] else {
            throw SpeechError(.decoderFailure, "this decoder was loaded without a language model")
        }
        if activeSearch != name {
            guard ps_set_search(decoder, name) == 0 else { throw SpeechError(.decoderFailure, "ps_set_search") }
            activeSearch = name
        }
    }

    /// Starts a new stream (frame numbers, hence word timings, restart at 0) and utterance.
    /// The live cepstral mean starts again from the model's: left as the last utterance
    /// moved it (another call's, on a pooled decoder), it made the same words decode
    /// differently by what came before ("can I speak to a real person" after "yes please":
    /// "real person" at -180 per frame instead of the sentence at -69).
    /// `phoneLoop` false: the loop keeps its last utterance (a second pass over the same audio).
    func startUtterance(phoneLoop runsLoop: Bool = true) throws(SpeechError) {
        if !initialCepstralMean.isEmpty {
            initialCepstralMean.withUnsafeBufferPointer { parley_ps_cmn_set(decoder, $0.baseAddress) }
        }
        guard ps_start_stream(decoder) == 0 else { throw SpeechError(.decoderFailure, "ps_start_stream") }
        guard ps_start_utt(decoder) == 0 else { throw SpeechError(.decoderFailure, "ps_start_utt") }
        if runsLoop { try phoneLoop?.startUtterance() }
    }

    /// Feeds 16 kHz samples `samples[0..<count]`.
    func process(_ samples: [Int16], count: Int, phoneLoop runsLoop: Bool = true) throws(SpeechError) {
        if count == 0 { return }
        let status = samples.withUnsafeBufferPointer { buffer in
            ps_process_raw(decoder, buffer.baseAddress, count, 0, 0)
        }
        guard status >= 0 else { throw SpeechError(.decoderFailure, "ps_process_raw") }
        if runsLoop { try phoneLoop?.process(samples, count: count) }
    }

    func endUtterance(phoneLoop runsLoop: Bool = true) throws(SpeechError) {
        guard ps_end_utt(decoder) == 0 else { throw SpeechError(.decoderFailure, "ps_end_utt") }
        if runsLoop { try phoneLoop?.endUtterance() }
    }

    /// The phone loop's acoustic score for the utterance (after `endUtterance`; nil without one).
    var phoneLoopAcousticScore: Int? {
        phoneLoop.flatMap { $0.hypothesis(withWords: true)?.acousticScore }
    }

    /// The current best hypothesis; `withWords` walks the segments (word timings).
    func hypothesis(withWords: Bool) -> Hypothesis? {
        var score: Int32 = 0
        guard let hyp = ps_get_hyp(decoder, &score) else { return nil }
        let text = String(cString: hyp)
        var words: [WordTiming] = []
        var acousticScore = 0
        if withWords {
            let logmath = ps_get_logmath(decoder)
            var segment = ps_seg_iter(decoder)
            while let current = segment {
                let word = String(cString: ps_seg_word(current))
                var startFrame: Int32 = 0
                var endFrame: Int32 = 0
                ps_seg_frames(current, &startFrame, &endFrame)
                var acoustic: Int32 = 0, language: Int32 = 0, backoff: Int32 = 0
                let probability = ps_seg_prob(current, &acoustic, &language, &backoff)
                acousticScore += Int(acoustic)
                let confidence = min(1, max(0, logmath_exp(logmath, probability)))
                words.append(WordTiming(word: word, startMs: Int(startFrame) * Self.frameMs,
                                        endMs: Int(endFrame + 1) * Self.frameMs, confidence: confidence))
                segment = ps_seg_next(current)
            }
        }
        let probability = ps_get_prob(decoder)
        let confidence = min(1, max(0, logmath_exp(ps_get_logmath(decoder), probability)))
        return Hypothesis(text: text, words: words, score: score, confidence: confidence, acousticScore: acousticScore)
    }

    /// Frames (10 ms) decoded in the current utterance.
    var frameCount: Int { Int(ps_get_n_frames(decoder)) }
}
