/// One simulated call as a pure state machine: the SIP/RTP glue feeds it events (times
/// in ms of the caller's RTP clock) and carries out its actions. No clock reads, no I/O;
/// timers are actions, and a timer whose generation is stale is ignored.
public struct ScenarioRunner: Sendable {
    public enum TimerKind: Sendable, Equatable { case answer, call, turn, silence, bargeIn }

    public struct Timer: Sendable, Equatable {
        public var kind: TimerKind
        public var generation: Int
    }

    public enum Event: Sendable, Equatable {
        /// INVITE sent.
        case started(atMs: Int)
        /// 200 OK received.
        case answered(atMs: Int)
        /// The recognizer heard a prompt start (`atMs`: its back-dated start).
        case promptStarted(name: String, confidence: Double, atMs: Int)
        /// The recognizer heard a prompt stop.
        case promptEnded(name: String, interrupted: Bool, atMs: Int)
        /// The first packet of the recording or of a DTMF digit the runner asked for went
        /// out: the caller starts speaking, or presses a key (one per digit).
        case callerInputStarted(atMs: Int)
        /// The recording or DTMF the runner asked for has been sent completely.
        case callerAudioFinished(atMs: Int)
        case timerFired(Timer, atMs: Int)
        /// The bot hung up; `disposition` from `X-Parley-Disposition`, `reason` from `Reason`.
        case byeReceived(disposition: String?, reason: String?, atMs: Int)
        /// Final non-2xx, transport failure (status 0) or the like.
        case callFailed(status: Int, reason: String, atMs: Int)
    }

    public enum Measurement: Sendable, Equatable {
        case setupMs(Int)
        case firstPromptMs(Int)
        case responseMs(Int)
        case bargeInMs(Int)
        /// A prompt stopped while the caller was silent.
        case falseBargeIn(prompt: String)
        /// The caller spoke over an interruptible prompt and it played to its end.
        case missedBargeIn(prompt: String)
    }

    public enum Action: Sendable, Equatable {
        /// Play this recording (absolute path) as the caller's speech, then report
        /// `callerAudioFinished`.
        case sendAudio(file: String)
        /// Send these digits, then report `callerAudioFinished`.
        case sendDTMF(digits: String, method: CallerTurn.DTMFMethod)
        case startTimer(Timer, afterMs: Int)
        /// Send BYE (or CANCEL before the answer).
        case hangUp
        case record(Measurement)
        case finish(CallVerdict)
    }

    public let call: ScenarioCall
    public let timeouts: ScenarioTimeouts
    /// Prompts the caller cannot interrupt (`barge_in: off`), for missed barge-ins.
    public let uninterruptible: Set<String>
    public private(set) var result = CallResult()
    var turnIndex = 0
    var waitingCursor = 0
    var generation = 0
    var answered = false
    var finished = false
    var speaking = false
    var speechStartMs: Int?
    var lastCallerInputEndMs: Int?
    var awaitingResponse = false
    /// A DTMF turn is being sent.
    var pressing = false
    /// Onsets of the digits of the last DTMF turn: the time the runner asked for them,
    /// replaced by the first packet's send time when the stream reports it. A DTMF turn's
    /// response is timed from the last onset before the prompt (the bot acts on a digit's
    /// first packet, long before the digit and its gap have been sent).
    var digitOnsetsMs: [Int] = []
    var digitOnsetReported = false
    /// The current say turn's first packet was reported (`speechStartMs` is its send time).
    var speechOnsetReported = false
    var waitArmed = false
    /// Prompt playing when the caller started speaking into it.
    var spokenOver: String?
    /// The glue's clock when it hands over an event whose time is in the past (a prompt
    /// start is back-dated by the recognizer): timers are set relative to it. Nil: the
    /// event's own time is now.
    public var clockMs: Int?

    public init(call: ScenarioCall, timeouts: ScenarioTimeouts, uninterruptible: Set<String> = []) {
        self.call = call
        self.timeouts = timeouts
        self.uninterruptible = uninterruptible
        result.callName = call.name
    }

