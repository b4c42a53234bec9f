import Testing
@testable import ParleyCampaign

/// `AMDConfiguration.decision(after:)`, the per-frame decision rule, as a pure function of
/// the talk state (default thresholds: initial silence 2000, greeting 1300, after-greeting
/// silence 600, no talk limit, max words 4, total 2500 ms; the talk limit is tested at 1800).
struct AMDDecisionRuleTests {
    let c = AMDConfiguration()

    /// "verdict reason", or nil to keep listening.
    func decide(_ s: AMDTalkState, _ configuration: AMDConfiguration? = nil) -> String? {
        (configuration ?? c).decision(after: s).map { "\($0.verdict.rawValue) \($0.reason.rawValue)" }
    }

    @Test func nobodySpeaksIsUnknownAtTheInitialSilence() {
        #expect(decide(AMDTalkState(elapsedMs: c.initialSilenceMs - 20, silenceRunMs: c.initialSilenceMs - 20)) == nil)
        #expect(decide(AMDTalkState(elapsedMs: c.initialSilenceMs, silenceRunMs: c.initialSilenceMs))
                == "unknown initialSilence")
    }

    @Test func shortAnswerThenSilenceIsHumanAfterTheWait() {
        // "hello?" from 600 to 1000 ms, then silence.
        var s = AMDTalkState(elapsedMs: 1000 + c.afterGreetingSilenceMs - 20, wordCount: 2, voicedTotalMs: 400,
                             silenceRunMs: c.afterGreetingSilenceMs - 20, talkStartMs: 600)
        #expect(decide(s) == nil)
        s.elapsedMs += 20
        s.silenceRunMs += 20
        #expect(decide(s) == "human shortGreeting")
        // A slow person (speaking only after 1.5 s) is still heard, not called unknown.
        let slow = AMDTalkState(elapsedMs: 2400, wordCount: 1, voicedTotalMs: 300, silenceRunMs: 200, talkStartMs: 1500)
        #expect(decide(slow) == nil)
    }

    @Test func longSpeechIsAMachine() {
        let greeting = AMDTalkState(elapsedMs: 1700, inSpeech: true, wordCount: 3, voicedTotalMs: c.greetingMs, talkStartMs: 300)
        #expect(decide(greeting) == "machine longGreeting")
        let words = AMDTalkState(elapsedMs: 1200, inSpeech: true, wordCount: c.maxWords + 1, voicedTotalMs: 700, talkStartMs: 300)
        #expect(decide(words) == "machine maxWords")
    }

    @Test func talkingPastTheLimitIsAMachineEvenInAPause() {
        var limited = c
        limited.maxTalkMs = 1800
        // Pauses break the voiced total, but the talk goes on longer than a person answers.
        let speaking = AMDTalkState(elapsedMs: 300 + limited.maxTalkMs, inSpeech: true, wordCount: 3, voicedTotalMs: 900, talkStartMs: 300)
        #expect(decide(speaking, limited) == "machine longTalk")
        let pausing = AMDTalkState(elapsedMs: 300 + limited.maxTalkMs, wordCount: 3, voicedTotalMs: 900,
                                   silenceRunMs: c.afterGreetingSilenceMs - 100, talkStartMs: 300)
        #expect(decide(pausing, limited) == "machine longTalk")
        // The human wait wins when both hold: the answer ended before the limit.
        let ended = AMDTalkState(elapsedMs: 300 + limited.maxTalkMs, wordCount: 3, voicedTotalMs: 900,
                                 silenceRunMs: c.afterGreetingSilenceMs, talkStartMs: 300)
        #expect(decide(ended, limited) == "human shortGreeting")
        var off = limited
        off.maxTalkMs = .max
        #expect(off.decision(after: speaking) == nil)
    }

    @Test func deadlineCallsWhoeverSpokeAPersonAndSilenceUnknown() {
        var noLimits = c
        noLimits.maxTalkMs = .max
        noLimits.greetingMs = .max
        noLimits.initialSilenceMs = .max
        let deadline = c.totalAnalysisMs
        let speaking = AMDTalkState(elapsedMs: deadline, inSpeech: true, wordCount: 2, voicedTotalMs: 900, talkStartMs: 1000)
        #expect(decide(speaking, noLimits) == "human deadline")
        #expect(decide(AMDTalkState(elapsedMs: deadline - 20, inSpeech: true, wordCount: 2, voicedTotalMs: 880,
                                    talkStartMs: 1000), noLimits) == nil)
        let quiet = AMDTalkState(elapsedMs: deadline, wordCount: 1, voicedTotalMs: 200, silenceRunMs: 100, talkStartMs: 2000)
        #expect(decide(quiet, noLimits) == "human deadline")
        #expect(decide(AMDTalkState(elapsedMs: deadline, silenceRunMs: deadline), noLimits) == "unknown deadline")
    }

    @Test func talkSpanCountsFromTheFirstWord() {
        #expect(AMDTalkState(elapsedMs: 900).talkSpanMs == 0)
        #expect(AMDTalkState(elapsedMs: 900, talkStartMs: 250).talkSpanMs == 650)
    }
}
