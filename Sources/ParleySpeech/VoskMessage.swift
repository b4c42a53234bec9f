import Foundation

/// A JSON message from a Vosk-protocol server: `{"partial": "…"}` or
/// `{"result": [{"word", "start", "end", "conf"}…], "text": "…"}` (times in seconds).
enum VoskMessage: Sendable, Hashable {
    case partial(String)
    case result(text: String, words: [WordTiming])

    struct ParseError: Error, Sendable, Hashable {
        var reason: String
    }

    private struct Wire: Decodable {
        struct Word: Decodable {
            var word: String
            var start: Double
            var end: Double
            var conf: Double?
        }
        var partial: String?
        var text: String?
        var result: [Word]?
    }

    static func parse(_ bytes: [UInt8]) throws(ParseError) -> VoskMessage {
        let wire: Wire
        do { wire = try JSONDecoder().decode(Wire.self, from: Data(bytes)) } catch {
            throw ParseError(reason: "not a Vosk message")
        }
        if let text = wire.text {
            var words: [WordTiming] = []
            for word in wire.result ?? [] {
                guard word.start.isFinite, word.end.isFinite, word.start >= 0, word.end >= word.start,
                      word.end < 86_400 else { throw ParseError(reason: "word times out of range") }
                words.append(WordTiming(word: word.word, startMs: Int((word.start * 1000).rounded()),
                                        endMs: Int((word.end * 1000).rounded()),
                                        confidence: min(1, max(0, word.conf ?? 1))))
            }
            return .result(text: text, words: words)
        }
        if let partial = wire.partial { return .partial(partial) }
        throw ParseError(reason: "neither partial nor text")
    }

    /// The configuration message opening a stream.
    static func config(sampleRateHz: Int, phrases: [String]) -> String {
        var config: [String: Any] = ["sample_rate": sampleRateHz, "words": 1]
        if !phrases.isEmpty { config["phrase_list"] = phrases }
        let data = (try? JSONSerialization.data(withJSONObject: ["config": config], options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    static let endOfStream = #"{"eof" : 1}"#
}
