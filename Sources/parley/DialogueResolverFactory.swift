import ParleyDialogue

/// The intent resolver text front ends use. One place to swap in the trained classifier:
/// anything conforming to `DialogueIntentResolving` can be returned here.
enum DialogueResolverFactory {
    static func make(for script: DialogueScript) -> any DialogueIntentResolving {
        DialogueTextIntentMatcher(script: script)
    }
}