    public var isFinished: Bool { finished }

    public mutating func handle(_ event: Event) -> [Action] {
        guard !finished else { return [] }
        var actions: [Action] = []
        switch event {
        case .started(let at):
            result.startedMs = at
            actions.append(timer(.answer, timeouts.answerTimeoutMs))
        case .answered(let at):
            answered = true
            result.answered = true
            result.answeredMs = at
            let setup = at - result.startedMs
            result.setupMs = setup
            actions.append(.record(.setupMs(setup)))
            actions.append(timer(.call, timeouts.callTimeoutMs))
            beginTurn(at: at, &actions)
        case .promptStarted(let name, _, let at):
            result.heard.append(HeardPrompt(name: name, startMs: at))
            if result.firstPromptMs == nil, let answeredMs = result.answeredMs {
                result.firstPromptMs = at - answeredMs
                actions.append(.record(.firstPromptMs(at - answeredMs)))
            }
            if awaitingResponse, let from = responseFromMs(promptStartMs: at) {
                awaitingResponse = false
                result.responseMs.append(at - from)
                actions.append(.record(.responseMs(at - from)))
            }
            rearmWait(&actions)
            progressWait(at: at, &actions)
        case .promptEnded(let name, let interrupted, let at):
            if let i = result.heard.lastIndex(where: { $0.name == name && $0.endMs == nil }) {
                result.heard[i].endMs = at
                result.heard[i].interrupted = interrupted
            }
            if interrupted {
                // The end's time decides, not the order events arrive in: a prompt that
                // stopped before the caller spoke was not interrupted by the caller.
                if let start = speechStartMs, spokenOver == name, at >= start {
                    result.bargeInMs.append(at - start)
                    actions.append(.record(.bargeInMs(at - start)))
                } else if !speaking || (speechStartMs.map { at < $0 } ?? true) {
                    result.falseBargeIns += 1
                    actions.append(.record(.falseBargeIn(prompt: name)))
                }
            } else if spokenOver == name, !uninterruptible.contains(name) {
                result.missedBargeIns += 1
                actions.append(.record(.missedBargeIn(prompt: name)))
            }
            if spokenOver == name { spokenOver = nil }
            rearmWait(&actions)
            progressWait(at: at, &actions)
        case .callerInputStarted(let at):
            guard speaking else { break }
            guard pressing else {
                // Speech starts with its first packet, not when the runner asked for it
                // (the pacer sends on its next 20 ms tick): barge-in counts from here.
                if !speechOnsetReported { speechOnsetReported = true; speechStartMs = at }
                break
            }
            if digitOnsetReported { digitOnsetsMs.append(at) } else {
                digitOnsetReported = true
                digitOnsetsMs = [at]
            }
        case .callerAudioFinished(let at):
            guard speaking else { break }
            speaking = false
            if pressing {
                // Awaiting the response since the first digit went out (see `digitOnsetsMs`).
                pressing = false
            } else {
                lastCallerInputEndMs = at
                digitOnsetsMs = []
                awaitingResponse = true
            }
            advance(at: at, &actions)
        case .timerFired(let t, let at):
            guard t.generation == generation || t.kind == .call || t.kind == .answer else { break }
            switch t.kind {
            case .answer where !answered:
                actions.append(.hangUp)
                end(.failed("no answer within \(timeouts.answerTimeoutMs) ms"), at: at, &actions)
            case .call where answered:
                actions.append(.hangUp)
                end(.failed("call still up after \(timeouts.callTimeoutMs) ms"), at: at, &actions)
            case .turn:
                if case .wait(let prompt, _, let timeout) = currentTurn {
                    actions.append(.hangUp)
                    let heard = result.heard.last.map { "last heard `\($0.name)`" } ?? "heard no prompt"
                    end(.failed("waited \(timeout ?? timeouts.promptTimeoutMs) ms for prompt `\(prompt)`, \(heard)"), at: at, &actions)
                }
            case .silence, .bargeIn:
                advance(at: at, &actions)
            default: break
            }
        case .byeReceived(let disposition, let reason, let at):
            result.disposition = disposition
            result.byeReason = reason
            end(verdict(byBot: true), at: at, &actions)
        case .callFailed(let status, let reason, let at):
            end(.failed("call failed: \(status) \(reason)"), at: at, &actions)
        }
        return actions
    }

