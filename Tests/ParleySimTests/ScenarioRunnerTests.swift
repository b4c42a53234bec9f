import Testing
@testable import ParleySim

/// Drives the runner with synthetic events and a manual clock.
struct RunnerHarness {
    var runner: ScenarioRunner
    var nowMs = 0
    var timers: [(fireAtMs: Int, timer: ScenarioRunner.Timer)] = []
    var log: [ScenarioRunner.Action] = []

    init(_ call: ScenarioCall, timeouts: ScenarioTimeouts = ScenarioTimeouts(), uninterruptible: Set<String> = []) {
        runner = ScenarioRunner(call: call, timeouts: timeouts, uninterruptible: uninterruptible)
    }

    @discardableResult
    mutating func send(_ event: ScenarioRunner.Event) -> [ScenarioRunner.Action] {
        let actions = runner.handle(event)
        for a in actions {
            if case .startTimer(let t, let after) = a { timers.append((nowMs + after, t)) }
        }
        log += actions
        return actions
    }

    /// Moves the clock to `ms`, firing due timers in order.
    mutating func advance(to ms: Int) {
        while let i = timers.indices.filter({ timers[$0].fireAtMs <= ms }).min(by: { timers[$0].fireAtMs < timers[$1].fireAtMs }) {
            let t = timers.remove(at: i)
            nowMs = t.fireAtMs
            send(.timerFired(t.timer, atMs: nowMs))
        }
        nowMs = ms
    }

    mutating func at(_ ms: Int, _ event: (Int) -> ScenarioRunner.Event) {
        advance(to: ms)
        send(event(ms))
    }

    var verdict: CallVerdict? {
        for a in log { if case .finish(let v) = a { return v } }
        return nil
    }
}

@Suite struct ScenarioRunnerTests {
    let yesCall = ScenarioCall(
        name: "says yes",
        turns: [.wait(prompt: "offer", afterMs: nil, timeoutMs: nil), .say(file: "/s/yes.wav")],
        expect: ScenarioExpectation(prompts: ["hello", "offer", "one_moment", "coupon_sent"], disposition: "coupon_sent"))

    @Test func happyPathPassesWithMeasurements() {
        var h = RunnerHarness(yesCall)
        h.at(0) { .started(atMs: $0) }
        h.at(120) { .answered(atMs: $0) }
        h.at(400) { .promptStarted(name: "hello", confidence: 0.9, atMs: $0) }
        h.at(4_000) { .promptEnded(name: "hello", interrupted: false, atMs: $0) }
        h.at(4_000) { .promptStarted(name: "offer", confidence: 0.9, atMs: $0) }
        #expect(!h.log.contains(.sendAudio(file: "/s/yes.wav")))
        let afterOffer = { (h: inout RunnerHarness) in h.at(12_000) { .promptEnded(name: "offer", interrupted: false, atMs: $0) } }
        afterOffer(&h)
        #expect(h.log.last == .sendAudio(file: "/s/yes.wav"))
        h.at(12_800) { .callerAudioFinished(atMs: $0) }
        h.at(13_050) { .promptStarted(name: "one_moment", confidence: 0.9, atMs: $0) }
        h.at(15_000) { .promptEnded(name: "one_moment", interrupted: false, atMs: $0) }
        h.at(15_200) { .promptStarted(name: "coupon_sent", confidence: 0.9, atMs: $0) }
        h.at(19_000) { .promptEnded(name: "coupon_sent", interrupted: false, atMs: $0) }
        h.at(19_100) { .byeReceived(disposition: "coupon_sent", reason: nil, atMs: $0) }
        #expect(h.verdict == .passed)
        let r = h.runner.result
        #expect(r.setupMs == 120)
        #expect(r.firstPromptMs == 280)
        #expect(r.responseMs == [250])
        #expect(r.bargeInMs.isEmpty)
        #expect(r.falseBargeIns == 0)
        #expect(h.log.contains(.record(.responseMs(250))))
        #expect(h.runner.isFinished)
        #expect(h.runner.handle(.answered(atMs: 20_000)).isEmpty)
    }

