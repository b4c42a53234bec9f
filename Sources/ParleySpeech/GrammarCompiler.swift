/// Compiles intent phrases into a JSGF grammar for the embedded engine. The grammar has
/// two branches: the phrases themselves, and a garbage loop of common words that absorbs
/// speech outside the grammar ("I am driving right now") instead of forcing it into the
/// nearest phrase. A hypothesis that is not exactly one of the phrases is out of grammar.
///
/// Callers name a short phrase (a keyword) inside the frame of a longer one: "can I speak
/// to a real person" from "can I speak to someone" and "real person". So each example that
/// has an object slot (a prefix ending in a preposition, "can I speak to") also carries the
/// intent's short phrases (one or two words), with an optional article. Only within one
/// intent: the frames never mix intents.
struct GrammarCompiler: Sendable {
    struct Grammar: Sendable, Hashable {
        var jsgf: String
        /// Normalized phrase text → intent name.
        var intentByPhrase: [String: String]
        /// Phrases dropped because a word is not in the dictionary.
        var skippedPhrases: [String]
        /// Cache key: equal grammars compile once per decoder.
        var key: String
        /// A compound grammar (`compileCompound`): an optional lead word, then one or two
        /// phrases of one intent. Empty `leadWords` and false for a grammar of single phrases.
        var isCompound = false
        var leadWords: Set<String> = []

        /// The intent a hypothesis means: its text is one phrase, or (compound) an optional
        /// lead word and one or two phrases of the same intent. nil: not a grammar path.
        func intent(of text: String) -> String? {
            let words = GrammarCompiler.normalize(text)
            if let intent = intentByPhrase[words.joined(separator: " ")] { return intent }
            guard isCompound, !words.isEmpty else { return nil }
            let starts = leadWords.contains(words[0]) ? [0, 1] : [0]
            for start in starts where start < words.count {
                for split in (start + 1)..<words.count {
                    let first = words[start..<split].joined(separator: " ")
                    let second = words[split...].joined(separator: " ")
                    if let intent = intentByPhrase[first], intentByPhrase[second] == intent { return intent }
                }
                if start > 0, let intent = intentByPhrase[words[start...].joined(separator: " ")] { return intent }
            }
            return nil
        }
    }

    /// Weight of the garbage branch relative to the phrase branch (1).
    var garbageWeight: Double = 0

