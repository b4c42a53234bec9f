import ParleyYAML

/// Semantic checks on a loaded script. Every finding is a `DialogueDiagnostic` with a
/// rule id; errors block installation, warnings do not.
public struct DialogueLinter: Sendable {
    /// Reads prompt recordings; nil skips every file check.
    public var inspector: (any DialoguePromptInspecting)?
    /// Variables always available (set by the engine itself).
    public static let builtinVariables: Set<String> = ["last_utterance"]

    public init(inspector: (any DialoguePromptInspecting)? = WAVPromptInspector()) {
        self.inspector = inspector
    }

    /// Loads and lints the file at `path`; diagnostics sorted by position.
    public func check(path: String) -> DialogueLoadResult {
        finish(DialogueLoader.load(path: path))
    }

    /// Loads and lints script text.
    public func check(text: String, path: String) -> DialogueLoadResult {
        finish(DialogueLoader.load(text: text, path: path))
    }

    private func finish(_ loaded: DialogueLoadResult) -> DialogueLoadResult {
        var result = loaded
        if let script = loaded.script { result.diagnostics += lint(script) }
        result.diagnostics.sort { ($0.mark, $0.rule.rawValue) < ($1.mark, $1.rule.rawValue) }
        return result
    }

    /// The semantic findings for `script` (load diagnostics are separate).
    public func lint(_ script: DialogueScript) -> [DialogueDiagnostic] {
        var pass = DialogueLintPass(script: script, inspector: inspector)
        pass.run()
        return pass.diagnostics
    }
}

/// One lint run over one script.
struct DialogueLintPass {
    let script: DialogueScript
    let inspector: (any DialoguePromptInspecting)?
    var diagnostics: [DialogueDiagnostic] = []
    var knownVariables: Set<String> = DialogueLinter.builtinVariables
    var usedIntents: Set<String> = []
    var audioCache: [String: DialoguePromptAudio] = [:]

    init(script: DialogueScript, inspector: (any DialoguePromptInspecting)?) {
        self.script = script
        self.inspector = inspector
    }

    mutating func report(_ severity: DialogueDiagnostic.Severity, _ rule: DialogueLintRule, _ message: String, at mark: YAMLMark) {
        diagnostics.append(DialogueDiagnostic(severity, rule, message, at: mark))
    }

