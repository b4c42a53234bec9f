import Testing
@testable import ParleyDialogue

@Suite struct TextIntentMatcherTests {
    let matcher: DialogueTextIntentMatcher

    init() throws {
        let script = try loadScript("""
            script: m
            intents:
              yes: {examples: [yes please, sure, that sounds good], keywords: [yeah], patterns: ["^y(es|up)\\\\b"]}
              no: {examples: [no thanks, not interested, I don't want it]}
              human: {examples: [talk to a person, agent please], keywords: [real person]}
              pay_later: {examples: [过几天再还, 下周还, 改天吧]}
              pay_today: {examples: [今天可以, 今天就还]}
            states:
              s: {hangup: x}
            """)
        matcher = DialogueTextIntentMatcher(script: script)
    }

    @Test func keywordsWinFirst() {
        let r = matcher.resolve("Yeah, why not, no problem", candidates: [])
        #expect(r.intent == "yes")
        #expect(r.confidence == 1)
        #expect(matcher.resolve("I want a REAL person!", candidates: []).intent == "human")
    }

    @Test func patternsAreCaseInsensitive() {
        #expect(matcher.resolve("Yup.", candidates: []).intent == "yes")
    }

    @Test func exactNormalisedExample() {
        let r = matcher.resolve("  No, THANKS! ", candidates: [])
        #expect(r.intent == "no")
        #expect(r.confidence == 1)
    }

    @Test func tokenOverlapAboveThreshold() {
        let r = matcher.resolve("I'd like to talk to a person", candidates: [])
        #expect(r.intent == "human")
        #expect(r.confidence >= 0.5 && r.confidence < 1)
    }

    @Test func belowThresholdIsNoMatch() {
        let r = matcher.resolve("the weather is lovely today", candidates: [])
        #expect(r.intent == nil)
    }

    @Test func candidatesRestrictTheChoice() {
        #expect(matcher.resolve("yeah", candidates: ["no", "human"]).intent == nil)
    }

    @Test func chineseUsesCharactersAndBigrams() {
        #expect(matcher.resolve("我下周再还吧", candidates: []).intent == "pay_later")
        #expect(matcher.resolve("今天就还吧", candidates: []).intent == "pay_today")
        #expect(matcher.resolve("天气不错", candidates: []).intent == nil)
        #expect(DialogueTextIntentMatcher.tokens("下周还 ok") == ["下", "周", "还", "下周", "周还", "ok"])
    }

    @Test func angryWordsSetTheEmotion() {
        #expect(matcher.resolve("this is ridiculous", candidates: []).emotion == "angry")
        #expect(matcher.resolve("yes please", candidates: []).emotion == nil)
    }
}

@Suite struct ValueTests {
    func slot(_ kind: DialogueSlot.Kind, _ min: Int = 1, _ max: Int = 32, pattern: String? = nil) -> DialogueSlot {
        DialogueSlot(variable: "v", kind: kind, minLength: min, maxLength: max, pattern: pattern,
                     mark: .init(path: "x", line: 1, column: 1))
    }

    @Test func digitSlots() {
        #expect(DialogueSlotValidator.validate("1234#", slot(.digits, 4, 4)) == "1234")
        #expect(DialogueSlotValidator.validate("one two three four", slot(.digits, 4, 4)) == "1234")
        #expect(DialogueSlotValidator.validate("幺二三四", slot(.digits, 4, 4)) == "1234")
        #expect(DialogueSlotValidator.validate("123", slot(.digits, 4, 4)) == nil)
        #expect(DialogueSlotValidator.validate("hello", slot(.digits)) == nil)
        #expect(DialogueSlotValidator.validate("0042", slot(.number)) == "42")
        #expect(DialogueSlotValidator.validate("1234", slot(.digits, pattern: "1[0-9]+")) == "1234")
        #expect(DialogueSlotValidator.validate("2234", slot(.digits, pattern: "1[0-9]+")) == nil)
    }

    @Test func dateSlots() {
        #expect(DialogueSlotValidator.validate("20261201", slot(.date)) == "2026-12-01")
        #expect(DialogueSlotValidator.validate("2026年12月3日", slot(.date)) == "2026-12-03")
        #expect(DialogueSlotValidator.validate("2024-02-29", slot(.date)) == "2024-02-29")
        #expect(DialogueSlotValidator.validate("2025-02-29", slot(.date)) == nil)
        #expect(DialogueSlotValidator.validate("20261301", slot(.date)) == nil)
    }

    @Test func spokenValues() {
        #expect(DialogueSpokenValue.words(0) == ["zero"])
        #expect(DialogueSpokenValue.words(1250) == ["one", "thousand", "two", "hundred", "fifty"])
        #expect(DialogueSpokenValue.words(2_000_019) == ["two", "million", "nineteen"])
        #expect(DialogueSpokenValue.files("20", format: .number, language: "en") == ["say/twenty.wav"])
        #expect(DialogueSpokenValue.files("356", format: .number, language: "zh") == ["say/digit-3.wav", "say/digit-5.wav", "say/digit-6.wav"])
        #expect(DialogueSpokenValue.files("Mary Ann", format: .name, language: "en") == ["names/mary-ann.wav"])
    }

