import Foundation
import ParleyCodecs
import Testing
@testable import ParleySpeech

/// The simulator's caller speech (examples/sim/speech, flite's US English rms voice at 8 kHz)
/// decoded by the embedded recognizer with the demo script's grammar, as parleyd builds it
/// (every intent's examples and keywords) and as parleyd hears it: over μ-law, after a
/// stretch of line silence.
@Suite(.serialized) struct DemoCallerSpeechTests {
    struct Case: Sendable {
        var file: String
        /// The intent the caller means; nil when the speech must be rejected.
        var intent: String?
    }

    static let repo = SpeechFixtures.repoRoot.path

    /// Understood by the recognizer (the grammar answers the intent, or rejects speech it
    /// does not cover: the phone loop turns down "the weather is lovely" forced into "where
    /// are you calling from" and "purple elephants" into "go ahead").
    static let understood: [Case] = [
        Case(file: "yes", intent: "yes"), Case(file: "yes-please", intent: "yes"), Case(file: "sure", intent: "yes"),
        Case(file: "no", intent: "no"), Case(file: "no-thanks", intent: "no"),
        Case(file: "how-much", intent: "how_much"), Case(file: "repeat", intent: "repeat"),
        Case(file: "who-is-this", intent: "who_is_this"),
        Case(file: "stop-calling", intent: "stop_calling"),
        // "real person" said inside the frame of "can I speak to someone".
        Case(file: "real-person", intent: "human"),
        // "sorry I'm driving, call me later": a lead word and two of the busy intent's
        // phrases, heard by the compound second pass (CompoundSecondPassTests).
        Case(file: "driving", intent: "busy"),
        Case(file: "weather", intent: nil), Case(file: "elephants", intent: nil), Case(file: "banana", intent: nil),
        // An emotion cue, no intent: rejected is right for the grammar.
        Case(file: "ridiculous", intent: nil),
    ]

