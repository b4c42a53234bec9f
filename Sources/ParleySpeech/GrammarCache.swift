import Synchronization

/// Compiled grammars by intent set. Every decoder of one model shares its dictionary, so
/// a set compiles the same on any of them: it is compiled once, not per utterance.
final class GrammarCache: Sendable {
    private let grammars = Mutex<[[IntentDefinition]: GrammarCompiler.Grammar]>([:])
    private let garbageWeight: Double
    private let maximumEntries: Int

    init(garbageWeight: Double, maximumEntries: Int = 256) {
        self.garbageWeight = garbageWeight
        self.maximumEntries = maximumEntries
    }

    var count: Int { grammars.withLock { $0.count } }

    /// The grammar already compiled for `intents`, if any.
    func cached(_ intents: [IntentDefinition]) -> GrammarCompiler.Grammar? {
        grammars.withLock { $0[intents] }
    }

    /// The grammar for `intents`, compiled (with `isKnownWord`, the dictionary) the first time.
    func grammar(for intents: [IntentDefinition], isKnownWord: (String) -> Bool) throws(SpeechError) -> GrammarCompiler.Grammar {
        if let cached = cached(intents) { return cached }
        let compiled = try GrammarCompiler(garbageWeight: garbageWeight).compile(intents, isKnownWord: isKnownWord)
        grammars.withLock { cache in
            if cache.count >= maximumEntries { cache.removeAll() }
            cache[intents] = compiled
        }
        return compiled
    }
}
