/// The dialogue state machine for one call. Pure: no clock, no I/O. The call layer
/// feeds it `DialogueEvent`s and carries out the `DialogueAction`s it returns; timers
/// are actions, and the same events with the same seed always give the same actions
/// (A/B variants are chosen from `seed`, e.g. the call id).
///
/// The engine holds the script it was created with: installing a new version elsewhere
/// never changes a call in progress.
public struct DialogueEngine: Sendable {
    public enum Phase: Sendable, Equatable {
        case notStarted
        /// A playback is running; input may still arrive (barge-in).
        case playing
        /// Waiting for the caller.
        case listening
        case finished
    }

    enum Continuation: Sendable, Equatable {
        case listen
        case exit(DialogueTarget, DialogueTransitionRef)
        case end(DialogueAction)
    }

    /// The script this call runs (shared, never changes during the call).
    public var script: DialogueScript { box.script }
    let box: DialogueScriptBox
    public let seed: String
    public internal(set) var phase: Phase = .notStarted
    public internal(set) var stateIndex: Int
    public internal(set) var variables: [String: String] = [:]
    public internal(set) var tags: [String] = []
    public internal(set) var disposition: String?
    /// The id of the latest playback.
    public internal(set) var playbackID = 0

    var continuation: Continuation?
    var noMatchCount = 0
    var noInputCount = 0
    var timerGeneration = 0
    var timerRunning = false
    /// A `listen` is in force (a `stopListening` is owed when leaving listening states).
    var recognizerOn = false
    /// States entered within the current `handle` call (guards chains without prompts).
    var hops = 0

    public init(script: DialogueScript, seed: String) {
        self.init(shared: DialogueScriptBox(script), seed: seed)
    }

    /// Starts a call on a shared script box (what the registry hands out; no copy).
    public init(shared box: DialogueScriptBox, seed: String) {
        self.box = box
        self.seed = seed
        self.stateIndex = box.script.startIndex
    }

    /// The current state's name.
    public var stateName: String { script.states.indices.contains(stateIndex) ? script.states[stateIndex].name : "" }

    public var isFinished: Bool { phase == .finished }

    public mutating func handle(_ event: DialogueEvent) -> [DialogueAction] {
        var out: [DialogueAction] = []
        hops = 0
        guard phase != .finished else { return out }
        if case .callStarted(let vars) = event {
            guard phase == .notStarted, !script.states.isEmpty else { return out }
            variables = vars
            enter(script.startIndex, prefix: [], &out)
            return out
        }
        guard phase != .notStarted else { return out }
        switch event {
        case .callStarted:
            break
        case .promptFinished(let id):
            guard id == playbackID, phase == .playing else { break }
            phase = .listening
            playbackEnded(&out)
        case .bargeIn(let id):
            guard id == playbackID, phase == .playing else { break }
            phase = .listening
            if continuation == .listen {
                continuation = nil  // the recognizer's result follows
            } else {
                playbackEnded(&out)
            }
        case .intent(let recognition):
            handleRecognition(recognition, &out)
        case .dtmf(let digits):
            handleDTMF(digits, &out)
        case .slotValue(let value):
            handleSlotValue(value, &out)
        case .timerFired(let timer):
            guard timerRunning, timer.generation == timerGeneration, timer.kind == .noInput else { break }
            timerRunning = false
            escalate(noInput: true, &out)
        case .asrError:
            if let (t, ref) = findTransition({ $0 == .asrError }) { perform(t, ref, &out) } else { escalate(noInput: false, &out) }
        case .callerHungUp:
            handleHangUp(&out)
        case .webhookResult(let name, let ok, let vars):
            for (k, v) in vars.sorted(by: { $0.key < $1.key }) {
                variables[k] = v
                out.append(.setVariable(name: k, value: v))
            }
            if let (t, ref) = findTransition({ $0 == .webhookResult(name: name, succeeded: ok) }) { perform(t, ref, &out) }
        }
        return out
    }

    // MARK: - Moving between states

    mutating func enter(_ index: Int, prefix: [DialoguePromptRef], _ out: inout [DialogueAction]) {
        hops += 1
        if hops > script.states.count + 1 {
            finish(.hangUp(disposition: "script_loop"), &out)
            return
        }
        cancelTimer(&out)
        stateIndex = index
        noMatchCount = 0
        noInputCount = 0
        let state = script.states[index]
        out.append(.enteredState(state.name))
        run(state.onEnter, &out)
        let prompts = prefix + state.play
        if state.listens {
            let played = play(prompts, &out)
            out.append(.listen(listenSpec(for: state)))
            recognizerOn = true
            if played { continuation = .listen } else { startListening(&out) }
        } else if let exit = state.exit {
            stopRecognizer(&out)
            let ref = DialogueTransitionRef(scope: .state(state.name), index: DialogueTransitionRef.exit, label: "after prompt")
            if play(prompts, &out) { continuation = .exit(exit.target, ref) } else {
                out.append(.followed(ref))
                take(exit.target, ref, prompts: [], &out)
            }
        } else {
            // Waiting for a webhook, or a dead end (the linter reports those): play and wait.
            stopRecognizer(&out)
            if !play(prompts, &out) { phase = .listening }
            continuation = nil
        }
    }

