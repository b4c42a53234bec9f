import Foundation

/// Turns typed or transcribed text into an intent, for text front ends (`parley chat`,
/// `parley test`) and as the script-level override layer in live calls.
public protocol DialogueIntentResolving: Sendable {
    /// `candidates` are the intents the current state listens for (empty: all).
    func resolve(_ text: String, candidates: [String]) -> DialogueRecognition
}

/// A simple resolver: the script's keyword and regular-expression overrides first, then an
/// exact match of a normalised example, then the best token overlap (Dice coefficient)
/// above `threshold`. Chinese text is compared by characters and character bigrams. A small lexicon
/// marks angry utterances with the emotion `angry`.
public struct DialogueTextIntentMatcher: DialogueIntentResolving {
    struct Entry: Sendable {
        var name: String
        var examples: [(normalized: String, tokens: [String])]
        var keywords: [String]
        var patterns: [NSRegularExpression]
    }

    let entries: [Entry]
    public var threshold: Double
    public var angryWords: [String] = ["angry", "furious", "ridiculous", "stupid", "fed up", "sick of", "damn",
                                       "生气", "烦死", "气死", "太过分", "投诉"]

    public init(script: DialogueScript, threshold: Double = 0.5) {
        self.threshold = threshold
        entries = script.intents.map { intent in
            Entry(name: intent.name,
                  examples: intent.examples.map { let n = Self.normalize($0); return (n, Self.tokens(n)) },
                  keywords: intent.keywords.map(Self.normalize),
                  patterns: intent.patterns.compactMap { try? NSRegularExpression(pattern: $0, options: [.caseInsensitive]) })
        }
    }

    public func resolve(_ text: String, candidates: [String]) -> DialogueRecognition {
        let normalized = Self.normalize(text)
        let emotion = angryWords.contains(where: { Self.contains(normalized, Self.normalize($0)) }) ? "angry" : nil
        let pool = candidates.isEmpty ? entries : entries.filter { candidates.contains($0.name) }
        // 1. Overrides: the longest matching keyword, else the first matching pattern.
        var best: (String, Int)?
        for e in pool {
            for k in e.keywords where !k.isEmpty && Self.contains(normalized, k) && k.count > (best?.1 ?? 0) { best = (e.name, k.count) }
        }
        if let best { return DialogueRecognition(intent: best.0, confidence: 1, emotion: emotion, text: text) }
        let range = NSRange(text.startIndex..., in: text)
        for e in pool where e.patterns.contains(where: { $0.firstMatch(in: text, range: range) != nil }) {
            return DialogueRecognition(intent: e.name, confidence: 1, emotion: emotion, text: text)
        }
        // 2. Exact normalised example.
        for e in pool where e.examples.contains(where: { $0.normalized == normalized }) {
            return DialogueRecognition(intent: e.name, confidence: 1, emotion: emotion, text: text)
        }
        // 3. Token overlap.
        let tokens = Self.tokens(normalized)
        var top: (String, Double)?
        for e in pool {
            for ex in e.examples {
                let score = Self.dice(tokens, ex.tokens)
                if score > (top?.1 ?? 0) { top = (e.name, score) }
            }
        }
        if let top, top.1 >= threshold {
            return DialogueRecognition(intent: top.0, confidence: top.1, emotion: emotion, text: text)
        }
        return DialogueRecognition(intent: nil, confidence: top?.1 ?? 0, emotion: emotion, text: text)
    }

    /// Lowercased, punctuation removed, full-width folded, spaces collapsed.
    public static func normalize(_ text: String) -> String {
        let folded = text.applyingTransform(.fullwidthToHalfwidth, reverse: false) ?? text
        var out = ""
        var space = false
        for ch in folded.lowercased() {
            if ch.isLetter || ch.isNumber || ch == "'" {
                if space && !out.isEmpty { out.append(" ") }
                space = false
                out.append(ch)
            } else {
                space = true
            }
        }
        return out
    }

    /// Words for alphabetic text; CJK runs become their characters plus character bigrams,
    /// so word order counts and "天气" matches "今天" only weakly.
    public static func tokens(_ normalized: String) -> [String] {
        var out: [String] = []
        func flush(_ run: inout [Character]) {
            for ch in run { out.append(String(ch)) }
            if run.count > 1 { for i in 0..<(run.count - 1) { out.append(String(run[i]) + String(run[i + 1])) } }
            run.removeAll()
        }
        for word in normalized.split(separator: " ") {
            var latin = ""
            var run: [Character] = []
            for ch in word {
                if isCJK(ch) {
                    if !latin.isEmpty { out.append(latin); latin = "" }
                    run.append(ch)
                } else {
                    flush(&run)
                    latin.append(ch)
                }
            }
            flush(&run)
            if !latin.isEmpty { out.append(latin) }
        }
        return out
    }

    static func isCJK(_ ch: Character) -> Bool {
        guard let v = ch.unicodeScalars.first?.value else { return false }
        return (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x3040...0x30FF).contains(v)
    }

    /// Whole-word containment for alphabetic keywords, substring for CJK.
    static func contains(_ text: String, _ keyword: String) -> Bool {
        guard !keyword.isEmpty else { return false }
        if keyword.contains(where: isCJK) { return text.contains(keyword) }
        return (" " + text + " ").contains(" " + keyword + " ")
    }

    static func dice(_ a: [String], _ b: [String]) -> Double {
        guard !a.isEmpty, !b.isEmpty else { return 0 }
        var counts: [String: Int] = [:]
        for t in b { counts[t, default: 0] += 1 }
        var common = 0
        for t in a where (counts[t] ?? 0) > 0 {
            counts[t]! -= 1
            common += 1
        }
        return 2 * Double(common) / Double(a.count + b.count)
    }
}
