import ParleyYAML

/// A transition: a trigger, actions, prompts to play, and a target.
public struct DialogueTransition: Sendable, Equatable {
    public var trigger: DialogueTrigger
    public var actions: [DialogueScriptAction]
    public var play: [DialoguePromptRef]
    public var target: DialogueTarget
    public var mark: YAMLMark
}

/// What fires a transition.
public enum DialogueTrigger: Sendable, Equatable {
    case intent(String)
    case dtmf(String)
    case emotion(String)
    case asrError
    case callerHangUp
    case slotFilled
    case webhookResult(name: String, succeeded: Bool)
    /// Escalation fallbacks and state exits (no caller input).
    case automatic

    public var label: String {
        switch self {
        case .intent(let n): return "intent \(n)"
        case .dtmf(let d): return "dtmf \(d)"
        case .emotion(let e): return "emotion \(e)"
        case .asrError: return "asr_error"
        case .callerHangUp: return "caller hang-up"
        case .slotFilled: return "slot filled"
        case .webhookResult(let n, let ok): return "webhook \(n) \(ok ? "ok" : "failed")"
        case .automatic: return "automatic"
        }
    }

    /// Triggers that make a state wait for the caller.
    var isCallerInput: Bool {
        switch self {
        case .intent, .dtmf, .emotion, .slotFilled: return true
        default: return false
        }
    }
}

/// Where a transition leads.
public enum DialogueTarget: Sendable, Equatable {
    case goto(String)
    case hangUp(disposition: String?)
    case transfer(uri: String, disposition: String?)
    /// Replay the current state's prompts and keep listening.
    case repeatState
    /// Play the transition's prompts, then return to the current state (side questions).
    case returnToState
    /// Play the transition's prompts and keep listening in the current state.
    case stay
}

/// A script action run on entry or on a transition.
public enum DialogueScriptAction: Sendable, Equatable {
    case setVariable(name: String, template: String, mark: YAMLMark)
    case addTag(String, mark: YAMLMark)
    case webhook(name: String, payload: [(String, String)], mark: YAMLMark)

    public static func == (a: Self, b: Self) -> Bool {
        switch (a, b) {
        case let (.setVariable(n1, t1, m1), .setVariable(n2, t2, m2)): return n1 == n2 && t1 == t2 && m1 == m2
        case let (.addTag(t1, m1), .addTag(t2, m2)): return t1 == t2 && m1 == m2
        case let (.webhook(n1, p1, m1), .webhook(n2, p2, m2)):
            return n1 == n2 && m1 == m2 && p1.count == p2.count && zip(p1, p2).allSatisfy { $0 == $1 }
        default: return false
        }
    }
}

/// Names one transition for traces and coverage.
public struct DialogueTransitionRef: Sendable, Hashable, CustomStringConvertible {
    public enum Scope: Sendable, Hashable {
        case state(String)
        case global
        case sideQuestion
        /// The caller hung up where no handler matched.
        case callEnd
    }

    public static let noMatchReprompt = -1
    public static let noMatchFallback = -2
    public static let noInputReprompt = -3
    public static let noInputFallback = -4
    public static let exit = -5

    public var scope: Scope
    /// Position in the scope's transition list, or one of the negative constants above.
    public var index: Int
    public var label: String

    public init(scope: Scope, index: Int, label: String) {
        self.scope = scope
        self.index = index
        self.label = label
    }

    public var description: String {
        switch scope {
        case .state(let s): return "\(s): \(label)"
        case .global: return "global: \(label)"
        case .sideQuestion: return "side question: \(label)"
        case .callEnd: return "call end: \(label)"
        }
    }
}