    /// Follows a transition: trace, actions, prompts, target.
    mutating func perform(_ t: DialogueTransition, _ ref: DialogueTransitionRef, _ out: inout [DialogueAction]) {
        cancelTimer(&out)
        out.append(.followed(ref))
        run(t.actions, &out)
        take(t.target, ref, prompts: t.play, &out)
    }

    mutating func take(_ target: DialogueTarget, _ ref: DialogueTransitionRef, prompts: [DialoguePromptRef],
                       _ out: inout [DialogueAction]) {
        let state = script.states[stateIndex]
        switch target {
        case .goto(let name):
            guard let index = script.indexOfState(name) else {
                finish(.hangUp(disposition: "script_error"), &out)
                return
            }
            enter(index, prefix: prompts, &out)
        case .hangUp(let d):
            let action = DialogueAction.hangUp(disposition: d ?? "unspecified")
            if play(prompts, &out) { continuation = .end(action) } else { finish(action, &out) }
        case .transfer(let uri, let d):
            let action = DialogueAction.transfer(uri: uri, disposition: d ?? "transferred")
            if play(prompts, &out) { continuation = .end(action) } else { finish(action, &out) }
        case .repeatState:
            resumeListening(prompts + state.play, &out)
        case .returnToState:
            resumeListening(prompts + (state.resume.isEmpty ? state.play : state.resume), &out)
        case .stay:
            resumeListening(prompts, &out)
        }
    }

    mutating func resumeListening(_ prompts: [DialoguePromptRef], _ out: inout [DialogueAction]) {
        if play(prompts, &out) { continuation = .listen } else { startListening(&out) }
    }

    mutating func playbackEnded(_ out: inout [DialogueAction]) {
        let next = continuation
        continuation = nil
        switch next {
        case .listen: startListening(&out)
        case .exit(let target, let ref):
            out.append(.followed(ref))
            take(target, ref, prompts: [], &out)
        case .end(let action): finish(action, &out)
        case nil: phase = .listening
        }
    }

    mutating func finish(_ action: DialogueAction, _ out: inout [DialogueAction]) {
        cancelTimer(&out)
        if phase == .playing { out.append(.stopPlayback) }
        switch action {
        case .hangUp(let d), .callEnded(let d), .transfer(_, let d): disposition = d
        default: break
        }
        out.append(.stopListening)
        out.append(action)
        phase = .finished
        continuation = nil
    }

    mutating func handleHangUp(_ out: inout [DialogueAction]) {
        cancelTimer(&out)
        var d = script.defaults.hangupDisposition ?? "caller_hung_up"
        if let (t, ref) = findTransition({ $0 == .callerHangUp }) {
            out.append(.followed(ref))
            run(t.actions, &out)
            if case .hangUp(let x?) = t.target { d = x }
        } else {
            out.append(.followed(DialogueTransitionRef(scope: .callEnd, index: 0, label: "caller hang-up")))
        }
        disposition = d
        if phase == .playing { out.append(.stopPlayback) }
        out.append(.callEnded(disposition: d))
        phase = .finished
        continuation = nil
    }

    // MARK: - Actions and timers

    mutating func run(_ actions: [DialogueScriptAction], _ out: inout [DialogueAction]) {
        for action in actions {
            switch action {
            case .setVariable(let name, let template, _):
                let value = DialogueTemplate.render(template, variables)
                variables[name] = value
                out.append(.setVariable(name: name, value: value))
            case .addTag(let tag, _):
                if !tags.contains(tag) { tags.append(tag) }
                out.append(.addTag(tag))
            case .webhook(let name, let payload, _):
                let hook = script.webhooks.first(where: { $0.name == name })
                var body: [String: String] = [:]
                for (k, v) in payload { body[k] = DialogueTemplate.render(v, variables) }
                out.append(.webhook(name: name, url: hook?.url ?? "", method: hook?.method ?? "POST", payload: body))
            }
        }
    }

    mutating func startListening(_ out: inout [DialogueAction]) {
        phase = .listening
        cancelTimer(&out)
        timerGeneration += 1
        timerRunning = true
        let state = script.states[stateIndex]
        out.append(.startTimer(DialogueTimer(kind: .noInput, generation: timerGeneration),
                               delayMs: state.noInputTimeoutMs ?? script.defaults.noInputTimeoutMs))
    }

    mutating func stopRecognizer(_ out: inout [DialogueAction]) {
        guard recognizerOn else { return }
        recognizerOn = false
        out.append(.stopListening)
    }

    mutating func cancelTimer(_ out: inout [DialogueAction]) {
        guard timerRunning else { return }
        timerRunning = false
        out.append(.cancelTimer(DialogueTimer(kind: .noInput, generation: timerGeneration)))
    }
}

/// One loaded script shared by every call running it: keeps per-call engine state small.
public final class DialogueScriptBox: Sendable {
    public let script: DialogueScript
    public init(_ script: DialogueScript) { self.script = script }
}
