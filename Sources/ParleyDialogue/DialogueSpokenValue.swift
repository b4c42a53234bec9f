/// Segment recordings that speak a variable's value (relative to the prompt directory):
/// digits → `say/digit-N.wav`; numbers in English → `say/<word>.wav` ("twenty", "five",
/// "hundred", "thousand"), other languages digit by digit; names → `names/<name>.wav`;
/// amounts → the number, `say/dollars.wav`, `say/and.wav`, the cents, `say/cents.wav`;
/// dates → `say/month-M.wav` + `say/day-D.wav`. A value that cannot be spoken in its
/// format (a date that is not a date) yields no recordings.
public enum DialogueSpokenValue {
    static let ones = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                       "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"]
    static let tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]

    public static func files(_ value: String, format: DialogueSayFormat, language: String) -> [String] {
        switch format {
        case .digits:
            return value.filter(\.isASCII).filter(\.isNumber).map { "say/digit-\($0).wav" }
        case .number:
            guard language.hasPrefix("en"), let n = Int(value.filter { $0 != "," }), n >= 0, n < 1_000_000_000 else {
                return files(value, format: .digits, language: language)
            }
            return words(n).map { "say/\($0).wav" }
        case .name:
            let slug = value.lowercased().map { $0.isLetter || $0.isNumber ? String($0) : "-" }.joined()
            return slug.isEmpty ? [] : ["names/\(slug).wav"]
        case .amount:
            return amountFiles(value, language: language)
        case .date:
            return dateFiles(value)
        }
    }

    /// "12.50" → twelve dollars and fifty cents (English); "0.05" → five cents; "3" → three dollars.
    static func amountFiles(_ value: String, language: String) -> [String] {
        let cleaned = value.filter { $0.isASCII && ($0.isNumber || $0 == ".") }
        let parts = cleaned.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, let whole = Int(parts[0].isEmpty ? "0" : parts[0]), whole < 1_000_000_000 else { return [] }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.allSatisfy(\.isNumber) else { return [] }
        guard language.hasPrefix("en") else {
            let digits = files(String(whole), format: .digits, language: language)
            return fraction.isEmpty ? digits : digits + ["say/point.wav"] + fraction.map { "say/digit-\($0).wav" }
        }
        let cents = fraction.isEmpty ? 0 : Int((fraction + "0").prefix(2)) ?? 0
        var out: [String] = []
        if whole > 0 || cents == 0 {
            out += words(whole).map { "say/\($0).wav" } + [whole == 1 ? "say/dollar.wav" : "say/dollars.wav"]
        }
        if cents > 0 {
            if !out.isEmpty { out.append("say/and.wav") }
            out += words(cents).map { "say/\($0).wav" } + [cents == 1 ? "say/cent.wav" : "say/cents.wav"]
        }
        return out
    }

    /// "2026-11-23" (or "2026-11-23T…") → month-11, day-23.
    static func dateFiles(_ value: String) -> [String] {
        let parts = value.prefix(10).split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), (1...31).contains(day) else { return [] }
        return ["say/month-\(month).wav", "say/day-\(day).wav"]
    }

    /// English number words, e.g. 1250 → ["one", "thousand", "two", "hundred", "fifty"].
    public static func words(_ n: Int) -> [String] {
        if n < 20 { return [ones[n]] }
        if n < 100 { return [tens[n / 10]] + (n % 10 == 0 ? [] : [ones[n % 10]]) }
        if n < 1000 { return [ones[n / 100], "hundred"] + (n % 100 == 0 ? [] : words(n % 100)) }
        if n < 1_000_000 { return words(n / 1000) + ["thousand"] + (n % 1000 == 0 ? [] : words(n % 1000)) }
        return words(n / 1_000_000) + ["million"] + (n % 1_000_000 == 0 ? [] : words(n % 1_000_000))
    }

    /// Every recording `files` can name for numbers and digits (for lint checks).
    public static let numberVocabulary: [String] =
        ones + tens.filter { !$0.isEmpty } + ["hundred", "thousand", "million"]

    /// Every recording a format can name in a language (for lint checks); names are
    /// per value and have no fixed vocabulary.
    public static func vocabulary(_ format: DialogueSayFormat, language: String) -> [String] {
        let english = language.hasPrefix("en")
        let digits = (0...9).map { "say/digit-\($0).wav" }
        switch format {
        case .name: return []
        case .digits: return digits
        case .number: return english ? numberVocabulary.map { "say/\($0).wav" } : digits
        case .amount:
            return english
                ? (numberVocabulary + ["dollar", "dollars", "cent", "cents", "and"]).map { "say/\($0).wav" }
                : digits + ["say/point.wav"]
        case .date: return (1...12).map { "say/month-\($0).wav" } + (1...31).map { "say/day-\($0).wav" }
        }
    }
}