    @Test func spokenAmounts() {
        func say(_ v: String, _ language: String = "en") -> [String] {
            DialogueSpokenValue.files(v, format: .amount, language: language).map { String($0.dropFirst(4).dropLast(4)) }
        }
        #expect(say("12.50") == ["twelve", "dollars", "and", "fifty", "cents"])
        #expect(say("$1.01") == ["one", "dollar", "and", "one", "cent"])
        #expect(say("0.05") == ["five", "cents"])
        #expect(say("20") == ["twenty", "dollars"])
        #expect(say("0") == ["zero", "dollars"])
        #expect(say("12.5") == ["twelve", "dollars", "and", "fifty", "cents"])
        #expect(say("1.2.3").isEmpty)
        #expect(say("12.50", "zh") == ["digit-1", "digit-2", "point", "digit-5", "digit-0"])
        // Every file an amount can need is in the lint vocabulary.
        let vocabulary = Set(DialogueSpokenValue.vocabulary(.amount, language: "en"))
        for v in ["12.50", "1.01", "999999.99", "0.05"] {
            #expect(DialogueSpokenValue.files(v, format: .amount, language: "en").allSatisfy(vocabulary.contains))
        }
    }

    @Test func spokenDates() {
        #expect(DialogueSpokenValue.files("2026-11-23", format: .date, language: "en") == ["say/month-11.wav", "say/day-23.wav"])
        #expect(DialogueSpokenValue.files("2026-01-05T10:00:00Z", format: .date, language: "zh") == ["say/month-1.wav", "say/day-5.wav"])
        #expect(DialogueSpokenValue.files("2026-13-01", format: .date, language: "en").isEmpty)
        #expect(DialogueSpokenValue.files("tomorrow", format: .date, language: "en").isEmpty)
        #expect(DialogueSpokenValue.vocabulary(.date, language: "en").count == 43)
    }

    @Test func templates() {
        #expect(DialogueTemplate.render("Hi {name}, {missing}!", ["name": "Ann"]) == "Hi Ann, !")
        #expect(DialogueTemplate.render("open {brace", [:]) == "open {brace")
        #expect(DialogueTemplate.variables(in: "{a} and {b}") == ["a", "b"])
    }
}

@Suite struct WAVInspectorTests {
    /// A canonical 44-byte-header PCM16 mono WAV.
    func wav(rate: Int, channels: Int = 1, samples: [Int16]) -> [UInt8] {
        func le32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        func le16(_ v: Int) -> [UInt8] { (0..<2).map { UInt8((v >> (8 * $0)) & 0xFF) } }
        let data = samples.flatMap { le16(Int(UInt16(bitPattern: $0))) }
        return Array("RIFF".utf8) + le32(36 + data.count) + Array("WAVE".utf8) + Array("fmt ".utf8) + le32(16)
            + le16(1) + le16(channels) + le32(rate) + le32(rate * 2 * channels) + le16(2 * channels) + le16(16)
            + Array("data".utf8) + le32(data.count) + data
    }

    @Test func measuresRateDurationClippingAndSilence() throws {
        let tone = (0..<8000).map { Int16(8000 * sin(Double($0) * 0.3)) }
        guard case .audio(let info) = WAVPromptInspector.analyze(wav(rate: 8000, samples: tone)) else {
            Issue.record("not analysed")
            return
        }
        #expect(info.sampleRateHz == 8000)
        #expect(info.durationMs == 1000)
        #expect(info.clippedFraction == 0)
        #expect(info.silentFraction == 0)
        let clipped = (0..<800).map { $0 % 2 == 0 ? Int16.max : Int16.min }
        guard case .audio(let c) = WAVPromptInspector.analyze(wav(rate: 16000, samples: clipped)) else { return }
        #expect(c.sampleRateHz == 16000 && c.clippedFraction == 1)
        guard case .audio(let s) = WAVPromptInspector.analyze(wav(rate: 8000, samples: [Int16](repeating: 3, count: 4000))) else { return }
        #expect(s.silentFraction == 1)
    }

    @Test func rejectsGarbageAndTruncatedFiles() {
        #expect(WAVPromptInspector.analyze(Array("hello".utf8)) == .unreadable("not a WAV file"))
        let full = wav(rate: 8000, samples: [1, 2, 3])
        #expect(WAVPromptInspector.analyze(Array(full.prefix(30))) == .unreadable("no fmt or data chunk"))
        #expect(WAVPromptInspector.inspect(path: "/nonexistent.wav") == .missing)
    }
}

extension WAVPromptInspector {
    static func inspect(path: String) -> DialoguePromptAudio { WAVPromptInspector().inspect(path: path) }
}

import Foundation
