import Foundation

/// One labelled utterance.
public struct LabeledExample: Sendable, Hashable, Codable {
    public var intent: String
    public var text: String
    public var language: String

    public init(intent: String, text: String, language: String) {
        self.intent = intent
        self.text = text
        self.language = language
    }
}

/// The classifier's answer: the best intent (or `noMatch`) with the softmax probability.
public struct IntentPrediction: Sendable, Hashable {
    public static let noMatch = "no_match"
    public var intent: String
    public var confidence: Double
    /// The best intent even when under the threshold.
    public var bestIntent: String
    /// Set when a keyword/regex override decided.
    public var overridden: Bool
}

/// A keyword or regular-expression override from a dialogue script: when `pattern`
/// matches (case-insensitive), `intent` wins with confidence 1.
public struct IntentOverride: Sendable, Hashable, Codable {
    public var pattern: String
    public var intent: String

    public init(pattern: String, intent: String) {
        self.pattern = pattern
        self.intent = intent
    }
}

/// Multinomial logistic regression over `TextFeatures`, trained with seeded SGD.
public struct IntentClassifier: Sendable {
    public struct TrainingOptions: Sendable {
        public var epochs = 40
        public var learningRate = 0.5
        public var l2 = 1e-5
        public var seed: UInt64 = 0x5EED
        /// Under this probability the answer is `no_match`.
        public var threshold = 0.35
        public init() {}
    }

    public internal(set) var intents: [String]
    var featureIndex: [String: Int]
    /// weights[intent][feature]; the last feature column is the bias.
    var weights: [[Double]]
    public var threshold: Double
    public var overrides: [IntentOverride] = []

    /// Trains on labelled examples (a script's phrases plus the general intents).
    public static func train(_ examples: [LabeledExample], options: TrainingOptions = TrainingOptions()) -> IntentClassifier {
        let intents = Array(Set(examples.map(\.intent))).sorted()
        let intentIndex = Dictionary(uniqueKeysWithValues: intents.enumerated().map { ($1, $0) })
        var featureIndex: [String: Int] = [:]
        let encoded: [(features: [Int], label: Int)] = examples.map { example in
            let features = TextFeatures.features(example.text).map { feature in
                if let index = featureIndex[feature] { return index }
                let index = featureIndex.count
                featureIndex[feature] = index
                return index
            }
            return (features, intentIndex[example.intent]!)
        }
        let bias = featureIndex.count
        var weights = [[Double]](repeating: [Double](repeating: 0, count: bias + 1), count: intents.count)
        var rng = SplitMix64(seed: options.seed)
        var order = Array(encoded.indices)
        var scores = [Double](repeating: 0, count: intents.count)
        for epoch in 0..<options.epochs {
            for index in stride(from: order.count - 1, to: 0, by: -1) {
                order.swapAt(index, Int(rng.next() % UInt64(index + 1)))
            }
            let rate = options.learningRate / (1 + Double(epoch) * 0.1)
            for sample in order {
                let (features, label) = encoded[sample]
                let scale = 1 / Double(features.count + 1).squareRoot()
                softmax(features: features, bias: bias, scale: scale, weights: weights, into: &scores)
                for intent in intents.indices {
                    let gradient = scores[intent] - (intent == label ? 1 : 0)
                    if abs(gradient) < 1e-6 { continue }
                    for feature in features {
                        weights[intent][feature] -= rate * (gradient * scale + options.l2 * weights[intent][feature])
                    }
                    weights[intent][bias] -= rate * gradient * scale
                }
            }
        }
        return IntentClassifier(intents: intents, featureIndex: featureIndex, weights: weights,
                                threshold: options.threshold)
    }

    /// Trains from a script's intents plus general examples.
    public static func train(intents: [IntentDefinition], general: [LabeledExample],
                             options: TrainingOptions = TrainingOptions()) -> IntentClassifier {
        let scripted = intents.flatMap { intent in
            intent.examples.map { LabeledExample(intent: intent.name, text: $0, language: intent.language) }
        }
        return train(scripted + general, options: options)
    }

    init(intents: [String], featureIndex: [String: Int], weights: [[Double]], threshold: Double) {
        self.intents = intents
        self.featureIndex = featureIndex
        self.weights = weights
        self.threshold = threshold
    }

    public func classify(_ text: String) -> IntentPrediction {
        for rule in overrides {
            if let regex = try? Regex(rule.pattern).ignoresCase(), text.contains(regex) {
                return IntentPrediction(intent: rule.intent, confidence: 1, bestIntent: rule.intent, overridden: true)
            }
        }
        let features = TextFeatures.features(text).compactMap { featureIndex[$0] }
        guard !features.isEmpty, !intents.isEmpty else {
            return IntentPrediction(intent: IntentPrediction.noMatch, confidence: 0,
                                    bestIntent: intents.first ?? IntentPrediction.noMatch, overridden: false)
        }
        var scores = [Double](repeating: 0, count: intents.count)
        Self.softmax(features: features, bias: featureIndex.count,
                     scale: 1 / Double(features.count + 1).squareRoot(), weights: weights, into: &scores)
        let best = scores.indices.max { scores[$0] < scores[$1] }!
        let intent = scores[best] >= threshold ? intents[best] : IntentPrediction.noMatch
        return IntentPrediction(intent: intent, confidence: scores[best], bestIntent: intents[best], overridden: false)
    }

    static func softmax(features: [Int], bias: Int, scale: Double, weights: [[Double]], into scores: inout [Double]) {
        var maximum = -Double.infinity
        for intent in weights.indices {
            var sum = weights[intent][bias] * scale
            for feature in features { sum += weights[intent][feature] * scale }
            scores[intent] = sum
            maximum = max(maximum, sum)
        }
        var total = 0.0
        for intent in scores.indices {
            scores[intent] = exp(scores[intent] - maximum)
            total += scores[intent]
        }
        for intent in scores.indices { scores[intent] /= total }
    }
}

/// A small seeded generator so training is reproducible.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