    @Test func wrongPromptFailsWithAClearReason() {
        var h = RunnerHarness(yesCall)
        h.at(0) { .started(atMs: $0) }
        h.at(100) { .answered(atMs: $0) }
        h.at(300) { .promptStarted(name: "hello", confidence: 0.9, atMs: $0) }
        h.at(4_000) { .promptEnded(name: "hello", interrupted: false, atMs: $0) }
        h.at(4_100) { .promptStarted(name: "goodbye_decline", confidence: 0.9, atMs: $0) }
        h.at(8_000) { .promptEnded(name: "goodbye_decline", interrupted: false, atMs: $0) }
        h.at(8_100) { .byeReceived(disposition: "declined", reason: nil, atMs: $0) }
        #expect(h.verdict == .failed("expected prompt `offer` after `hello`, heard `goodbye_decline`"))
    }

    @Test func wrongDispositionFails() {
        let call = ScenarioCall(name: "x", turns: [.wait(prompt: "hello", afterMs: nil, timeoutMs: nil)],
                                expect: ScenarioExpectation(disposition: "declined"))
        var h = RunnerHarness(call)
        h.at(0) { .started(atMs: $0) }
        h.at(100) { .answered(atMs: $0) }
        h.at(300) { .promptStarted(name: "hello", confidence: 0.9, atMs: $0) }
        h.at(3_000) { .promptEnded(name: "hello", interrupted: false, atMs: $0) }
        h.at(3_100) { .byeReceived(disposition: "no_response", reason: nil, atMs: $0) }
        #expect(h.verdict == .failed("expected disposition `declined`, got `no_response`"))
    }

    @Test func bargeInReportsItsLatency() {
        let call = ScenarioCall(name: "barge", turns: [.wait(prompt: "offer", afterMs: 1_500, timeoutMs: nil), .say(file: "/s/no.wav")])
        var h = RunnerHarness(call)
        h.at(0) { .started(atMs: $0) }
        h.at(100) { .answered(atMs: $0) }
        h.at(200) { .promptStarted(name: "offer", confidence: 0.9, atMs: $0) }
        h.advance(to: 1_699)
        #expect(!h.log.contains(.sendAudio(file: "/s/no.wav")))
        h.advance(to: 1_700)
        #expect(h.log.last == .sendAudio(file: "/s/no.wav"))
        h.at(1_790) { .promptEnded(name: "offer", interrupted: true, atMs: $0) }
        #expect(h.runner.result.bargeInMs == [90])
        #expect(h.log.contains(.record(.bargeInMs(90))))
        h.at(2_300) { .callerAudioFinished(atMs: $0) }
        h.at(2_600) { .promptStarted(name: "goodbye_decline", confidence: 0.9, atMs: $0) }
        #expect(h.runner.result.responseMs == [300])
        h.at(5_000) { .byeReceived(disposition: "declined", reason: nil, atMs: $0) }
        #expect(h.verdict == .passed)
    }

    @Test func promptStoppedWhileCallerSilentIsAFalseBargeIn() {
        let call = ScenarioCall(name: "quiet", turns: [.silence(durationMs: 10_000)])
        var h = RunnerHarness(call)
        h.at(0) { .started(atMs: $0) }
        h.at(100) { .answered(atMs: $0) }
        h.at(300) { .promptStarted(name: "offer", confidence: 0.9, atMs: $0) }
        h.at(1_300) { .promptEnded(name: "offer", interrupted: true, atMs: $0) }
        #expect(h.runner.result.falseBargeIns == 1)
        #expect(h.log.contains(.record(.falseBargeIn(prompt: "offer"))))
    }

    @Test func spokenOverPromptThatPlaysOnIsAMissedBargeIn() {
        let call = ScenarioCall(name: "missed", turns: [.wait(prompt: "offer", afterMs: 500, timeoutMs: nil), .say(file: "/s/no.wav")])
        var h = RunnerHarness(call)
        h.at(0) { .started(atMs: $0) }
        h.at(100) { .answered(atMs: $0) }
        h.at(200) { .promptStarted(name: "offer", confidence: 0.9, atMs: $0) }
        h.advance(to: 700)
        h.at(5_000) { .promptEnded(name: "offer", interrupted: false, atMs: $0) }
        #expect(h.runner.result.missedBargeIns == 1)
    }

