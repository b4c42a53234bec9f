import Foundation
import ParleyDialogue
import ParleySpeech

/// `parley train [--models DIR] [--script FILE.yaml]… [--phrases FILE.tsv]… [--language LANG] [--out FILE]`:
/// trains the intent classifier on the general intents in `DIR/intents/*-train.tsv`
/// (default `models/`) plus a dialogue script's intents and their example phrases (in the
/// script's language) and/or phrase files (TSV `intent<TAB>phrase`), and writes the model
/// file (default `DIR/intent-model.json`). A script that does not load is reported with
/// its diagnostics and nothing is written.
enum TrainCommand {
    static func run(_ arguments: [String]) -> Int32 {
        var models = URL(fileURLWithPath: "models")
        var phrases: [String] = []
        var scripts: [String] = []
        var language = "en"
        var out: URL?
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            let value = index + 1 < arguments.count ? arguments[index + 1] : nil
            switch (argument, value) {
            case ("--models", let v?): models = URL(fileURLWithPath: v); index += 1
            case ("--phrases", let v?): phrases.append(v); index += 1
            case ("--script", let v?): scripts.append(v); index += 1
            case ("--language", let v?): language = v; index += 1
            case ("--out", let v?): out = URL(fileURLWithPath: v); index += 1
            case ("--help", _), ("-h", _):
                print("usage: parley train [--models DIR] [--script FILE.yaml]... [--phrases FILE.tsv]... [--language en|zh] [--out FILE]")
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
            for path in scripts {
                let loaded = DialogueLoader.load(path: path)
                guard let script = loaded.script else {
                    for d in loaded.diagnostics { FileHandleOutput.error("\(d)") }
                    FileHandleOutput.error("parley train: \(path) does not load; nothing written")
                    return 1
                }
                examples += script.intents.flatMap { intent in
                    intent.examples.map { LabeledExample(intent: intent.name, text: $0, language: script.language) }
                }
            }
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
