import Foundation
import Testing
import ParleyYAML
@testable import ParleySim

@Suite struct ScenarioLoaderTests {
    @Test func loadsTheGoodFixture() throws {
        let s = try ScenarioLoader.load(path: TestPaths.fixture("good/mix.yaml"))
        #expect(s.name == "mix")
        #expect(s.scriptPath?.hasSuffix("examples/demo/member-care.yaml") == true)
        #expect(s.timeouts == ScenarioTimeouts(answerTimeoutMs: 5000, promptTimeoutMs: 12000, callTimeoutMs: 60000))
        #expect(s.line.echo == .init(delayMs: 100, returnLossDb: 6))
        #expect(s.line.noise?.kind == .babble)
        #expect(s.line.seed == 42)
        #expect(s.calls.count == 2)
        let yes = s.calls[0]
        #expect(yes.weight == 3)
        #expect(yes.sipHeaders == [ScenarioHeader(name: "X-Parley-Var-name", value: "Alice"),
                                   ScenarioHeader(name: "X-Parley-Var-coupon_value", value: "20"),
                                   ScenarioHeader(name: "X-Campaign", value: "spring")])
        #expect(yes.turns.count == 2)
        #expect(yes.turns[0] == .wait(prompt: "offer", afterMs: nil, timeoutMs: nil))
        guard case .say(let file) = yes.turns[1] else { Issue.record("not a say turn"); return }
        #expect(FileManager.default.fileExists(atPath: file))
        #expect(yes.expect == ScenarioExpectation(prompts: ["hello", "offer", "one_moment", "coupon_sent"], disposition: "coupon_sent"))
        let info = s.calls[1]
        #expect(info.turns == [.wait(prompt: "offer", afterMs: 1500, timeoutMs: 9000), .dtmf(digits: "2", method: .info),
                               .silence(durationMs: 500), .hangup])
    }

    @Test func weightedPickFollowsTheWeights() throws {
        let s = try ScenarioLoader.load(path: TestPaths.fixture("good/mix.yaml"))
        #expect(s.pick(roll: 0).name == "says yes")
        #expect(s.pick(roll: 0.74).name == "says yes")
        #expect(s.pick(roll: 0.76).name == "presses 2 by INFO")
        #expect(s.pick(roll: 1).name == "presses 2 by INFO")
    }

    func diagnostics(_ name: String) -> [String] {
        let path = TestPaths.fixture("bad/" + name)
        do {
            _ = try ScenarioLoader.load(path: path)
            return ["loaded"]
        } catch {
            return error.diagnostics.map { $0.description.replacingOccurrences(of: TestPaths.fixtures + "/", with: "") }
        }
    }

    @Test func unknownKeyIsRejectedWithASuggestion() {
        #expect(diagnostics("unknown-key.yaml") == [
            "bad/unknown-key.yaml:3:5: missing key 'turns' in call 1",
            "bad/unknown-key.yaml:4:5: unknown key 'turn' in call 1; did you mean 'turns'?",
        ])
    }

    @Test func badValuesAreAllReported() {
        #expect(diagnostics("bad-values.yaml") == [
            "bad/bad-values.yaml:4:17: noise kind must be white or babble, not 'pink'",
            "bad/bad-values.yaml:7:13: weight must be between 1 and 1000000, not 0",
            "bad/bad-values.yaml:9:15: the script has no prompt 'ofer'; did you mean 'offer'?",
            "bad/bad-values.yaml:10:15: dtmf digits are 0-9, *, # and A-D, not '12x'",
            "bad/bad-values.yaml:11:14: no such audio file 'missing.wav' (looked at bad/missing.wav)",
            "bad/bad-values.yaml:12:9: 'hangup' must be the last turn",
            "bad/bad-values.yaml:15:24: the script has no prompt 'goodby_decline'; did you mean 'goodbye_decline'?",
        ])
    }

    @Test func dispositionCannotBeCheckedWhenTheCallerHangsUp() {
        let text = """
            scenario: x
            calls:
              - turns: [hangup]
                expect: {disposition: declined}
            """
        do {
            _ = try ScenarioLoader.parse(text, path: "/tmp/x.yaml")
            Issue.record("loaded")
        } catch {
            #expect(error.description == "/tmp/x.yaml:4:27: the caller hangs up, so no BYE from the bot carries a disposition to check")
        }
    }

    @Test func syntaxErrorIsPositioned() {
        let d = diagnostics("syntax.yaml")
        #expect(d.count == 1)
        #expect(d.first?.hasPrefix("bad/syntax.yaml:3:") == true, "\(d)")
    }

    @Test func missingTopLevelKeys() {
        do {
            _ = try ScenarioLoader.parse("line: {seed: 1}\n", path: "/tmp/x.yaml")
            Issue.record("loaded")
        } catch {
            #expect(error.diagnostics.map(\.description) == [
                "/tmp/x.yaml:1:1: missing key 'scenario' (the scenario's name)",
                "/tmp/x.yaml:1:1: missing key 'calls' (the conversations to place)",
            ])
        }
    }

    @Test func everyExampleScenarioLoads() throws {
        let dir = TestPaths.example("sim")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".yaml") }
        #expect(files.count >= 5, "\(files)")
        for file in files {
            do { _ = try ScenarioLoader.load(path: dir + "/" + file) } catch {
                Issue.record("\(file): \(error)")
            }
        }
    }
}
