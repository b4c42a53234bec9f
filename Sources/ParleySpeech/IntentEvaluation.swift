/// Accuracy, per-intent precision/recall and the confusion matrix on a labelled set.
public struct IntentEvaluation: Sendable {
    public struct PerIntent: Sendable, Hashable {
        public var intent: String
        public var precision: Double
        public var recall: Double
        public var support: Int
    }

    public var total: Int
    public var correct: Int
    public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }
    public var perIntent: [PerIntent]
    /// Label order of the confusion matrix (expected intents then any extra predictions).
    public var labels: [String]
    /// confusion[expected][predicted] counts.
    public var confusion: [[Int]]
    /// Misclassified examples (expected, predicted, text) — test data, not caller speech.
    public var errors: [(expected: String, predicted: String, text: String)]

    public init(classifier: IntentClassifier, examples: [LabeledExample]) {
        var predictions: [String] = []
        for example in examples { predictions.append(classifier.classify(example.text).intent) }
        var labels = Array(Set(examples.map(\.intent))).sorted()
        for predicted in Set(predictions).sorted() where !labels.contains(predicted) { labels.append(predicted) }
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: labels.count), count: labels.count)
        var errors: [(String, String, String)] = []
        for (example, predicted) in zip(examples, predictions) {
            confusion[index[example.intent]!][index[predicted]!] += 1
            if predicted != example.intent { errors.append((example.intent, predicted, example.text)) }
        }
        total = examples.count
        correct = zip(examples, predictions).filter { $0.intent == $1 }.count
        perIntent = labels.indices.compactMap { label in
            let support = confusion[label].reduce(0, +)
            guard support > 0 else { return nil }
            let predicted = confusion.reduce(0) { $0 + $1[label] }
            let hits = confusion[label][label]
            return PerIntent(intent: labels[label], precision: predicted == 0 ? 0 : Double(hits) / Double(predicted),
                             recall: Double(hits) / Double(support), support: support)
        }
        self.labels = labels
        self.confusion = confusion
        self.errors = errors
    }
}
