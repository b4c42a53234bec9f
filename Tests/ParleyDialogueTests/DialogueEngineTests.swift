import Testing
@testable import ParleyDialogue

@Suite struct DialogueEngineTests {
    let script: DialogueScript

    init() throws {
        script = try loadScript(engineTestScript, path: "/scripts/engine.yaml")
    }

    /// An engine that has started and finished its first prompt (now listening in `ask`).
    func listeningEngine(seed: String = "call-1") -> DialogueEngine {
        var engine = DialogueEngine(script: script, seed: seed)
        _ = engine.handle(.callStarted(variables: ["name": "Ann"]))
        _ = engine.handle(.promptFinished(playbackID: engine.playbackID))
        return engine
    }

    @Test func callStartPlaysAndListensThenStartsTheNoInputTimer() {
        var engine = DialogueEngine(script: script, seed: "call-1")
        let start = engine.handle(.callStarted(variables: ["name": "Ann"]))
        guard start.count == 3, case .play(let playback) = start[1], case .listen(let spec) = start[2] else {
            Issue.record("unexpected actions \(start)")
            return
        }
        #expect(start[0] == .enteredState("ask"))
        #expect(playback.prompts.map(\.text) == ["Hi Ann, yes or no?"])
        #expect(playback.prompts[0].files == ["/scripts/prompts/ask.wav"])
        #expect(spec.intents == ["yes", "no", "price", "stop", "human", "again"])
        #expect(spec.dtmf)
        #expect(spec.phrases.contains("nope"))
        #expect(engine.phase == .playing)
        let finished = engine.handle(.promptFinished(playbackID: playback.id))
        #expect(finished == [.startTimer(DialogueTimer(kind: .noInput, generation: 1), delayMs: 4000)])
        #expect(engine.phase == .listening)
    }

    @Test func intentTransitionGoesToTheNextState() {
        var engine = listeningEngine()
        let actions = engine.handle(.intent(DialogueRecognition(intent: "yes", confidence: 0.9)))
        #expect(actions.first == .cancelTimer(DialogueTimer(kind: .noInput, generation: 1)))
        #expect(actions.contains(.followed(DialogueTransitionRef(scope: .state("ask"), index: 0, label: "intent yes"))))
        #expect(enteredStates(actions) == ["pin"])
        #expect(playedPrompts(actions) == ["digits"])
        #expect(engine.stateName == "pin")
    }

    @Test func dtmfTransition() {
        var engine = listeningEngine()
        let actions = engine.handle(.dtmf("9"))
        #expect(enteredStates(actions) == ["pin"])
    }

    @Test func transitionPromptsPlayBeforeHangingUp() {
        var engine = listeningEngine()
        let actions = engine.handle(.intent(DialogueRecognition(intent: "no")))
        #expect(playedPrompts(actions) == ["bye"])
        #expect(!actions.contains(.hangUp(disposition: "no_done")))
        let end = engine.handle(.promptFinished(playbackID: engine.playbackID))
        #expect(end == [.stopListening, .hangUp(disposition: "no_done")])
        #expect(engine.isFinished)
        #expect(engine.disposition == "no_done")
        #expect(engine.handle(.intent(DialogueRecognition(intent: "yes"))) == [])
    }

    @Test func emotionTransitionWinsOverTheIntent() {
        var engine = listeningEngine()
        let actions = engine.handle(.intent(DialogueRecognition(intent: "yes", confidence: 1, emotion: "angry")))
        #expect(actions.last == .hangUp(disposition: "angry"))
    }

    @Test func aGlobalHandlersIntentWinsOverEmotion() {
        // An angry "stop calling me" must still reach the do-not-call handler.
        var engine = listeningEngine()
        let actions = engine.handle(.intent(DialogueRecognition(intent: "stop", confidence: 1, emotion: "angry")))
        #expect(actions.contains(.addTag("dnc")))
        #expect(playedPrompts(actions) == ["bye"])
    }

    @Test func asrErrorTransition() {
        var engine = listeningEngine()
        #expect(engine.handle(.asrError).last == .hangUp(disposition: "asr"))
    }

    @Test func callerHangUpRecordsTheDefaultDisposition() {
        var engine = listeningEngine()
        let actions = engine.handle(.callerHungUp)
        #expect(actions.last == .callEnded(disposition: "hung_up"))
        #expect(actions.contains(.cancelTimer(DialogueTimer(kind: .noInput, generation: 1))))
        #expect(engine.isFinished)
    }

