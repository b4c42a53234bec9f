/// Turns text into sparse binary features for the intent classifier: word unigrams and
/// bigrams, character 3- and 4-grams inside Latin words (with boundary marks), and
/// character 1- to 3-grams over runs of CJK ideographs (Chinese has no spaces; the
/// characters themselves carry the meaning).
enum TextFeatures {
    enum Token: Hashable {
        case word(String)
        case cjk(String)
    }

    static func isCJK(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2A6DF: true
        default: false
        }
    }

    /// Latin words (letters, digits, apostrophes) and single CJK characters, lowercased.
    static func tokens(_ text: String) -> [Token] {
        var tokens: [Token] = []
        var word = ""
        func flush() {
            if !word.isEmpty { tokens.append(.word(word)); word = "" }
        }
        for character in text.lowercased() {
            if let scalar = character.unicodeScalars.first, isCJK(scalar) {
                flush()
                tokens.append(.cjk(String(character)))
            } else if character.isLetter || character.isNumber || character == "'" || character == "’" {
                word.append(character == "’" ? "'" : character)
            } else {
                flush()
            }
        }
        flush()
        return tokens
    }

    /// The feature strings of `text`, without duplicates.
    static func features(_ text: String) -> [String] {
        let tokens = tokens(text)
        var out: Set<String> = []
        var previous = "^"
        var cjkRun: [Character] = []
        func flushCJK() {
            guard !cjkRun.isEmpty else { return }
            let run = ["^"] + cjkRun.map(String.init) + ["$"]
            for n in 2...3 where run.count >= n {
                for start in 0...(run.count - n) {
                    out.insert("z\(n):" + run[start..<(start + n)].joined())
                }
            }
            cjkRun = []
        }
        for token in tokens {
            switch token {
            case .word(let word):
                flushCJK()
                out.insert("w:" + word)
                out.insert("b:" + previous + " " + word)
                previous = word
                let marked = Array("<" + word + ">")
                for n in 3...4 where marked.count >= n {
                    for start in 0...(marked.count - n) { out.insert("c\(n):" + String(marked[start..<(start + n)])) }
                }
            case .cjk(let character):
                out.insert("w:" + character)
                out.insert("b:" + previous + " " + character)
                previous = character
                cjkRun.append(Character(character))
            }
        }
        flushCJK()
        if !tokens.isEmpty { out.insert("b:" + previous + " $") }
        return out.sorted()
    }
}