    /// The demo script's intents with examples and keywords, in script order (a small reader
    /// for the script's flow lists: `examples: ["a", "b"]`).
    static func demoIntents() throws -> [IntentDefinition] {
        let text = try String(contentsOfFile: repo + "/examples/demo/member-care.yaml", encoding: .utf8)
        var intents: [IntentDefinition] = []
        var inIntents = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("intents:") { inIntents = true; continue }
            guard inIntents else { continue }
            if !line.hasPrefix(" "), !line.isEmpty { break }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("  "), !line.hasPrefix("    "), trimmed.hasSuffix(":") {
                intents.append(IntentDefinition(name: String(trimmed.dropLast()), examples: [], language: "en-US"))
            } else if trimmed.hasPrefix("examples:") || trimmed.hasPrefix("keywords:"), !intents.isEmpty {
                let quoted = trimmed.split(separator: "\"", omittingEmptySubsequences: false)
                intents[intents.count - 1].examples += stride(from: 1, to: quoted.count, by: 2).map { String(quoted[$0]) }
            }
        }
        return intents
    }

    /// 8 kHz PCM as parleyd hears it: 600 ms of silence, the words, 300 ms of silence, over μ-law.
    static func callerAudio(_ file: String) throws -> [Int16] {
        let audio = try PromptLoader(sampleRateHz: 8000).load(path: repo + "/examples/sim/speech/\(file).wav")
        let padded = [Int16](repeating: 0, count: 4800) + audio.samples + [Int16](repeating: 0, count: 2400)
        return padded.map { G711.decodeMuLaw(G711.encodeMuLaw($0)) }
    }

    static func understand(_ file: String, hints: RecognitionHints) async throws -> RecognitionResult {
        let (_, event) = try await EmbeddedRecognizerTests.recognize(try callerAudio(file), hints: hints)
        guard case .final(let result) = event else { throw SpeechFixtures.FixtureMissing(description: "\(file): \(event)") }
        return result
    }

    @Test func theDemoCallersAreUnderstood() async throws {
        let intents = try Self.demoIntents()
        #expect(intents.map(\.name) == ["yes", "no", "busy", "who_is_this", "how_much", "human", "stop_calling", "repeat"])
        let hints = RecognitionHints(mode: .grammar, intents: intents, language: "en-US", sampleRateHz: 8000)
        var lines: [String] = []
        for c in Self.understood {
            let result = try await Self.understand(c.file, hints: hints)
            let heard = result.isOutOfGrammar ? nil : result.grammarIntent
            lines.append("\(c.file): \"\(result.text)\" → \(heard ?? "rejected") (\(String(format: "%.2f", result.confidence)))")
            #expect(heard == c.intent, "\(c.file): heard \"\(result.text)\" → \(heard ?? "rejected")")
        }
        print("demo callers through the embedded recognizer:\n  " + lines.joined(separator: "\n  "))
    }

    /// A script that listens for an emotion gives the grammar the phrases of anger with no
    /// intent (parleyd's ScriptCatalog): "this is ridiculous" is then heard as said, for the
    /// emotion estimator, and every other caller decodes as before.
    @Test func thePhrasesOfAngerAreHeardWithoutAnIntent() async throws {
        let cues = IntentDefinition(name: "", examples: EmotionEstimator.spokenAngerPhrases, language: "en-US")
        let hints = RecognitionHints(mode: .grammar, intents: try Self.demoIntents() + [cues], language: "en-US",
                                     sampleRateHz: 8000)
        let angry = try await Self.understand("ridiculous", hints: hints)
        #expect(!angry.isOutOfGrammar && angry.grammarIntent == nil && angry.text.contains("ridiculous"),
                "\"\(angry.text)\" (\(angry.confidence))")
        #expect(EmotionEstimator().estimate(angry.text).emotion == .angry)
        for c in Self.understood where c.file != "ridiculous" {
            let result = try await Self.understand(c.file, hints: hints)
            let heard = result.isOutOfGrammar ? nil : result.grammarIntent
            #expect(heard == c.intent, "\(c.file): heard \"\(result.text)\" → \(heard ?? "rejected")")
        }
    }

    /// The phone loop is what turns down speech forced into a phrase: without it, "the
    /// weather is lovely" is taken for "where are you calling from" (who_is_this).
    @Test func thePhoneLoopRejectsSpeechForcedIntoAPhrase() async throws {
        let hints = RecognitionHints(mode: .grammar, intents: try Self.demoIntents(), language: "en-US", sampleRateHz: 8000)
        func decode(_ file: String, phoneLoop: Double?) async throws -> RecognitionResult {
            let recognizer = try EmbeddedRecognizer(configuration: .init(
                maximumGrammarDecoders: 1, maximumLanguageModelDecoders: 0, workerThreads: 1,
                phoneLoopRejectionPerFrame: phoneLoop))
            let session = try recognizer.startUtterance(hints)
            session.push(try Self.callerAudio(file))
            session.endOfSpeech()
            guard case .final(let result) = try await terminal(of: session, timeoutMs: 20_000).terminal else {
                throw SpeechFixtures.FixtureMissing(description: "\(file): no final result")
            }
            return result
        }
        let without = try await decode("weather", phoneLoop: nil)
        #expect(!without.isOutOfGrammar, "without the phone loop: \"\(without.text)\" (\(without.confidence))")
        let with = try await decode("weather", phoneLoop: -50)
        #expect(with.isOutOfGrammar && with.grammarIntent == nil, "with the phone loop: \"\(with.text)\" (\(with.confidence))")
        // The same loop lets the caller's real answers through.
        let yes = try await decode("yes-please", phoneLoop: -50)
        #expect(yes.grammarIntent == "yes", "\"\(yes.text)\" (\(yes.confidence))")
    }

    /// One decoder, reused: an utterance decodes the same whatever that decoder heard before
    /// (the live cepstral mean used to carry over, and "yes please" before it turned "can I
    /// speak to a real person" into a rejected "real person").
    @Test func aPooledDecoderDoesNotCarryTheLastUtteranceOver() async throws {
        let recognizer = try EmbeddedRecognizer(configuration: .init(
            maximumGrammarDecoders: 1, maximumLanguageModelDecoders: 0, prewarmGrammarDecoders: 1, workerThreads: 1))
        let hints = RecognitionHints(mode: .grammar, intents: try Self.demoIntents(), language: "en-US", sampleRateHz: 8000)
        func decode(_ file: String) async throws -> RecognitionResult {
            let session = try recognizer.startUtterance(hints)
            let samples = try Self.callerAudio(file)
            var offset = 0
            while offset < samples.count {
                let end = min(offset + 160, samples.count)
                session.push(Array(samples[offset..<end]))
                offset = end
            }
            session.endOfSpeech()
            guard case .final(let result) = try await terminal(of: session, timeoutMs: 20_000).terminal else {
                throw SpeechFixtures.FixtureMissing(description: "\(file): no final result")
            }
            return result
        }
        let fresh = try await decode("real-person")
        for before in ["yes-please", "elephants", "banana"] {
            _ = try await decode(before)
            let again = try await decode("real-person")
            #expect(again.text == fresh.text && again.grammarIntent == "human", "after \(before): \"\(again.text)\"")
            #expect(abs(again.confidence - fresh.confidence) < 0.01, "after \(before): \(again.confidence) vs \(fresh.confidence)")
        }
    }

    @Test func aKeywordIsHeardInsideAnExamplesFrame() throws {
        let human = IntentDefinition(name: "human", examples: ["can I speak to someone", "real person", "agent"], language: "en-US")
        let yes = IntentDefinition(name: "yes", examples: ["yes", "text it to me"], language: "en-US")
        let grammar = try GrammarCompiler().compile([human, yes], isKnownWord: { _ in true })
        #expect(grammar.intentByPhrase["can i speak to a real person"] == "human")
        #expect(grammar.intentByPhrase["can i speak to agent"] == "human")
        #expect(grammar.intentByPhrase["text it to yes"] == "yes")
        // Frames never take another intent's phrases, and only prefixes ending in a preposition frame.
        #expect(grammar.intentByPhrase["can i speak to yes"] == nil)
        #expect(grammar.intentByPhrase["can i real person"] == nil)
        #expect(grammar.jsgf.contains("( can i speak to the real person )"))
    }
}