    @Test func neverAnsweredCallFailsAfterItsTimeout() {
        var h = RunnerHarness(yesCall, timeouts: ScenarioTimeouts(answerTimeoutMs: 3_000))
        h.at(0) { .started(atMs: $0) }
        h.advance(to: 2_999)
        #expect(h.verdict == nil)
        h.advance(to: 3_000)
        #expect(h.log.contains(.hangUp))
        #expect(h.verdict == .failed("no answer within 3000 ms"))
        #expect(h.runner.result.answered == false)
    }

    @Test func promptNeverHeardFailsTheWaitTurn() {
        var h = RunnerHarness(yesCall, timeouts: ScenarioTimeouts(promptTimeoutMs: 5_000))
        h.at(0) { .started(atMs: $0) }
        h.at(100) { .answered(atMs: $0) }
        h.at(300) { .promptStarted(name: "hello", confidence: 0.9, atMs: $0) }
        h.at(3_000) { .promptEnded(name: "hello", interrupted: false, atMs: $0) }
        // The timeout counts from the last prompt event (hello's end at 3 s), not the turn's start.
        h.advance(to: 7_900)
        #expect(h.verdict == nil)
        h.advance(to: 8_100)
        #expect(h.verdict == .failed("waited 5000 ms for prompt `offer`, last heard `hello`"))
    }

    @Test func callFailureIsReported() {
        var h = RunnerHarness(yesCall)
        h.at(0) { .started(atMs: $0) }
        h.at(50) { .callFailed(status: 486, reason: "Busy Here", atMs: $0) }
        #expect(h.verdict == .failed("call failed: 486 Busy Here"))
    }

    @Test func dtmfThenCallerHangsUp() {
        let call = ScenarioCall(name: "dtmf", turns: [.wait(prompt: "offer", afterMs: nil, timeoutMs: nil),
                                                      .dtmf(digits: "2", method: .rfc4733), .silence(durationMs: 1_000), .hangup],
                                expect: ScenarioExpectation(prompts: ["offer", "goodbye_decline"]))
        var h = RunnerHarness(call)
        h.at(0) { .started(atMs: $0) }
        h.at(100) { .answered(atMs: $0) }
        h.at(200) { .promptStarted(name: "offer", confidence: 0.9, atMs: $0) }
        h.at(5_000) { .promptEnded(name: "offer", interrupted: false, atMs: $0) }
        #expect(h.log.last == .sendDTMF(digits: "2", method: .rfc4733))
        h.at(5_200) { .callerAudioFinished(atMs: $0) }
        h.at(5_400) { .promptStarted(name: "goodbye_decline", confidence: 0.9, atMs: $0) }
        h.advance(to: 6_200)
        #expect(h.log.contains(.hangUp))
        #expect(h.verdict == .passed)
    }

    /// A caller feels the bot's answer to a key press from the press: the bot acts on the
    /// digit's first packet, so timing from the end of the digit and its gap read negative.
    /// Here the offer's end is handed over 700 ms late (held while the recognizer makes sure
    /// it ended), the digit goes out then (12 700), and the bot's prompt starts 150 ms later,
    /// before the digit and its gap were sent (12 900).
    @Test func dtmfResponseCountsFromTheKeyPress() {
        let call = ScenarioCall(name: "presses 2", turns: [.wait(prompt: "offer", afterMs: nil, timeoutMs: nil),
                                                           .dtmf(digits: "2", method: .rfc4733)],
                                expect: ScenarioExpectation(prompts: ["offer", "goodbye_decline"], disposition: "declined"))
        var h = RunnerHarness(call)
        h.at(0) { .started(atMs: $0) }
        h.at(100) { .answered(atMs: $0) }
        h.at(200) { .promptStarted(name: "offer", confidence: 0.9, atMs: $0) }
        h.runner.clockMs = 12_700
        h.at(12_700) { _ in .promptEnded(name: "offer", interrupted: false, atMs: 12_000) }
        #expect(h.log.last == .sendDTMF(digits: "2", method: .rfc4733))
        h.runner.clockMs = nil
        h.at(12_900) { .callerAudioFinished(atMs: $0) }
        h.runner.clockMs = 13_300   // recognised 450 ms into it
        h.at(13_300) { _ in .promptStarted(name: "goodbye_decline", confidence: 0.9, atMs: 12_850) }
        h.runner.clockMs = nil
        #expect(h.runner.result.responseMs == [150])
        #expect(h.log.contains(.record(.responseMs(150))))
        h.at(17_000) { .promptEnded(name: "goodbye_decline", interrupted: false, atMs: $0) }
        h.at(17_100) { .byeReceived(disposition: "declined", reason: nil, atMs: $0) }
        #expect(h.verdict == .passed)
    }

