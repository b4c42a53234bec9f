import ParleyDialogue
import ParleySpeech

/// Resolves a caller's utterance to one of a script's intents, for live calls and the
/// text front ends alike. The script's own rules decide first — keyword and regex
/// overrides, exact examples, close token overlap (`DialogueTextIntentMatcher`) — so an
/// operator's explicit wording always wins and `parley test` results stay predictable.
/// When they find nothing, a classifier trained on the script's examples (plus the
/// general intents in `models/`, relabelled as "other" when the script does not use
/// them, so they teach rejection rather than invent intents) gets its chance. Emotion
/// comes from the matcher's lexicon or, failing that, the emotion estimator.
public struct ScriptIntentResolver: DialogueIntentResolving {
    /// The label general examples get when the script has no intent of their name.
    static let otherIntent = "__other"

    let matcher: DialogueTextIntentMatcher
    let classifier: IntentClassifier
    let scriptIntents: Set<String>
    let emotion = EmotionEstimator()

    /// - Parameter general: general labelled examples (e.g. `IntentDataset.general(in:split:)`);
    ///   empty trains on the script alone.
    public init(script: DialogueScript, general: [LabeledExample] = []) {
        matcher = DialogueTextIntentMatcher(script: script)
        let names = Set(script.intents.map(\.name))
        scriptIntents = names
        let scripted = script.intents.flatMap { intent in
            intent.examples.map { LabeledExample(intent: intent.name, text: $0, language: script.language) }
        }
        let others = general.map { example in
            names.contains(example.intent) ? example
                : LabeledExample(intent: Self.otherIntent, text: example.text, language: example.language)
        }
        classifier = IntentClassifier.train(scripted + others)
    }

    public func resolve(_ text: String, candidates: [String]) -> DialogueRecognition {
        var answer = matcher.resolve(text, candidates: candidates)
        if answer.intent == nil {
            let prediction = classifier.classify(text)
            let allowed = candidates.isEmpty || candidates.contains(prediction.intent)
            if prediction.intent != IntentPrediction.noMatch, scriptIntents.contains(prediction.intent), allowed {
                answer.intent = prediction.intent
                answer.confidence = prediction.confidence
            }
        }
        if answer.emotion == nil {
            let estimate = emotion.estimate(text)
            if estimate.emotion != .neutral { answer.emotion = estimate.emotion.rawValue }
        }
        return answer
    }
}