    /// Lowercases, keeps letters, digits and apostrophes, and splits on everything else.
    static func normalize(_ phrase: String) -> [String] {
        var words: [String] = []
        var current = ""
        for character in phrase.lowercased() {
            if character.isLetter || character.isNumber || character == "'" {
                current.append(character)
            } else if !current.isEmpty {
                words.append(current)
                current = ""
            }
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// Each intent's phrases (normalized, examples then framed phrases, each phrase under
    /// the first intent that has it), the phrase → intent map, and the examples dropped.
    struct Phrases {
        var byIntent: [(name: String, phrases: [String])] = []
        var intentByPhrase: [String: String] = [:]
        var skipped: [String] = []
        var alternatives: [String] { byIntent.flatMap(\.phrases) }
    }

    static func phrases(of intents: [IntentDefinition], isKnownWord: (String) -> Bool) throws(SpeechError) -> Phrases {
        var result = Phrases()
        for intent in intents {
            var phrases: [[String]] = []
            for example in intent.examples {
                let words = Self.normalize(example)
                guard !words.isEmpty else { continue }
                guard words.allSatisfy(isKnownWord) else { result.skipped.append(example); continue }
                phrases.append(words)
            }
            var own: [String] = []
            for words in phrases + Self.framedPhrases(phrases) {
                let text = words.joined(separator: " ")
                if result.intentByPhrase[text] == nil {
                    result.intentByPhrase[text] = intent.name
                    own.append(text)
                }
            }
            if !own.isEmpty { result.byIntent.append((intent.name, own)) }
        }
        guard !result.byIntent.isEmpty else {
            throw SpeechError(.invalidGrammar, "no phrase of the grammar has all its words in the dictionary")
        }
        return result
    }

    func compile(_ intents: [IntentDefinition], isKnownWord: (String) -> Bool) throws(SpeechError) -> Grammar {
        let collected = try Self.phrases(of: intents, isKnownWord: isKnownWord)
        let alternatives = collected.alternatives
        let intentByPhrase = collected.intentByPhrase
        let skipped = collected.skipped
        let fillers = Self.garbageWords.filter { isKnownWord($0) }
        var jsgf = "#JSGF V1.0;\ngrammar parley;\n"
        if fillers.isEmpty || garbageWeight <= 0 {
            jsgf += "public <utterance> = <phrase>;\n"
        } else {
            jsgf += "public <utterance> = /1.0/ <phrase> | /\(Self.decimal(garbageWeight))/ <garbage>;\n"
            jsgf += "<garbage> = <filler>+;\n"
            jsgf += "<filler> = " + fillers.joined(separator: " | ") + ";\n"
        }
        jsgf += "<phrase> = " + alternatives.map { "( \($0) )" }.joined(separator: " | ") + ";\n"
        return Grammar(jsgf: jsgf, intentByPhrase: intentByPhrase, skippedPhrases: skipped, key: jsgf)
    }

    /// Words that open an object slot at the end of a frame ("can I speak to …").
    static let slotPrepositions: Set<String> = ["to", "from", "for", "with", "about"]
    /// Optional determiners between a frame and its object ("… to a real person").
    static let slotArticles: [[String]] = [[], ["a"], ["an"], ["the"], ["your"], ["some"]]
    /// Upper bound on framed phrases per intent (the grammar stays small).
    static let maximumFramedPhrases = 240

    /// One intent's short phrases placed in the object slots of its longer ones.
    static func framedPhrases(_ phrases: [[String]]) -> [[String]] {
        var frames: [[String]] = []
        for words in phrases where words.count > 2 {
            for end in 2..<words.count where slotPrepositions.contains(words[end - 1]) {
                let frame = Array(words[..<end])
                if !frames.contains(frame) { frames.append(frame) }
            }
        }
        let objects = phrases.filter { $0.count <= 2 }
        var framed: [[String]] = []
        for frame in frames {
            for article in slotArticles {
                for object in objects where framed.count < maximumFramedPhrases {
                    framed.append(frame + article + object)
                }
            }
        }
        return framed
    }

    /// JSGF weights are plain decimals (no exponent).
    static func decimal(_ value: Double) -> String {
        var digits = 1
        while digits < 30, value * pow10(digits) < 100 { digits += 1 }
        let scaled = (value * pow10(digits)).rounded()
        var text = String(Int(scaled))
        while text.count <= digits { text = "0" + text }
        text.insert(".", at: text.index(text.endIndex, offsetBy: -digits))
        return text
    }

    private static func pow10(_ exponent: Int) -> Double {
        var result = 1.0
        for _ in 0..<exponent { result *= 10 }
        return result
    }

    /// Frequent English words, short and long, that cover the sounds of everyday speech.
    static let garbageWords: [String] = """
    i you he she it we they me him her us them my your our their this that these those
    a an the and or but if so because as of at by for with about into over after before
    to from up down in out on off under again then once here there when where why how
    all any both each few more most other some such only own same than too very just
    am is are was were be been being have has had do does did will would can could
    should may might must shall go going went get got make made take took come came
    see saw know knew think thought say said tell told give gave find work call
    want need like love feel try leave put mean keep let begin seem help talk turn
    start show hear play run move live believe bring happen write sit stand lose pay
    meet include continue set learn change lead understand watch follow stop create
    speak read spend grow open walk win offer remember consider appear buy wait serve
    die send expect build stay fall cut reach kill remain suggest raise pass sell
    driving drive car road home house office today tomorrow morning evening night
    time day week month year now later soon right left good bad new old great little
    big small long short high low next last early late weather rain sun cold hot
    dinner lunch breakfast food water coffee money bank phone number name family
    friend child children dog cat school music movie book game city country street
    nice well fine okay sorry thanks please maybe really actually already still
    one two three four five six seven eight nine ten hundred
    """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
}
