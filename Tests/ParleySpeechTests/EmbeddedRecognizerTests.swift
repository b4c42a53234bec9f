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
        var correct = 0, inGrammar = 0, rejected = 0, outOfGrammar = 0
        for utterance in try SpeechFixtures.e2eUtterances() {
            let (_, event) = try await Self.recognize(try SpeechFixtures.audio(utterance.id), hints: hints)
            guard case .final(let result) = event else {
                Issue.record("\(utterance.id): \(event)")
                continue
            }
            print("\(utterance.id)\t\(utterance.expected)\t\(result.grammarIntent ?? "-")\t\(result.text)")
            if utterance.expected == "oog" {
                outOfGrammar += 1
                if result.isOutOfGrammar { rejected += 1 }
            } else {
                inGrammar += 1
                if result.grammarIntent == utterance.expected { correct += 1 }
            }
        }
        #expect(inGrammar > 0 && outOfGrammar > 0)
        #expect(Double(correct) >= 0.9 * Double(inGrammar), "intent accuracy \(correct)/\(inGrammar)")
        #expect(Double(rejected) >= 0.8 * Double(outOfGrammar), "rejected \(rejected)/\(outOfGrammar)")
    }
}
