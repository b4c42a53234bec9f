import Foundation
import Testing
@testable import ParleySpeech

@Suite(.serialized) struct EmbeddedRecognizerTests {
    static let recognizer: Result<EmbeddedRecognizer, SpeechError> = Result { () throws(SpeechError) in
        try EmbeddedRecognizer(configuration: .init(maximumGrammarDecoders: 2, maximumLanguageModelDecoders: 1))
    }

    /// Pushes the audio in 20 ms frames, signals end of speech and waits for the final.
    static func recognize(_ samples: [Int16], hints: RecognitionHints) async throws -> (partials: [RecognitionResult], terminal: RecognizerEvent) {
        let session = try recognizer.get().startUtterance(hints)
        var offset = 0
        while offset < samples.count {
            let end = min(offset + 160, samples.count)
            session.push(Array(samples[offset..<end]))
            offset = end
        }
        session.endOfSpeech()
        return try await terminal(of: session, timeoutMs: 20_000)
    }

    @Test func endToEndIntentAccuracyAndOutOfGrammarRejection() async throws {
        let intents = try SpeechFixtures.e2eIntents()
        let hints = RecognitionHints(mode: .grammar, intents: intents, language: "en-US", sampleRateHz: 8000)
        // The script's phrases train the classifier that names the intent of the text.
        let classifier = IntentClassifier.train(intents: intents, general: [])
        var correct = 0, inGrammar = 0, rejected = 0, outOfGrammar = 0
        for utterance in try SpeechFixtures.e2eUtterances() {
            let (_, event) = try await Self.recognize(try SpeechFixtures.audio(utterance.id), hints: hints)
            guard case .final(let result) = event else {
                Issue.record("\(utterance.id): \(event)")
                continue
            }
            if utterance.expected == "oog" {
                outOfGrammar += 1
                if result.isOutOfGrammar { rejected += 1 }
            } else {
                inGrammar += 1
                let intent = result.isOutOfGrammar ? IntentPrediction.noMatch : classifier.classify(result.text).intent
                #expect(result.isOutOfGrammar || intent == result.grammarIntent)
                if intent == utterance.expected { correct += 1 }
            }
        }
        print("embedded recognizer, e2e set: intent \(correct)/\(inGrammar), out of grammar rejected \(rejected)/\(outOfGrammar)")
        #expect(inGrammar > 0 && outOfGrammar > 0)
        #expect(Double(correct) >= 0.9 * Double(inGrammar), "intent accuracy \(correct)/\(inGrammar)")
        #expect(Double(rejected) >= 0.8 * Double(outOfGrammar), "rejected \(rejected)/\(outOfGrammar)")
    }
}

extension EmbeddedRecognizerTests {
    @Test func wordTimingsAndPartialsFromTheEmbeddedEngine() async throws {
        let intents = try SpeechFixtures.e2eIntents()
        let hints = RecognitionHints(mode: .grammar, intents: intents, language: "en-US", sampleRateHz: 8000)
        let (partials, event) = try await Self.recognize(try SpeechFixtures.audio("stop-1"), hints: hints)
        guard case .final(let result) = event else { Issue.record("expected a final, got \(event)"); return }
        #expect(result.words.map(\.word) == ["stop", "calling", "me"])
        #expect(zip(result.words, result.words.dropFirst()).allSatisfy { $0.endMs <= $1.startMs })
        #expect(result.confidence > 0.5)
        _ = partials // the audio is pushed faster than real time, so partials may be skipped
    }

