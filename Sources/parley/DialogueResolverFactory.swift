import Foundation
import ParleyCall
import ParleyDialogue
import ParleySpeech

/// The intent resolver text front ends use: the same `ScriptIntentResolver` live calls
/// use, trained on the script plus the general intents in `models/intents` when that
/// folder is found (next to the working directory or `$PARLEY_MODELS`).
enum DialogueResolverFactory {
    static func make(for script: DialogueScript) -> any DialogueIntentResolving {
        let environment = ProcessInfo.processInfo.environment
        let models = URL(fileURLWithPath: environment["PARLEY_MODELS"] ?? "models")
        let general = (try? IntentDataset.general(in: models, split: "train")) ?? []
        return ScriptIntentResolver(script: script, general: general)
    }
}
