/// Caller input: recognitions, DTMF, slots, escalation of no_match / no_input.
extension DialogueEngine {
    /// The first transition whose trigger matches: the state's own, then side questions,
    /// then global handlers.
    func findTransition(_ matches: (DialogueTrigger) -> Bool) -> (DialogueTransition, DialogueTransitionRef)? {
        let state = script.states[stateIndex]
        for (i, t) in state.transitions.enumerated() where matches(t.trigger) {
            return (t, DialogueTransitionRef(scope: .state(state.name), index: i, label: t.trigger.label))
        }
        for (i, t) in script.sideQuestions.enumerated() where matches(t.trigger) {
            return (t, DialogueTransitionRef(scope: .sideQuestion, index: i, label: t.trigger.label))
        }
        for (i, t) in script.globalHandlers.enumerated() where matches(t.trigger) {
            return (t, DialogueTransitionRef(scope: .global, index: i, label: t.trigger.label))
        }
        return nil
    }

    var isAwaitingInput: Bool {
        (phase == .listening || phase == .playing) && script.states[stateIndex].listens
    }

    mutating func handleRecognition(_ r: DialogueRecognition, _ out: inout [DialogueAction]) {
        guard isAwaitingInput else { return }
        if let text = r.text { variables["last_utterance"] = text }
        // A global handler's intent ("stop calling me", "a human, please") is honoured even
        // when the caller sounds angry: a do-not-call request must never be lost to an
        // emotion route. Otherwise emotion is checked before intents.
        if let name = r.intent, r.confidence >= script.defaults.minConfidence,
           let i = script.globalHandlers.firstIndex(where: { $0.trigger == .intent(name) }),
           !script.states[stateIndex].transitions.contains(where: { $0.trigger == .intent(name) }) {
            let t = script.globalHandlers[i]
            perform(t, DialogueTransitionRef(scope: .global, index: i, label: t.trigger.label), &out)
            return
        }
        if let emotion = r.emotion, let (t, ref) = findTransition({ $0 == .emotion(emotion) }) {
            perform(t, ref, &out)
            return
        }
        guard let name = r.intent, r.confidence >= script.defaults.minConfidence,
              let (t, ref) = findTransition({ $0 == .intent(name) }) else {
            escalate(noInput: false, &out)
            return
        }
        perform(t, ref, &out)
    }

    mutating func handleDTMF(_ digits: String, _ out: inout [DialogueAction]) {
        guard isAwaitingInput else { return }
        // An exact DTMF transition (e.g. a global "0 for an agent") wins over a slot.
        if let (t, ref) = findTransition({ $0 == .dtmf(digits) }) {
            perform(t, ref, &out)
        } else if script.states[stateIndex].slot != nil {
            handleSlotValue(digits, &out)
        } else {
            escalate(noInput: false, &out)
        }
    }

    mutating func handleSlotValue(_ raw: String, _ out: inout [DialogueAction]) {
        guard isAwaitingInput, let slot = script.states[stateIndex].slot else { return }
        guard let value = DialogueSlotValidator.validate(raw, slot) else {
            escalate(noInput: false, &out)
            return
        }
        variables[slot.variable] = value
        cancelTimer(&out)
        out.append(.setVariable(name: slot.variable, value: value))
        if let (t, ref) = findTransition({ $0 == .slotFilled }) { perform(t, ref, &out) }
    }

    /// The n-th no_match / no_input plays the n-th reprompt; past the last one the
    /// fallback (`then`) is taken. Without a fallback the last reprompt repeats.
    mutating func escalate(noInput: Bool, _ out: inout [DialogueAction]) {
        guard isAwaitingInput else { return }
        let state = script.states[stateIndex]
        let own = noInput ? state.noInput : state.noMatch
        let escalation = own ?? (noInput ? script.defaults.noInput : script.defaults.noMatch)
        let scope: DialogueTransitionRef.Scope = own != nil ? .state(state.name) : .global
        let count: Int
        if noInput { noInputCount += 1; count = noInputCount } else { noMatchCount += 1; count = noMatchCount }
        let kind = noInput ? "no_input" : "no_match"
        guard let escalation else {
            resumeListening(state.play, &out)
            return
        }
        if count <= escalation.reprompts.count || (escalation.then == nil && !escalation.reprompts.isEmpty) {
            let index = min(count, escalation.reprompts.count) - 1
            cancelTimer(&out)
            out.append(.followed(DialogueTransitionRef(
                scope: scope, index: noInput ? DialogueTransitionRef.noInputReprompt : DialogueTransitionRef.noMatchReprompt,
                label: "\(kind) reprompt")))
            resumeListening([escalation.reprompts[index]], &out)
        } else if let then = escalation.then {
            perform(then, DialogueTransitionRef(
                scope: scope, index: noInput ? DialogueTransitionRef.noInputFallback : DialogueTransitionRef.noMatchFallback,
                label: "\(kind) fallback"), &out)
        }
    }

    func listenSpec(for state: DialogueState) -> DialogueListenSpec {
        var intents: [String] = []
        var dtmf = state.slot != nil
        for t in state.transitions + script.sideQuestions + script.globalHandlers {
            switch t.trigger {
            case .intent(let name): if !intents.contains(name) { intents.append(name) }
            case .dtmf: dtmf = true
            default: break
            }
        }
        var phrases: [String] = []
        for name in intents {
            if let intent = script.intent(named: name) { phrases += intent.examples + intent.keywords }
        }
        return DialogueListenSpec(intents: intents, phrases: phrases, dtmf: dtmf, slot: state.slot,
                                  noInputTimeoutMs: state.noInputTimeoutMs ?? script.defaults.noInputTimeoutMs)
    }
}
