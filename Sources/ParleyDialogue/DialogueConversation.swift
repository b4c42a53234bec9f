/// Drives a `DialogueEngine` with text, as `parley chat` and `parley test` do: prompts
/// play to their end, webhooks answer at once (success unless told otherwise), typed
/// text goes through an intent resolver, "silence" fires the no-input timer.
public struct DialogueConversation: Sendable {
    public private(set) var engine: DialogueEngine
    public let resolver: any DialogueIntentResolving
    /// Webhook outcomes by name (default: success).
    public var webhookResults: [String: Bool] = [:]
    /// Everything observed so far.
    public private(set) var transcript = DialogueTranscript()

    var listen: DialogueListenSpec?
    var timer: DialogueTimer?
    var pendingPlayback: Int?
    var pendingWebhooks: [String] = []

    public init(script: DialogueScript, seed: String, resolver: any DialogueIntentResolving) {
        self.engine = DialogueEngine(script: script, seed: seed)
        self.resolver = resolver
    }

    public var isFinished: Bool { engine.isFinished }

    @discardableResult
    public mutating func start(variables: [String: String]) -> [DialogueAction] {
        feed(.callStarted(variables: variables))
    }

    /// The caller says `text` (with an optional emotion overriding the resolver's).
    @discardableResult
    public mutating func say(_ text: String, emotion: String? = nil) -> [DialogueAction] {
        let state = engine.script.states[engine.stateIndex]
        if state.slot != nil, DialogueSlotValidator.digits(in: text) != nil {
            return feed(.slotValue(text))
        }
        var recognition = resolver.resolve(text, candidates: listen?.intents ?? [])
        if let emotion { recognition.emotion = emotion }
        return feed(.intent(recognition))
    }

    @discardableResult
    public mutating func dtmf(_ digits: String) -> [DialogueAction] { feed(.dtmf(digits)) }

    /// The caller stays silent until the no-input timer fires.
    @discardableResult
    public mutating func silence() -> [DialogueAction] {
        guard let timer else { return [] }
        return feed(.timerFired(timer))
    }

    @discardableResult
    public mutating func asrError() -> [DialogueAction] { feed(.asrError) }

    @discardableResult
    public mutating func hangUp() -> [DialogueAction] { feed(.callerHungUp) }

    /// Sends one event, then completes playbacks and answers webhooks until the engine
    /// waits for the caller or the call ends. Returns every action produced.
    @discardableResult
    public mutating func feed(_ event: DialogueEvent) -> [DialogueAction] {
        var all: [DialogueAction] = []
        var next: DialogueEvent? = event
        var steps = 0
        while let e = next, steps < 1000 {
            steps += 1
            let actions = engine.handle(e)
            all += actions
            observe(actions)
            if !pendingWebhooks.isEmpty {
                let name = pendingWebhooks.removeFirst()
                next = .webhookResult(name: name, succeeded: webhookResults[name] ?? true, variables: [:])
            } else if let id = pendingPlayback, !engine.isFinished {
                pendingPlayback = nil
                next = .promptFinished(playbackID: id)
            } else {
                next = nil
            }
        }
        return all
    }

    mutating func observe(_ actions: [DialogueAction]) {
        for action in actions {
            switch action {
            case .play(let p):
                pendingPlayback = p.id
                transcript.prompts += p.prompts
            case .listen(let spec): listen = spec
            case .startTimer(let t, _): timer = t
            case .cancelTimer: timer = nil
            case .enteredState(let s): transcript.path.append(s)
            case .followed(let ref): transcript.followed.append(ref)
            case .addTag(let t): if !transcript.tags.contains(t) { transcript.tags.append(t) }
            case .webhook(let name, _, _, _):
                pendingWebhooks.append(name)
                transcript.webhooks.append(name)
            case .transfer(let uri, let d):
                transcript.transferURI = uri
                transcript.disposition = d
            case .hangUp(let d), .callEnded(let d): transcript.disposition = d
            case .setVariable, .stopPlayback, .stopListening: break
            }
        }
        transcript.variables = engine.variables
    }
}

/// What a text conversation produced.
public struct DialogueTranscript: Sendable, Equatable {
    public var path: [String] = []
    public var prompts: [DialogueResolvedPrompt] = []
    public var tags: [String] = []
    public var webhooks: [String] = []
    public var disposition: String?
    public var transferURI: String?
    public var followed: [DialogueTransitionRef] = []
    public var variables: [String: String] = [:]
}
