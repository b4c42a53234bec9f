import Foundation
import ParleySpeech

/// `parley train [--models DIR] [--phrases FILE.tsv]… [--language LANG] [--out FILE]`:
/// trains the intent classifier on the general intents in `DIR/intents/*-train.tsv`
/// (default `models/`) plus a script's phrases (TSV `intent<TAB>phrase`) and writes the
/// model file (default `DIR/intent-model.json`).
enum TrainCommand {
    static func run(_ arguments: [String]) -> Int32 {
        var models = URL(fileURLWithPath: "models")
        var phrases: [String] = []
        var language = "en"
        var out: URL?
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let value = index + 1 < arguments.count ? arguments[index + 1] : nil
            switch (argument, value) {
            case ("--models", let v?): models = URL(fileURLWithPath: v); index += 1
            case ("--phrases", let v?): phrases.append(v); index += 1
            case ("--language", let v?): language = v; index += 1
            case ("--out", let v?): out = URL(fileURLWithPath: v); index += 1
            case ("--help", _), ("-h", _):
                print("usage: parley train [--models DIR] [--phrases FILE.tsv]... [--language en|zh] [--out FILE]")
                return 0
            default:
                FileHandleOutput.error("parley train: unexpected argument '\(argument)'")
                return 2
            }
            index += 1
        }
        do {
            var examples = try IntentDataset.general(in: models, split: "train")
            for path in phrases { examples += try IntentDataset.load(URL(fileURLWithPath: path), language: language) }
            let started = Date()
            let classifier = IntentClassifier.train(examples)
            let target = out ?? models.appendingPathComponent("intent-model.json")
            try classifier.encoded().write(to: target)
            let seconds = Date().timeIntervalSince(started)
            print("trained \(classifier.intents.count) intents on \(examples.count) examples in \(String(format: "%.2f", seconds)) s → \(target.path)")
            return 0
        } catch {
            FileHandleOutput.error("parley train: \(error)")
            return 1
        }
    }
}