    @Test func noMatchEscalatesThenFallsBack() {
        var engine = listeningEngine()
        let first = engine.handle(.intent(DialogueRecognition(intent: nil, confidence: 0.1)))
        #expect(playedPrompts(first) == ["again1"])
        _ = engine.handle(.promptFinished(playbackID: engine.playbackID))
        // Below min_confidence (default 0.5) counts as no_match too.
        let second = engine.handle(.intent(DialogueRecognition(intent: "yes", confidence: 0.3)))
        #expect(playedPrompts(second) == ["again2"])
        _ = engine.handle(.promptFinished(playbackID: engine.playbackID))
        let third = engine.handle(.intent(DialogueRecognition(intent: "unknown-to-this-state")))
        #expect(playedPrompts(third) == ["bye"])
        #expect(third.contains(.followed(DialogueTransitionRef(scope: .state("ask"), index: DialogueTransitionRef.noMatchFallback, label: "no_match fallback"))))
        #expect(engine.handle(.promptFinished(playbackID: engine.playbackID)).last == .hangUp(disposition: "no_response"))
    }

    @Test func noInputTimerEscalatesAndStaleTimersAreIgnored() {
        var engine = listeningEngine()
        let firstTimer = DialogueTimer(kind: .noInput, generation: 1)
        let reprompt = engine.handle(.timerFired(firstTimer))
        #expect(playedPrompts(reprompt) == ["silent1"])
        #expect(engine.handle(.timerFired(firstTimer)) == [])  // already fired: stale
        let restarted = engine.handle(.promptFinished(playbackID: engine.playbackID))
        guard let second = startedTimer(restarted) else {
            Issue.record("no timer restarted: \(restarted)")
            return
        }
        #expect(second.generation == 2)
        #expect(engine.handle(.timerFired(second)).last == .hangUp(disposition: "no_response"))
    }

    @Test func globalHandlersApplyInEveryListeningState() {
        var engine = listeningEngine()
        let stop = engine.handle(.intent(DialogueRecognition(intent: "stop")))
        #expect(stop.contains(.addTag("dnc")))
        #expect(stop.contains(.followed(DialogueTransitionRef(scope: .global, index: 0, label: "intent stop"))))
        #expect(engine.handle(.promptFinished(playbackID: engine.playbackID)).last == .hangUp(disposition: "dnc"))
        #expect(engine.tags == ["dnc"])

        var inSlot = listeningEngine()
        _ = inSlot.handle(.dtmf("9"))
        #expect(inSlot.stateName == "pin")
        let human = inSlot.handle(.intent(DialogueRecognition(intent: "human")))
        #expect(human.last == .transfer(uri: "sip:agent@127.0.0.1", disposition: "agent"))
    }

    @Test func sideQuestionAnswersAndReturnsToTheState() {
        var engine = listeningEngine()
        let answer = engine.handle(.intent(DialogueRecognition(intent: "price")))
        #expect(answer.contains(.addTag("asked")))
        #expect(playedPrompts(answer) == ["price", "back"])
        #expect(engine.stateName == "ask")
        #expect(enteredStates(answer) == [])
        let resumed = engine.handle(.promptFinished(playbackID: engine.playbackID))
        #expect(startedTimer(resumed) != nil)
        #expect(enteredStates(engine.handle(.intent(DialogueRecognition(intent: "yes")))) == ["pin"])
    }

    @Test func repeatReplaysTheStatePrompt() {
        var engine = listeningEngine()
        let actions = engine.handle(.intent(DialogueRecognition(intent: "again")))
        #expect(playedPrompts(actions) == ["ask"])
        #expect(engine.stateName == "ask")
    }

