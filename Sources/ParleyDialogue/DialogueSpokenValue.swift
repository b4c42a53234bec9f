/// Segment recordings that speak a variable's value (relative to the prompt directory):
/// digits → `say/digit-N.wav`; numbers in English → `say/<word>.wav` ("twenty", "five",
/// "hundred", "thousand"), other languages digit by digit; names → `names/<name>.wav`.
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
        }
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
}
