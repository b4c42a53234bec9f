import Testing
@testable import ParleyDialogue

@Suite struct ConversationTests {
    func loadExample(_ name: String) throws -> DialogueScript {
        let result = DialogueLinter(inspector: nil).check(path: TestPaths.example(name))
        return try #require(result.script, "cannot load \(name): \(result.diagnostics)")
    }

    @Test(arguments: [("demo/member-care.yaml", "demo/member-care.cases.yaml"),
                      ("zh-reminder/payment-reminder.yaml", "zh-reminder/payment-reminder.cases.yaml")])
    func exampleCasesPassWithFullTransitionCoverage(_ script: String, _ cases: String) throws {
        let loaded = try loadExample(script)
        let (suite, problems) = DialogueTestSuite.load(path: TestPaths.example(cases))
        let s = try #require(suite, "\(problems)")
        let report = s.run(script: loaded, resolver: DialogueTextIntentMatcher(script: loaded))
        for r in report.results { #expect(r.failures == [], "\(r.name)") }
        #expect(report.missedTransitions.map(\.description) == [])
        #expect(report.transitionCoverage == 1)
        #expect(report.stateCoverage == 1)
    }

    @Test func aWrongExpectationFailsTheCase() throws {
        let script = try loadExample("demo/member-care.yaml")
        let suite = try DialogueTestSuite.parse(YAMLLoaderShim.parse("""
            cases:
              - name: wrong disposition
                variables: {name: Alice, coupon_value: "20"}
                turns: [{say: "no"}]
                expect: {disposition: coupon_sent, tags: [declined], path: [greeting, offer]}
            """))
        let report = suite.run(script: script, resolver: DialogueTextIntentMatcher(script: script))
        #expect(!report.passed)
        #expect(report.results[0].failures == [
            "path: expected [\"greeting\", \"offer\"], got [\"greeting\", \"offer\", \"declined\"]",
            "disposition: expected coupon_sent, got declined",
        ])
        #expect(report.transitionCoverage < 1)
    }

    @Test func conversationDrivesPromptsWebhooksAndTimers() throws {
        let script = try loadExample("demo/member-care.yaml")
        var c = DialogueConversation(script: script, seed: "s1", resolver: DialogueTextIntentMatcher(script: script))
        c.webhookResults = ["send_coupon": false]
        c.start(variables: ["name": "Bob", "coupon_value": "1250"])
        #expect(c.transcript.path == ["greeting", "offer"])
        #expect(c.transcript.prompts.first?.locked == [DialogueLockedSegment(fromMs: 0, toMs: 800)])
        #expect(c.transcript.prompts.first?.bargeIn == .confirmed(minSpeechMs: 400, minWords: 2))
        let offer = try #require(c.transcript.prompts.last)
        #expect(offer.files.contains(script.promptDirectory + "/say/thousand.wav"))
        c.silence()
        #expect(c.transcript.prompts.last?.name == "offer_silence")
        c.dtmf("1")
        #expect(c.transcript.webhooks == ["send_coupon"])
        let variant = try #require(c.transcript.variables["variant_offer"])
        #expect(variant == offer.variant && ["a", "b"].contains(variant))
        #expect(c.transcript.path.last == "transfer_agent")
        #expect(c.transcript.transferURI == "sip:member-care@127.0.0.1:5090")
        #expect(c.transcript.disposition == "transferred")
        #expect(c.isFinished)
    }
}

import ParleyYAML
enum YAMLLoaderShim {
    static func parse(_ text: String) throws -> YAMLNode { try YAMLLoader.parse(text, path: "cases.yaml") }
}

@Suite struct TestSuiteFileTests {
    @Test(arguments: [
        ("cases: [{name: a, turns: [dance]}]", "cases.yaml:1:27: a turn is silence, asr_error, hangup, {say: …} or {dtmf: …}"),
        ("cases: [{name: a, expect: {path: [x], colour: red}}]", "cases.yaml:1:39: unknown key 'colour' in expect"),
        ("cases: [{turns: []}]", "cases.yaml:1:9: missing key 'name' in a test case"),
        ("tests: []", "cases.yaml:1:1: unknown key 'tests' in the test file"),
    ])
    func malformedCaseFilesArePositioned(_ text: String, _ message: String) {
        do {
            _ = try DialogueTestSuite.parse(YAMLLoaderShim.parse(text))
            Issue.record("accepted: \(text)")
        } catch let error as YAMLError {
            #expect(error.description == message)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