    @Test func slotValidatesThenFillsAndWebhookResultDecides() {
        var engine = listeningEngine()
        _ = engine.handle(.dtmf("9"))
        _ = engine.handle(.promptFinished(playbackID: engine.playbackID))
        let invalid = engine.handle(.dtmf("12"))
        #expect(playedPrompts(invalid) == ["digits"])  // no no_match and no default: the state's prompt again
        #expect(engine.stateName == "pin")
        let filled = engine.handle(.slotValue("one two three four"))
        #expect(filled.contains(.setVariable(name: "pin", value: "1234")))
        #expect(enteredStates(filled) == ["sending"])
        #expect(filled.contains(.stopListening))  // `sending` waits for the webhook, not the caller
        #expect(filled.contains(.webhook(name: "crm", url: "http://127.0.0.1:9/crm", method: "POST",
                                         payload: ["pin": "1234", "who": "Ann"])))
        let result = engine.handle(.webhookResult(name: "crm", succeeded: true, variables: ["ref": "R1"]))
        #expect(result.first == .setVariable(name: "ref", value: "R1"))
        #expect(result.last == .hangUp(disposition: "paid"))
        #expect(engine.variables["ref"] == "R1")
    }

    @Test func anExactDTMFTransitionWinsOverTheSlot() throws {
        let withGlobalZero = try loadScript(engineTestScript.replacingOccurrences(
            of: "  - intent: human\n    transfer:", with: "  - dtmf: \"0\"\n    transfer:"))
        var engine = DialogueEngine(script: withGlobalZero, seed: "x")
        _ = engine.handle(.callStarted(variables: [:]))
        _ = engine.handle(.dtmf("9"))
        #expect(engine.stateName == "pin")
        #expect(engine.handle(.dtmf("0")).last == .transfer(uri: "sip:agent@127.0.0.1", disposition: "agent"))
    }

    @Test func failedWebhookTakesItsOwnTransition() {
        var engine = listeningEngine()
        _ = engine.handle(.dtmf("9"))
        _ = engine.handle(.dtmf("4321#"))
        #expect(engine.stateName == "sending")
        #expect(engine.handle(.webhookResult(name: "crm", succeeded: false, variables: [:])).last == .hangUp(disposition: "failed"))
    }

    @Test func bargeInMovesToListeningWithoutATimer() {
        var engine = DialogueEngine(script: script, seed: "call-1")
        _ = engine.handle(.callStarted(variables: [:]))
        let id = engine.playbackID
        #expect(engine.handle(.bargeIn(playbackID: id)) == [])
        #expect(engine.phase == .listening)
        #expect(engine.handle(.promptFinished(playbackID: id)) == [])  // playback already stopped
        #expect(engine.handle(.promptFinished(playbackID: 99)) == [])
        #expect(enteredStates(engine.handle(.intent(DialogueRecognition(intent: "yes"))))  == ["pin"])
    }

    @Test func sameEventsGiveTheSameActions() {
        let events: [DialogueEvent] = [
            .callStarted(variables: ["name": "Ann"]), .promptFinished(playbackID: 1),
            .intent(DialogueRecognition(intent: nil)), .promptFinished(playbackID: 2),
            .intent(DialogueRecognition(intent: "price")), .promptFinished(playbackID: 3),
            .dtmf("9"), .dtmf("5555"), .webhookResult(name: "crm", succeeded: true, variables: [:]),
        ]
        var a = DialogueEngine(script: script, seed: "same")
        var b = DialogueEngine(script: script, seed: "same")
        let runA = events.flatMap { a.handle($0) }
        let runB = events.flatMap { b.handle($0) }
        #expect(runA == runB)
        #expect(runA.last == .hangUp(disposition: "paid"))
    }

    @Test func eventsBeforeTheCallStartsAreIgnored() {
        var engine = DialogueEngine(script: script, seed: "x")
        #expect(engine.handle(.dtmf("9")) == [])
        #expect(engine.handle(.callerHungUp) == [])
        #expect(engine.phase == .notStarted)
    }

    @Test func chainsWithoutPromptsAreCutOff() throws {
        let looping = try loadScript("""
            script: loop
            states:
              a: {next: b}
              b: {next: a}
            """)
        var engine = DialogueEngine(script: looping, seed: "x")
        let actions = engine.handle(.callStarted(variables: [:]))
        #expect(actions.last == .hangUp(disposition: "script_loop"))
        #expect(actions.contains(.followed(DialogueTransitionRef(scope: .state("a"), index: DialogueTransitionRef.exit, label: "after prompt"))))
        #expect(engine.isFinished)
    }
}

@Suite struct DialogueEngineEndingTests {
    @Test func endingDuringAPlaybackStopsIt() throws {
        let script = try loadScript(engineTestScript)
        var engine = DialogueEngine(script: script, seed: "x")
        _ = engine.handle(.callStarted(variables: ["name": "Ann"]))
        #expect(engine.phase == .playing)
        // An angry interruption while the first prompt still plays ends the call at once.
        let actions = engine.handle(.intent(DialogueRecognition(intent: nil, emotion: "angry")))
        #expect(actions.suffix(3) == [.stopPlayback, .stopListening, .hangUp(disposition: "angry")])
        var other = DialogueEngine(script: script, seed: "y")
        _ = other.handle(.callStarted(variables: [:]))
        #expect(other.handle(.callerHungUp).suffix(2) == [.stopPlayback, .callEnded(disposition: "hung_up")])
    }

