extension GrammarCompiler {
    /// Words a caller puts before an answer that carry no intent ("sorry, I'm driving").
    static let compoundLeadWords: [String] = ["sorry", "oh", "well", "um", "uh", "look", "actually", "listen"]

    /// The compound grammar for `intents`: an optional lead word, then one phrase of an
    /// intent, optionally followed by a second phrase of the same intent ("sorry I'm
    /// driving call me later"). Phrases never mix intents. It is the second pass for an
    /// utterance the single-phrase grammar rejected, so it can only turn a rejection into
    /// an answer, never change an accepted one.
    func compileCompound(_ intents: [IntentDefinition], isKnownWord: (String) -> Bool) throws(SpeechError) -> Grammar {
        let collected = try Self.phrases(of: intents, isKnownWord: isKnownWord)
        let leads = Self.compoundLeadWords.filter(isKnownWord)
        var jsgf = "#JSGF V1.0;\ngrammar parley;\n"
        let body = collected.byIntent.indices.map { "( <i\($0)> [ <i\($0)> ] )" }.joined(separator: " | ")
        if leads.isEmpty {
            jsgf += "public <utterance> = \(body);\n"
        } else {
            jsgf += "public <utterance> = [ <lead> ] ( \(body) );\n"
            jsgf += "<lead> = " + leads.joined(separator: " | ") + ";\n"
        }
        for (index, intent) in collected.byIntent.enumerated() {
            jsgf += "<i\(index)> = " + intent.phrases.map { "( \($0) )" }.joined(separator: " | ") + ";\n"
        }
        return Grammar(jsgf: jsgf, intentByPhrase: collected.intentByPhrase, skippedPhrases: collected.skipped,
                       key: jsgf, isCompound: true, leadWords: Set(leads))
    }
}