    /// The stream's report of each digit's first packet dates the press; the response
    /// counts from the last digit pressed before the prompt started, whether the prompt is
    /// heard before or after the digits were sent; a prompt that started before any digit
    /// is no response to them.
    @Test func dtmfResponseCountsFromTheDigitsFirstPacket() {
        let call = ScenarioCall(name: "presses 1 2", turns: [.wait(prompt: "offer", afterMs: nil, timeoutMs: nil),
                                                             .dtmf(digits: "12", method: .rfc4733)])
        var h = RunnerHarness(call)
        h.at(0) { .started(atMs: $0) }
        h.at(100) { .answered(atMs: $0) }
        h.at(200) { .promptStarted(name: "offer", confidence: 0.9, atMs: $0) }
        h.at(5_000) { .promptEnded(name: "offer", interrupted: false, atMs: $0) }
        #expect(h.log.last == .sendDTMF(digits: "12", method: .rfc4733))
        h.at(5_015) { .callerInputStarted(atMs: $0) }   // digit 1, the pacer's next tick
        h.at(5_215) { .callerInputStarted(atMs: $0) }   // digit 2
        h.runner.clockMs = 5_350
        h.at(5_350) { _ in .promptStarted(name: "stray", confidence: 0.9, atMs: 4_990) }
        #expect(h.runner.result.responseMs.isEmpty)
        h.runner.clockMs = 5_390
        h.at(5_390) { _ in .promptStarted(name: "goodbye_decline", confidence: 0.9, atMs: 5_260) }
        h.runner.clockMs = nil
        #expect(h.runner.result.responseMs == [45])
        h.at(5_415) { .callerAudioFinished(atMs: $0) }
        #expect(h.runner.result.responseMs == [45])
        h.at(9_000) { .promptStarted(name: "next", confidence: 0.9, atMs: $0) }
        #expect(h.runner.result.responseMs == [45], "one response per input")
    }

    @Test func reportAggregatesPercentilesAndFailures() {
        var report = SimReport()
        for i in 1...100 {
            var r = CallResult()
            r.answered = true
            r.setupMs = i
            r.responseMs = [i * 2]
            r.verdict = i <= 98 ? .passed : .failed("expected disposition `declined`, got `upset`")
            report.add(r)
        }
        var unanswered = CallResult()
        unanswered.verdict = .failed("no answer within 3000 ms")
        report.add(unanswered)
        #expect(report.setup.summary == .init(count: 100, p50: 50, p95: 95, p99: 99, max: 100))
        #expect(report.response.percentile(50) == 100)
        #expect(report.attempted == 101 && report.answered == 100 && report.passed == 98 && report.failed == 3)
        let json = report.json()
        #expect(json.contains("\"calls\":{\"answered\":100,\"failed\":3,\"passed\":98,\"total\":101}"), "\(json)")
        #expect(json.contains("\"setup_ms\":{\"count\":100,\"max\":100,\"p50\":50,\"p95\":95,\"p99\":99}"), "\(json)")
        #expect(json.contains("\"expected disposition `declined`, got `upset`\":2"), "\(json)")
        let table = report.table()
        #expect(table.contains("setup               100      50      95      99     100"), "\(table)")
        #expect(table.contains("2 × expected disposition `declined`, got `upset`"), "\(table)")
    }

