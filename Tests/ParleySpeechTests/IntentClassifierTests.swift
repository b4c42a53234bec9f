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
