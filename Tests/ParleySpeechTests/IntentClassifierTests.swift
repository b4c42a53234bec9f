import Foundation
import Testing
@testable import ParleySpeech

@Suite struct IntentClassifierTests {
    static let models = SpeechFixtures.repoRoot.appendingPathComponent("models")

    static func heldOut(_ language: String) throws -> [LabeledExample] {
        try IntentDataset.general(in: models, split: "heldout", languages: [language])
    }

    @Test(arguments: ["en", "zh"])
    func heldOutAccuracyOfTheShippedModel(language: String) throws {
        let classifier = try IntentClassifier(contentsOf: Self.models.appendingPathComponent("intent-model.json"))
        let evaluation = IntentEvaluation(classifier: classifier, examples: try Self.heldOut(language))
        for error in evaluation.errors { print("\(language) miss: \(error.expected) → \(error.predicted): \(error.text)") }
        #expect(evaluation.total >= 60)
        #expect(evaluation.accuracy >= 0.95, "\(language) accuracy \(evaluation.correct)/\(evaluation.total)")
    }

    @Test func heldOutSetIsDisjointFromTraining() throws {
        let training = Set(try IntentDataset.general(in: Self.models, split: "train").map(\.text))
        let heldOut = try IntentDataset.general(in: Self.models, split: "heldout")
        #expect(!heldOut.isEmpty)
        #expect(heldOut.filter { training.contains($0.text) }.isEmpty)
    }

    @Test func retrainingReproducesTheHeldOutAccuracy() throws {
        let classifier = IntentClassifier.train(try IntentDataset.general(in: Self.models, split: "train"))
        for language in ["en", "zh"] {
            let evaluation = IntentEvaluation(classifier: classifier, examples: try Self.heldOut(language))
            #expect(evaluation.accuracy >= 0.95, "\(language) accuracy \(evaluation.correct)/\(evaluation.total)")
        }
    }
}

@Suite struct IntentModelFileTests {
    static let examples = [
        LabeledExample(intent: "yes", text: "yes please", language: "en"),
        LabeledExample(intent: "yes", text: "sure", language: "en"),
        LabeledExample(intent: "no", text: "no thanks", language: "en"),
        LabeledExample(intent: "no", text: "不要", language: "zh"),
    ]

    @Test func roundTripKeepsPredictionsAndOverrides() throws {
        var classifier = IntentClassifier.train(Self.examples)
        classifier.overrides = [IntentOverride(pattern: #"\bagent\b"#, intent: "human")]
        let decoded = try IntentClassifier(modelData: try classifier.encoded())
        for text in ["yes please", "no thanks", "不要", "sure"] {
            #expect(decoded.classify(text).intent == classifier.classify(text).intent)
            #expect(abs(decoded.classify(text).confidence - classifier.classify(text).confidence) < 0.01)
        }
        let overridden = decoded.classify("give me an AGENT")
        #expect(overridden.intent == "human" && overridden.overridden)
    }

    @Test func unknownTextIsNoMatch() {
        let classifier = IntentClassifier.train(Self.examples)
        #expect(classifier.classify("zebra xylophone").intent == IntentPrediction.noMatch)
        #expect(classifier.classify("").intent == IntentPrediction.noMatch)
    }

    @Test(arguments: [
        #"{"format":"other","version":1,"intents":[],"features":[],"weights":[],"threshold":0.5,"overrides":[]}"#,
        #"{"format":"parley-intent-model","version":99,"intents":[],"features":[],"weights":[],"threshold":0.5,"overrides":[]}"#,
        #"{"format":"parley-intent-model","version":1,"intents":["a"],"features":["w:x"],"weights":[[1]],"threshold":0.5,"overrides":[]}"#,
        "not json",
    ])
    func malformedModelFilesAreRejected(text: String) {
        #expect { try IntentClassifier(modelData: Data(text.utf8)) } throws: { ($0 as? SpeechError)?.code == .invalidModel }
    }

    @Test func chineseIsSplitIntoCharacters() {
        let features = TextFeatures.features("不要打")
        #expect(features.contains("w:不") && features.contains("z2:不要") && features.contains("z3:不要打"))
        #expect(TextFeatures.features("Don't").contains("w:don't"))
    }
}