    @Test func unsupportedLanguageAndExhaustedPoolAreReported() throws {
        let recognizer = try EmbeddedRecognizer(configuration: .init(
            maximumGrammarDecoders: 2, maximumLanguageModelDecoders: 0, prewarmGrammarDecoders: 0, workerThreads: 1))
        #expect(throws: SpeechError(.unsupportedLanguage, "the embedded engine has an en-us model only; use the network engine")) {
            try recognizer.startUtterance(RecognitionHints(mode: .grammar, intents: [], language: "zh-CN"))
        }
        let intents = try SpeechFixtures.e2eIntents()
        let hints = RecognitionHints(mode: .grammar, intents: intents, language: "en-US", sampleRateHz: 8000)
        let first = try recognizer.startUtterance(hints)
        let second = try recognizer.startUtterance(hints)
        #expect { try recognizer.startUtterance(hints) } throws: { ($0 as? SpeechError)?.code == .poolExhausted }
        first.cancel()
        second.cancel()
        // Cancelled before their first step, the utterances give their slots back unused.
        let deadline = ContinuousClock.now + .seconds(10)
        while recognizer.poolCounters.grammar.leased > 0, ContinuousClock.now < deadline { Thread.sleep(forTimeInterval: 0.005) }
        #expect(recognizer.poolCounters.grammar.leased == 0)
        #expect(recognizer.poolCounters.grammar.created == recognizer.poolCounters.grammar.idle)
        try recognizer.startUtterance(hints).cancel()
    }

    @Test func largeVocabularyModeProducesText() async throws {
        let hints = RecognitionHints(mode: .largeVocabulary, intents: [], language: "en-US", sampleRateHz: 8000)
        let (_, event) = try await Self.recognize(try SpeechFixtures.audio("price-1"), hints: hints)
        guard case .final(let result) = event else { Issue.record("expected a final, got \(event)"); return }
        #expect(!result.text.isEmpty)
        #expect(!result.isOutOfGrammar && result.grammarIntent == nil)
    }
}

extension EmbeddedRecognizerTests {
    @Test func wordTimingsRestartWithEachUtterance() async throws {
        let hints = RecognitionHints(mode: .grammar, intents: try SpeechFixtures.e2eIntents(), language: "en-US", sampleRateHz: 8000)
        let audio = try SpeechFixtures.audio("yes-1")
        var starts: [Int] = []
        for _ in 0..<2 {
            let (_, event) = try await Self.recognize(audio, hints: hints)
            guard case .final(let result) = event, let first = result.words.first else { Issue.record("no words"); return }
            starts.append(first.startMs)
        }
        #expect(starts[0] == starts[1])
        #expect(starts[0] < audio.count / 8) // inside the utterance (ms)
    }
}

extension EmbeddedRecognizerTests {
    /// With no decoder loaded, the job loads one and compiles the grammar on its worker; the
    /// grammar is compiled once per intent set and the decoder is reused.
    @Test func theWorkerLoadsTheDecoderAndAGrammarIsCompiledOncePerIntentSet() async throws {
        let recognizer = try EmbeddedRecognizer(configuration: .init(
            maximumGrammarDecoders: 1, maximumLanguageModelDecoders: 0, prewarmGrammarDecoders: 0, workerThreads: 1))
        let intents = try SpeechFixtures.e2eIntents()
        let audio = try SpeechFixtures.audio("yes-1")
        func recognize(_ intents: [IntentDefinition]) async throws -> RecognitionResult? {
            let session = try recognizer.startUtterance(
                RecognitionHints(mode: .grammar, intents: intents, language: "en-US", sampleRateHz: 8000))
            session.push(audio)
            session.endOfSpeech()
            guard case .final(let result) = try await terminal(of: session, timeoutMs: 20_000).terminal else { return nil }
            return result
        }
        #expect(recognizer.poolCounters.grammar.created == 0)
        let first = try await recognize(intents)
        #expect(first?.grammarIntent == "yes")
        #expect(recognizer.cachedGrammarCount == 1)
        #expect(try await recognize(intents)?.grammarIntent == "yes")
        #expect(recognizer.cachedGrammarCount == 1)
        _ = try await recognize(Array(intents.prefix(1)))
        #expect(recognizer.cachedGrammarCount == 2)
        #expect(recognizer.poolCounters.grammar.created == 1)
        #expect(recognizer.poolCounters.grammar.leased == 0)
    }
}