    /// Where the response to the caller's last input is timed from: the end of the caller's
    /// speech; for DTMF the onset of the last digit pressed before the prompt started (a
    /// prompt that started before any digit is not a response to them).
    func responseFromMs(promptStartMs: Int) -> Int? {
        if !digitOnsetsMs.isEmpty { return digitOnsetsMs.last(where: { $0 <= promptStartMs }) }
        return lastCallerInputEndMs
    }

    var currentTurn: CallerTurn? { turnIndex < call.turns.count ? call.turns[turnIndex] : nil }

    mutating func timer(_ kind: TimerKind, _ ms: Int) -> Action {
        .startTimer(Timer(kind: kind, generation: generation), afterMs: ms)
    }

    mutating func advance(at: Int, _ actions: inout [Action]) {
        turnIndex += 1
        beginTurn(at: at, &actions)
    }

    mutating func beginTurn(at: Int, _ actions: inout [Action]) {
        generation += 1
        waitArmed = false
        guard let turn = currentTurn else { return }   // all done: wait for the bot's BYE
        switch turn {
        case .wait(_, _, let timeout):
            actions.append(timer(.turn, timeout ?? timeouts.promptTimeoutMs))
            progressWait(at: at, &actions)
        case .say(let file):
            speaking = true
            speechStartMs = clockMs ?? at
            speechOnsetReported = false
            spokenOver = result.heard.last(where: { $0.endMs == nil })?.name
            actions.append(.sendAudio(file: file))
        case .silence(let ms):
            actions.append(timer(.silence, ms))
        case .dtmf(let digits, let method):
            speaking = true
            speechStartMs = nil
            pressing = true
            // `at` may be a back-dated event's time: the digits go out now.
            digitOnsetsMs = [clockMs ?? at]
            digitOnsetReported = false
            awaitingResponse = true
            actions.append(.sendDTMF(digits: digits, method: method))
        case .hangup:
            actions.append(.hangUp)
            end(verdict(byBot: false), at: at, &actions)
        }
    }

    /// The bot did something (a prompt started or ended): a wait turn's timeout counts
    /// from here, so it bounds the bot's silence, not the length of the prompts before.
    mutating func rearmWait(_ actions: inout [Action]) {
        guard case .wait(_, _, let timeout) = currentTurn, !waitArmed else { return }
        generation += 1
        actions.append(timer(.turn, timeout ?? timeouts.promptTimeoutMs))
    }

    /// A wait turn completes on its prompt's end, or `afterMs` into it.
    mutating func progressWait(at: Int, _ actions: inout [Action]) {
        guard case .wait(let prompt, let afterMs, _) = currentTurn, !waitArmed else { return }
        guard let i = result.heard.indices.first(where: { $0 >= waitingCursor && result.heard[$0].name == prompt }) else { return }
        let heard = result.heard[i]
        if let afterMs {
            waitingCursor = i + 1
            waitArmed = true
            let due = heard.startMs + afterMs - (clockMs ?? at)
            if due <= 0 { advance(at: at, &actions) } else {
                generation += 1
                actions.append(timer(.bargeIn, due))
            }
        } else if heard.endMs != nil {
            waitingCursor = i + 1
            advance(at: at, &actions)
        }
    }

    mutating func end(_ verdict: CallVerdict, at: Int, _ actions: inout [Action]) {
        finished = true
        result.endedMs = at
        result.verdict = verdict
        actions.append(.finish(verdict))
    }
}
