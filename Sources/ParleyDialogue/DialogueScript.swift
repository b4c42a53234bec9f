import ParleyYAML

/// A loaded dialogue script: the typed model of one YAML file. Immutable once loaded;
/// engines share it by value (copy-on-write arrays), so a call keeps the version it
/// started with while a newer one is installed.
public struct DialogueScript: Sendable {
    public var name: String
    public var version: String
    public var language: String
    /// The script file's path, as given to the loader.
    public var path: String
    /// Prompt directory, resolved against the script's folder.
    public var promptDirectory: String
    /// Expected sample rate of prompt recordings (Hz).
    public var sampleRateHz: Int
    public var variables: [DialogueVariable]
    public var defaults: DialogueDefaults
    public var tags: [DialogueDeclaration]
    public var dispositions: [DialogueDeclaration]
    public var webhooks: [DialogueWebhook]
    public var prompts: [DialoguePrompt]
    public var intents: [DialogueIntent]
    public var states: [DialogueState]
    public var globalHandlers: [DialogueTransition]
    public var sideQuestions: [DialogueTransition]
    /// Index into `states` of the first state.
    public var startIndex: Int
    public var mark: YAMLMark

    // Lookups built once by the loader.
    var stateIndex: [String: Int] = [:]
    var promptIndex: [String: Int] = [:]
    var intentIndex: [String: Int] = [:]

    public init(name: String, path: String, mark: YAMLMark) {
        self.name = name
        self.version = "1"
        self.language = "en"
        self.path = path
        self.promptDirectory = "."
        self.sampleRateHz = 8000
        self.variables = []
        self.defaults = DialogueDefaults()
        self.tags = []
        self.dispositions = []
        self.webhooks = []
        self.prompts = []
        self.intents = []
        self.states = []
        self.globalHandlers = []
        self.sideQuestions = []
        self.startIndex = 0
        self.mark = mark
    }

    public func state(named name: String) -> DialogueState? { stateIndex[name].map { states[$0] } }
    public func prompt(named name: String) -> DialoguePrompt? { promptIndex[name].map { prompts[$0] } }
    public func intent(named name: String) -> DialogueIntent? { intentIndex[name].map { intents[$0] } }
    public func indexOfState(_ name: String) -> Int? { stateIndex[name] }

    /// Rebuilds the name lookups (call after editing the arrays by hand).
    public mutating func reindex() {
        stateIndex = [:]
        for (i, s) in states.enumerated() where stateIndex[s.name] == nil { stateIndex[s.name] = i }
        promptIndex = [:]
        for (i, p) in prompts.enumerated() where promptIndex[p.name] == nil { promptIndex[p.name] = i }
        intentIndex = [:]
        for (i, p) in intents.enumerated() where intentIndex[p.name] == nil { intentIndex[p.name] = i }
    }

    /// Required variables missing from what a call brings in (check before `callStarted`).
    public func missingVariables(in values: [String: String]) -> [String] {
        variables.filter { $0.required && values[$0.name] == nil }.map(\.name)
    }

    /// Every transition of the script, the denominator of a coverage report.
    public var allTransitions: [DialogueTransitionRef] {
        var out: [DialogueTransitionRef] = []
        for state in states { out.append(contentsOf: state.transitionRefs) }
        for (i, t) in globalHandlers.enumerated() { out.append(DialogueTransitionRef(scope: .global, index: i, label: t.trigger.label)) }
        for (i, t) in sideQuestions.enumerated() { out.append(DialogueTransitionRef(scope: .sideQuestion, index: i, label: t.trigger.label)) }
        for (esc, kind, r, f) in [(defaults.noMatch, "no_match", DialogueTransitionRef.noMatchReprompt, DialogueTransitionRef.noMatchFallback),
                                  (defaults.noInput, "no_input", DialogueTransitionRef.noInputReprompt, DialogueTransitionRef.noInputFallback)] {
            guard let esc else { continue }
            if !esc.reprompts.isEmpty { out.append(DialogueTransitionRef(scope: .global, index: r, label: "\(kind) reprompt")) }
            if esc.then != nil { out.append(DialogueTransitionRef(scope: .global, index: f, label: "\(kind) fallback")) }
        }
        return out
    }
}

/// A variable the call brings in (e.g. `name`, `coupon_value`).
public struct DialogueVariable: Sendable, Equatable {
    public var name: String
    public var required: Bool
    public var example: String?
    public var mark: YAMLMark
}

/// A declared tag or disposition (a schema the CRM can rely on).
public struct DialogueDeclaration: Sendable, Equatable {
    public var name: String
    public var mark: YAMLMark
}

/// A named webhook endpoint.
public struct DialogueWebhook: Sendable, Equatable {
    public var name: String
    public var url: String
    public var method: String
    public var mark: YAMLMark
}

/// Script-wide defaults.
public struct DialogueDefaults: Sendable, Equatable {
    /// Silence after a prompt before `no_input` fires.
    public var noInputTimeoutMs: Int = 5000
    /// Recognitions below this confidence count as `no_match`.
    public var minConfidence: Double = 0.5
    /// Fewer examples than this per intent is a lint warning.
    public var minExamples: Int = 3
    /// Disposition recorded when the caller hangs up and no handler says otherwise.
    public var hangupDisposition: String?
    public var hangupDispositionMark: YAMLMark?
    /// Escalations used by listening states that define none.
    public var noMatch: DialogueEscalation?
    public var noInput: DialogueEscalation?
}

/// An intent: example phrases plus keyword and regular-expression overrides.
public struct DialogueIntent: Sendable, Equatable {
    public var name: String
    public var examples: [String]
    public var keywords: [String]
    public var patterns: [String]
    public var mark: YAMLMark
}
