import Foundation
import ParleySpeech

/// `parley eval [--models DIR] [--model FILE] [--json]`: accuracy, per-intent precision
/// and recall, and the confusion matrix of the model on the held-out sets
/// `DIR/intents/<lang>-heldout.tsv` (never used for training), per language.
enum EvalCommand {
    static func run(_ arguments: [String]) -> Int32 {
        var models = URL(fileURLWithPath: "models")
        var modelFile: URL?
        var json = false
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let value = index + 1 < arguments.count ? arguments[index + 1] : nil
            switch (argument, value) {
            case ("--models", let v?): models = URL(fileURLWithPath: v); index += 1
            case ("--model", let v?): modelFile = URL(fileURLWithPath: v); index += 1
            case ("--json", _): json = true
            case ("--help", _), ("-h", _):
                print("usage: parley eval [--models DIR] [--model FILE] [--json]")
                return 0
            default:
                FileHandleOutput.error("parley eval: unexpected argument '\(argument)'")
                return 2
            }
            index += 1
        }
        do {
            let classifier = try IntentClassifier(contentsOf: modelFile ?? models.appendingPathComponent("intent-model.json"))
            var report: [String: Any] = [:]
            for language in ["en", "zh"] {
                let examples = try IntentDataset.general(in: models, split: "heldout", languages: [language])
                let evaluation = IntentEvaluation(classifier: classifier, examples: examples)
                if json {
                    report[language] = [
                        "accuracy": evaluation.accuracy, "total": evaluation.total, "correct": evaluation.correct,
                        "per_intent": evaluation.perIntent.map {
                            ["intent": $0.intent, "precision": $0.precision, "recall": $0.recall, "support": $0.support]
                        },
                        "labels": evaluation.labels, "confusion": evaluation.confusion,
                    ]
                } else {
                    printTable(language: language, evaluation)
                }
            }
            if json {
                let data = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            }
            return 0
        } catch {
            FileHandleOutput.error("parley eval: \(error)")
            return 1
        }
    }

    static func printTable(language: String, _ evaluation: IntentEvaluation) {
        print("[\(language)] accuracy \(String(format: "%.1f", evaluation.accuracy * 100)) % (\(evaluation.correct)/\(evaluation.total))")
        print("  intent           precision  recall  support")
        for row in evaluation.perIntent {
            print("  " + row.intent.padding(toLength: 16, withPad: " ", startingAt: 0)
                  + String(format: " %9.2f  %6.2f  %7d", row.precision, row.recall, row.support))
        }
        print("  confusion (rows expected, columns predicted): " + evaluation.labels.joined(separator: " "))
        for (label, row) in zip(evaluation.labels, evaluation.confusion) {
            print("  " + label.padding(toLength: 16, withPad: " ", startingAt: 0) + row.map { String(format: "%3d", $0) }.joined())
        }
    }
}