    func suggest(_ name: String, _ candidates: [String]) -> String {
        YAMLMappingReader.suggestion(for: name, among: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }

    mutating func run() {
        collectVariables()
        for state in script.states { checkState(state) }
        for t in script.globalHandlers { checkTransition(t, in: nil) }
        for t in script.sideQuestions { checkTransition(t, in: nil) }
        for esc in [script.defaults.noMatch, script.defaults.noInput].compactMap({ $0 }) { checkEscalation(esc, "defaults", in: nil) }
        if let d = script.defaults.hangupDisposition, let m = script.defaults.hangupDispositionMark { checkDisposition(d, at: m) }
        if script.defaults.hangupDisposition == nil && !script.globalHandlers.contains(where: { $0.trigger == .callerHangUp }) {
            report(.warning, .missingDisposition,
                   "a caller hang-up has no disposition: set defaults.hangup_disposition or a global caller_hangup handler",
                   at: script.mark)
        }
        checkReachability()
        checkIntents()
        checkPrompts()
    }

    mutating func collectVariables() {
        for v in script.variables { knownVariables.insert(v.name) }
        for p in script.prompts where p.variants.count > 1 { knownVariables.insert("variant_" + p.name) }
        for state in script.states {
            if let slot = state.slot { knownVariables.insert(slot.variable) }
            var actions = state.onEnter
            for t in state.transitions { actions += t.actions }
            for case .setVariable(let name, _, _) in actions { knownVariables.insert(name) }
        }
        for t in script.globalHandlers + script.sideQuestions {
            for case .setVariable(let name, _, _) in t.actions { knownVariables.insert(name) }
        }
    }

    mutating func checkState(_ state: DialogueState) {
        checkPromptRefs(state.play)
        checkPromptRefs(state.resume)
        checkActions(state.onEnter)
        for t in state.transitions { checkTransition(t, in: state) }
        if let e = state.noMatch { checkEscalation(e, "no_match of state '\(state.name)'", in: state) }
        if let e = state.noInput { checkEscalation(e, "no_input of state '\(state.name)'", in: state) }
        if let exit = state.exit { checkTarget(exit.target, at: exit.mark) }
        if !state.listens && state.exit == nil && !state.waitsForWebhook {
            report(.error, .deadEnd, "state '\(state.name)' has no way out: add 'on', 'slot', 'next', 'hangup' or 'transfer'", at: state.mark)
        }
        if state.waitsForWebhook && state.listens {
            report(.warning, .invalidValue, "state '\(state.name)' waits for a webhook and for the caller; a late webhook answer is lost once the caller moves on", at: state.mark)
        }
        if state.listens {
            if state.noInput == nil && script.defaults.noInput == nil {
                report(.warning, .missingNoInput, "state '\(state.name)' listens but has no no_input handling (and no default)", at: state.mark)
            }
            if state.noMatch == nil && script.defaults.noMatch == nil {
                report(.warning, .missingNoMatch, "state '\(state.name)' listens but has no no_match handling (and no default)", at: state.mark)
            }
        }
        if state.slot != nil && !state.transitions.contains(where: { $0.trigger == .slotFilled }) {
            report(.error, .deadEnd, "state '\(state.name)' has a slot but no 'slot_filled' transition", at: state.mark)
        }
        if state.slot == nil, let t = state.transitions.first(where: { $0.trigger == .slotFilled }) {
            report(.error, .invalidValue, "'slot_filled' in state '\(state.name)', which has no slot", at: t.mark)
        }
    }

    mutating func checkEscalation(_ e: DialogueEscalation, _ context: String, in state: DialogueState?) {
        checkPromptRefs(e.reprompts)
        if let then = e.then { checkTransition(then, in: state) } else {
            report(.warning, .retryCap, "\(context) retries without a cap: add 'then' to end the escalation", at: e.mark)
        }
    }

    mutating func checkTransition(_ t: DialogueTransition, in state: DialogueState?) {
        switch t.trigger {
        case .intent(let name):
            usedIntents.insert(name)
            if script.intent(named: name) == nil {
                report(.error, .undefinedIntent, "intent '\(name)' is not defined\(suggest(name, script.intents.map(\.name)))", at: t.mark)
            }
        case .webhookResult(let name, _):
            checkWebhook(name, at: t.mark)
        default: break
        }
        checkPromptRefs(t.play)
        checkActions(t.actions)
        checkTarget(t.target, at: t.mark)
    }

    mutating func checkTarget(_ target: DialogueTarget, at mark: YAMLMark) {
        switch target {
        case .goto(let name):
            if script.indexOfState(name) == nil {
                report(.error, .undefinedState, "state '\(name)' is not defined\(suggest(name, script.states.map(\.name)))", at: mark)
            }
        case .hangUp(let d):
            if let d { checkDisposition(d, at: mark) } else {
                report(.error, .missingDisposition, "hang-up without a disposition", at: mark)
            }
        case .transfer(_, let d):
            if let d { checkDisposition(d, at: mark) } else {
                report(.error, .missingDisposition, "transfer without a disposition", at: mark)
            }
        case .repeatState, .returnToState, .stay: break
        }
    }

    mutating func checkDisposition(_ d: String, at mark: YAMLMark) {
        let names = script.dispositions.map(\.name)
        if !names.isEmpty && !names.contains(d) {
            report(.error, .undefinedDisposition, "disposition '\(d)' is not declared in 'dispositions'\(suggest(d, names))", at: mark)
        }
    }

    mutating func checkWebhook(_ name: String, at mark: YAMLMark) {
        if !script.webhooks.contains(where: { $0.name == name }) {
            report(.error, .undefinedWebhook, "webhook '\(name)' is not defined\(suggest(name, script.webhooks.map(\.name)))", at: mark)
        }
    }

    mutating func checkActions(_ actions: [DialogueScriptAction]) {
        for action in actions {
            switch action {
            case .addTag(let tag, let mark):
                if !script.tags.contains(where: { $0.name == tag }) {
                    report(.error, .undefinedTag, "tag '\(tag)' is not declared in 'tags'\(suggest(tag, script.tags.map(\.name)))", at: mark)
                }
            case .setVariable(_, let template, let mark):
                checkTemplate(template, at: mark)
            case .webhook(let name, let payload, let mark):
                checkWebhook(name, at: mark)
                for (_, v) in payload { checkTemplate(v, at: mark) }
            }
        }
    }

    mutating func checkTemplate(_ template: String, at mark: YAMLMark) {
        for name in DialogueTemplate.variables(in: template) where !knownVariables.contains(name) {
            report(.error, .undefinedVariable, "variable '\(name)' is not defined\(suggest(name, Array(knownVariables).sorted()))", at: mark)
        }
    }

    mutating func checkPromptRefs(_ refs: [DialoguePromptRef]) {
        for ref in refs where script.prompt(named: ref.name) == nil {
            report(.error, .undefinedPrompt, "prompt '\(ref.name)' is not defined\(suggest(ref.name, script.prompts.map(\.name)))", at: ref.mark)
        }
    }

    mutating func checkIntents() {
        for intent in script.intents {
            if intent.examples.count < script.defaults.minExamples {
                report(.warning, .fewExamples,
                       "intent '\(intent.name)' has \(intent.examples.count) example(s); at least \(script.defaults.minExamples) are recommended",
                       at: intent.mark)
            }
            if !usedIntents.contains(intent.name) {
                report(.warning, .unusedIntent, "intent '\(intent.name)' is never used", at: intent.mark)
            }
        }
    }
}
