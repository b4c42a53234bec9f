/// What a recognizer partial result suggests about the turn. Classified on the control
/// plane (it reads text); the media thread only receives the enum.
public enum PartialHint: Sendable, Equatable {
    /// Looks like a finished phrase.
    case complete
    /// Ends in a conjunction or filler ("and", "um", "so"): more is coming.
    case incomplete
    /// A digit string in progress: the caller is reading a number.
    case digits

    private static let digitWords: Set<Substring> = [
        "zero", "oh", "o", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
        "double", "triple", "hundred", "dash", "hash", "star", "pound",
    ]
    private static let trailingWords: Set<Substring> = [
        "and", "um", "uh", "er", "erm", "so", "but", "or", "because", "like", "then", "the", "a", "my", "is",
    ]
    private static let backchannelWords: Set<Substring> = [
        "uh-huh", "uhhuh", "mm-hmm", "mmhmm", "mhm", "hmm", "mm", "ok", "okay", "yeah", "yep", "right",
        "sure", "uh", "huh", "um", "嗯", "对", "好",
    ]

    /// Classifies a partial transcript: digits when its last three words (or all, if fewer)
    /// are digits; incomplete when it ends in a conjunction or filler.
    public static func classify(_ text: String) -> PartialHint {
        let words = text.lowercased().split(whereSeparator: { $0 == " " || $0 == "," || $0 == "." })
        guard let last = words.last else { return .complete }
        let tail = words.suffix(3)
        if tail.allSatisfy({ isDigitWord($0) }) { return .digits }
        if trailingWords.contains(last) { return .incomplete }
        return .complete
    }

    /// Words that count toward a confirmed barge-in: everything except backchannels.
    public static func meaningfulWordCount(_ text: String) -> Int {
        text.lowercased().split(whereSeparator: { $0 == " " || $0 == "," || $0 == "." })
            .filter { !backchannelWords.contains($0) }.count
    }

    private static func isDigitWord(_ word: Substring) -> Bool {
        if word.allSatisfy({ $0.isNumber || $0 == "-" }) { return true }
        if "零一二三四五六七八九幺".contains(where: { word.contains($0) }) && word.count <= 2 { return true }
        return digitWords.contains(word)
    }
}