    @Test func missingRequiredVariables() throws {
        let script = try loadScript(engineTestScript)
        #expect(script.missingVariables(in: [:]) == ["name"])
        #expect(script.missingVariables(in: ["name": "Ann"]) == [])
    }

    @Test func perCallStateIsSmall() {
        // The script is shared copy-on-write; the engine itself stays a few hundred bytes.
        #expect(MemoryLayout<DialogueEngine>.size < 256, "\(MemoryLayout<DialogueEngine>.size) bytes")
    }
}

@Suite struct DialogueEngineRobustnessTests {
    @Test func aPromptWithoutVariantsIsSkippedNotATrap() throws {
        let text = """
            script: x
            dispositions: [done]
            prompts:
              p: {variants: {}}
            states:
              s: {play: p, hangup: done}
            """
        let result = DialogueLoader.load(text: text, path: "x.yaml")
        #expect(result.diagnostics.map(\.description) == ["x.yaml:4:17: error: prompt 'p' has no variants [invalid-value]"])
        var engine = DialogueEngine(script: try #require(result.script), seed: "s")
        #expect(engine.handle(.callStarted(variables: [:])).last == .hangUp(disposition: "done"))
    }

    @Test func fuzzFindingsLoadWithoutTrapping() throws {
        // Inputs the fuzzer once crashed on: loading, linting and running them must not trap.
        let path = TestPaths.fixture("fuzz-empty-variants.yaml")
        let result = DialogueLinter(inspector: nil).check(path: path)
        #expect(result.diagnostics.hasErrors)
        if let script = result.script, !script.states.isEmpty {
            var engine = DialogueEngine(script: script, seed: "fuzz")
            _ = engine.handle(.callStarted(variables: [:]))
            _ = engine.handle(.promptFinished(playbackID: engine.playbackID))
        }
    }
}

@Suite struct DialogueHangUpHandlerTests {
    @Test func aStateHangUpHandlerRunsItsActionsAndSetsTheDisposition() throws {
        let script = try loadScript("""
            script: h
            tags: [left_during_offer]
            dispositions: [abandoned_offer, hung_up, done]
            defaults: {hangup_disposition: hung_up}
            intents:
              yes: [yes, sure, ok]
            prompts:
              offer: {file: o.wav, text: "Offer"}
            states:
              offer:
                play: offer
                on:
                  - intent: "yes"
                    hangup: done
                  - caller_hangup: true
                    tag: left_during_offer
                    disposition: abandoned_offer
            """)
        var engine = DialogueEngine(script: script, seed: "x")
        _ = engine.handle(.callStarted(variables: [:]))
        _ = engine.handle(.promptFinished(playbackID: engine.playbackID))
        let actions = engine.handle(.callerHungUp)
        #expect(actions == [
            .cancelTimer(DialogueTimer(kind: .noInput, generation: 1)),
            .followed(DialogueTransitionRef(scope: .state("offer"), index: 1, label: "caller hang-up")),
            .addTag("left_during_offer"),
            .callEnded(disposition: "abandoned_offer"),
        ])
        #expect(engine.disposition == "abandoned_offer")
        #expect(engine.tags == ["left_during_offer"])
    }
}

@Suite struct LockedSegmentTests {
    @Test func lockedSegmentsLoadAndBadOnesAreReported() {
        let text = """
            script: x
            dispositions: [done]
            prompts:
              p: {file: a.wav, text: hi, locked: [{from_ms: 0, to_ms: 500}, {from_ms: 900, to_ms: 700}]}
            states:
              s: {play: p, hangup: done}
            """
        let result = DialogueLoader.load(text: text, path: "x.yaml")
        #expect(result.script?.prompt(named: "p")?.locked == [DialogueLockedSegment(fromMs: 0, toMs: 500)])
        #expect(result.diagnostics.map(\.description) == [
            "x.yaml:4:65: error: a locked segment needs 0 ≤ from_ms < to_ms (got 900…700) [invalid-value]",
        ])
    }
}
