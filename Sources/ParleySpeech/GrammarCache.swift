import Synchronization

/// Compiled grammars by intent set. Every decoder of one model shares its dictionary, so
/// a set compiles the same on any of them: it is compiled once, not per utterance.
final class GrammarCache: Sendable {
    private let grammars = Mutex<[Key: GrammarCompiler.Grammar]>([:])

    private struct Key: Hashable {
        var intents: [IntentDefinition]
        var compound: Bool
    }
    private let garbageWeight: Double
    private let maximumEntries: Int

    init(garbageWeight: Double, maximumEntries: Int = 256) {
        self.garbageWeight = garbageWeight
        self.maximumEntries = maximumEntries
    }

    var count: Int { grammars.withLock { $0.count } }

    /// The grammar already compiled for `intents`, if any.
    func cached(_ intents: [IntentDefinition], compound: Bool = false) -> GrammarCompiler.Grammar? {
        grammars.withLock { $0[Key(intents: intents, compound: compound)] }
    }

    /// The grammar for `intents`, compiled (with `isKnownWord`, the dictionary) the first
    /// time; `compound`: the second-pass grammar (`GrammarCompiler.compileCompound`).
    func grammar(for intents: [IntentDefinition], compound: Bool = false,
                 isKnownWord: (String) -> Bool) throws(SpeechError) -> GrammarCompiler.Grammar {
        if let cached = cached(intents, compound: compound) { return cached }
        let compiler = GrammarCompiler(garbageWeight: garbageWeight)
        let compiled = compound ? try compiler.compileCompound(intents, isKnownWord: isKnownWord)
            : try compiler.compile(intents, isKnownWord: isKnownWord)
        grammars.withLock { cache in
            if cache.count >= maximumEntries { cache.removeAll() }
            cache[Key(intents: intents, compound: compound)] = compiled
        }
        return compiled
    }
}