    /// A prompt end reported late (after the caller started) but dated before the caller
    /// spoke is a false barge-in, never a negative barge-in latency.
    @Test func anEndDatedBeforeTheCallerSpokeIsNotABargeIn() {
        let call = ScenarioCall(name: "late end", turns: [.wait(prompt: "offer", afterMs: 1_000, timeoutMs: nil), .say(file: "/s/no.wav")])
        var h = RunnerHarness(call)
        h.at(0) { .started(atMs: $0) }
        h.at(100) { .answered(atMs: $0) }
        h.at(600) { _ in .promptStarted(name: "offer", confidence: 0.9, atMs: 200) }
        h.advance(to: 1_700)   // 1 s after offer was recognised: the caller starts speaking
        #expect(h.log.contains(.sendAudio(file: "/s/no.wav")))
        h.at(2_300) { _ in .promptEnded(name: "offer", interrupted: true, atMs: 1_500) }
        #expect(h.runner.result.bargeInMs.isEmpty)
        #expect(h.runner.result.falseBargeIns == 1)
    }

    /// Barge-in latency counts from the caller's first speech packet (the stream reports it;
    /// the pacer sends on its next 20 ms tick), and never from before the runner asked for
    /// the speech: a prompt recognised late (back-dated start) with `after_ms` already past
    /// starts the caller now, not at the prompt's start.
    @Test func bargeInCountsFromTheFirstSpeechPacket() {
        let call = ScenarioCall(name: "barge", turns: [.wait(prompt: "offer", afterMs: 1_500, timeoutMs: nil), .say(file: "/s/no.wav")])
        var h = RunnerHarness(call)
        h.at(0) { .started(atMs: $0) }
        h.at(100) { .answered(atMs: $0) }
        h.at(200) { .promptStarted(name: "offer", confidence: 0.9, atMs: $0) }
        h.advance(to: 1_700)
        #expect(h.log.last == .sendAudio(file: "/s/no.wav"))
        h.at(1_715) { .callerInputStarted(atMs: $0) }
        h.at(1_790) { .promptEnded(name: "offer", interrupted: true, atMs: $0) }
        #expect(h.runner.result.bargeInMs == [75])

        let early = ScenarioCall(name: "early", turns: [.wait(prompt: "offer", afterMs: 200, timeoutMs: nil), .say(file: "/s/no.wav")])
        var e = RunnerHarness(early)
        e.at(0) { .started(atMs: $0) }
        e.at(100) { .answered(atMs: $0) }
        e.runner.clockMs = 700   // detected at 700, started at 300: 200 ms in has passed
        e.at(700) { _ in .promptStarted(name: "offer", confidence: 0.9, atMs: 300) }
        e.runner.clockMs = nil
        #expect(e.log.last == .sendAudio(file: "/s/no.wav"))
        e.at(800) { .promptEnded(name: "offer", interrupted: true, atMs: $0) }
        #expect(e.runner.result.bargeInMs == [100])
    }

    /// `after_ms` counts from the prompt's (back-dated) start, not from its detection.
    @Test func bargeInDelayCountsFromThePromptsStart() {
        let call = ScenarioCall(name: "barge", turns: [.wait(prompt: "offer", afterMs: 1_500, timeoutMs: nil), .say(file: "/s/no.wav")])
        var h = RunnerHarness(call)
        h.at(0) { .started(atMs: $0) }
        h.at(100) { .answered(atMs: $0) }
        h.runner.clockMs = 700   // detected at 700, started at 300
        h.at(700) { _ in .promptStarted(name: "offer", confidence: 0.9, atMs: 300) }
        h.runner.clockMs = nil
        h.advance(to: 1_790)
        #expect(!h.log.contains(.sendAudio(file: "/s/no.wav")))
        h.advance(to: 1_800)   // 300 + 1500
        #expect(h.log.contains(.sendAudio(file: "/s/no.wav")))
    }
}
