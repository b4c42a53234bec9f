import ParleyYAML

/// One state of the dialogue.
public struct DialogueState: Sendable, Equatable {
    public var name: String
    /// Prompts played on entry, in order.
    public var play: [DialoguePromptRef]
    /// Prompts played when coming back from a side question (defaults to `play`).
    public var resume: [DialoguePromptRef]
    /// Actions run on entry.
    public var onEnter: [DialogueScriptAction]
    /// Transitions on caller input (intent, DTMF, emotion, slot, asr_error, hang-up, webhook result).
    public var transitions: [DialogueTransition]
    public var noMatch: DialogueEscalation?
    public var noInput: DialogueEscalation?
    public var slot: DialogueSlot?
    /// Silence after the prompt before `no_input` (nil: the script default).
    public var noInputTimeoutMs: Int?
    /// What happens after the prompts when the state does not listen.
    public var exit: DialogueStateExit?
    public var mark: YAMLMark

    /// True when the state waits for the caller.
    public var listens: Bool { slot != nil || transitions.contains(where: { $0.trigger.isCallerInput }) }

    /// True when the state waits for a webhook's answer (its only way out).
    public var waitsForWebhook: Bool {
        transitions.contains(where: { if case .webhookResult = $0.trigger { return true } else { return false } })
    }

    /// This state's transitions for a coverage report.
    public var transitionRefs: [DialogueTransitionRef] {
        var out: [DialogueTransitionRef] = []
        for (i, t) in transitions.enumerated() {
            out.append(DialogueTransitionRef(scope: .state(name), index: i, label: t.trigger.label))
        }
        if let noMatch {
            if !noMatch.reprompts.isEmpty { out.append(DialogueTransitionRef(scope: .state(name), index: DialogueTransitionRef.noMatchReprompt, label: "no_match reprompt")) }
            if noMatch.then != nil { out.append(DialogueTransitionRef(scope: .state(name), index: DialogueTransitionRef.noMatchFallback, label: "no_match fallback")) }
        }
        if let noInput {
            if !noInput.reprompts.isEmpty { out.append(DialogueTransitionRef(scope: .state(name), index: DialogueTransitionRef.noInputReprompt, label: "no_input reprompt")) }
            if noInput.then != nil { out.append(DialogueTransitionRef(scope: .state(name), index: DialogueTransitionRef.noInputFallback, label: "no_input fallback")) }
        }
        if exit != nil { out.append(DialogueTransitionRef(scope: .state(name), index: DialogueTransitionRef.exit, label: "after prompt")) }
        return out
    }
}

/// A prompt named by a state or transition, with the mark of the reference.
public struct DialoguePromptRef: Sendable, Equatable {
    public var name: String
    public var mark: YAMLMark
}

/// What a non-listening state does after its prompts.
public struct DialogueStateExit: Sendable, Equatable {
    public var target: DialogueTarget
    public var mark: YAMLMark
}

/// Escalating reprompts: the n-th occurrence plays `reprompts[n-1]`; after the last one
/// `then` is taken. Without `then` the last reprompt repeats forever (a lint warning).
public struct DialogueEscalation: Sendable, Equatable {
    public var reprompts: [DialoguePromptRef]
    public var then: DialogueTransition?
    public var mark: YAMLMark
}

/// A slot filled from DTMF or spoken digits, validated, stored in a variable.
public struct DialogueSlot: Sendable, Equatable {
    public enum Kind: String, Sendable, Equatable, CaseIterable { case digits, number, date }
    public var variable: String
    public var kind: Kind
    public var minLength: Int
    public var maxLength: Int
    /// Optional regular expression the whole value must match.
    public var pattern: String?
    public var mark: YAMLMark
}
