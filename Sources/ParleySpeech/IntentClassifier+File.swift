import Foundation

/// The versioned model file written by `parley train` (JSON):
/// `{"format":"parley-intent-model","version":1,"intents":[…],"features":[…],
///   "weights":[[…]],"threshold":…,"overrides":[…]}`; weights are per intent, one per
/// feature in `features` order, then the bias.
extension IntentClassifier {
    public static let fileFormat = "parley-intent-model"
    public static let fileVersion = 1

    struct File: Codable {
        var format: String
        var version: Int
        var intents: [String]
        var features: [String]
        var weights: [[Float]]
        var threshold: Double
        var overrides: [IntentOverride]
    }

    public func encoded() throws(SpeechError) -> Data {
        var features = [String](repeating: "", count: featureIndex.count)
        for (feature, index) in featureIndex { features[index] = feature }
        let file = File(format: Self.fileFormat, version: Self.fileVersion, intents: intents, features: features,
                        weights: weights.map { $0.map { Float(($0 * 10_000).rounded() / 10_000) } },
                        threshold: threshold, overrides: overrides)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do { return try encoder.encode(file) } catch { throw SpeechError(.invalidModel, "\(error)") }
    }

    public init(modelData: Data) throws(SpeechError) {
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: modelData) } catch {
            throw SpeechError(.invalidModel, "not a model file: \(error)")
        }
        guard file.format == Self.fileFormat else { throw SpeechError(.invalidModel, "format \(file.format)") }
        guard file.version == Self.fileVersion else {
            throw SpeechError(.invalidModel, "version \(file.version); this build reads \(Self.fileVersion)")
        }
        guard file.weights.count == file.intents.count,
              file.weights.allSatisfy({ $0.count == file.features.count + 1 }) else {
            throw SpeechError(.invalidModel, "weights do not match intents × (features + 1)")
        }
        var index: [String: Int] = [:]
        for (position, feature) in file.features.enumerated() { index[feature] = position }
        self.init(intents: file.intents, featureIndex: index, weights: file.weights.map { $0.map(Double.init) },
                  threshold: file.threshold)
        overrides = file.overrides
    }

    public init(contentsOf url: URL) throws(SpeechError) {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw SpeechError(.io, "cannot read \(url.path)")
        }
        try self.init(modelData: data)
    }
}

/// Labelled utterances in TSV (`intent<TAB>text`, `#` comments), as in `models/intents/`.
public enum IntentDataset {
    public static func parse(_ text: String, language: String) -> [LabeledExample] {
        text.split(separator: "\n").compactMap { line in
            if line.hasPrefix("#") { return nil }
            let parts = line.split(separator: "\t", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            let intent = parts[0].trimmingCharacters(in: .whitespaces)
            let utterance = parts[1].trimmingCharacters(in: .whitespaces)
            guard !intent.isEmpty, !utterance.isEmpty else { return nil }
            return LabeledExample(intent: intent, text: utterance, language: language)
        }
    }

    public static func load(_ url: URL, language: String) throws(SpeechError) -> [LabeledExample] {
        guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
            throw SpeechError(.io, "cannot read \(url.path)")
        }
        return parse(text, language: language)
    }

    /// The general intents shipped in `<models>/intents/`: `<lang>-train.tsv` or `<lang>-heldout.tsv`.
    public static func general(in modelsDirectory: URL, split: String, languages: [String] = ["en", "zh"]) throws(SpeechError) -> [LabeledExample] {
        var all: [LabeledExample] = []
        for language in languages {
            all += try load(modelsDirectory.appendingPathComponent("intents/\(language)-\(split).tsv"), language: language)
        }
        return all
    }
}
