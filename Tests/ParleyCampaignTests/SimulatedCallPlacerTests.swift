import Foundation
import Testing
@testable import ParleyCampaign

/// The `--simulate` spec parser (golden and malformed inputs) and the simulated placer.
struct SimulatedCallPlacerTests {
    @Test func parsesRulesInOrder() throws {
        let rules = try SimulatedCallPlacer.parseRules("# comment line\n+1(415)555-0100\tbusy,answered 250\n")
        #expect(rules == [.init(number: "+14155550100", outcomes: [.busy, .answered], durationMs: 250)])
        let more = try SimulatedCallPlacer.parseRules("* noAnswer\n\n+14155550101 voicemail 0 # trailing comment\n")
        #expect(more == [.init(number: nil, outcomes: [.noAnswer], durationMs: 200),
                         .init(number: "+14155550101", outcomes: [.voicemail], durationMs: 0)])
    }

    @Test(arguments: [
        ("* ", 1, "expected"), ("*", 1, "expected"), ("* answered 10 20", 1, "expected"),
        ("\n* hello", 2, "unknown outcome 'hello'"), ("* unknown", 1, "unknown outcome 'unknown'"),
        ("* answered -5", 1, "milliseconds"), ("* answered 1.5", 1, "milliseconds"),
        ("4155550100 busy", 1, "E.164"), ("+0123456789 busy", 1, "E.164"), ("* ,", 1, "no outcomes"),
    ])
    func malformedSpecsNameTheLine(_ input: String, _ line: Int, _ message: String) {
        do {
            _ = try SimulatedCallPlacer.parseRules(input)
            Issue.record("accepted \(input.debugDescription)")
        } catch {
            #expect(error.line == line)
            #expect(error.detail.contains(message), "\(error.detail)")
        }
    }

    @Test func logsEachDialBeforeTheCallAndNeverDialsAnIDTwice() async throws {
        let dir = try RunnerFixture.temporaryDirectory()
        let log = "\(dir)/dials.log"
        let clock = ManualClock(Fixture.t0)
        let placer = try SimulatedCallPlacer(rules: SimulatedCallPlacer.parseRules("* busy,answered 1000"), clock: clock,
                                             dialLogPath: log)
        func request(_ n: Int) -> CampaignCallRequest {
            CampaignCallRequest(attemptID: "c#+14155550100#\(n)", campaignID: "c", attemptNumber: n, number: "+14155550100",
                                trunk: "t", callerID: "+14155550000", script: "s.yaml", variables: [:], variant: nil,
                                ringTimeoutSec: 30, leaveVoicemail: false)
        }
        let first = Task { await placer.place(request(1)) }
        // The dial is in the log while the call is still "ringing" (the clock has not moved).
        let limit = Date().addingTimeInterval(10)
        while clock.sleeperDeadlines.isEmpty && Date() < limit { try await Task.sleep(nanoseconds: 1_000_000) }
        #expect(try String(contentsOfFile: log, encoding: .utf8).hasPrefix("c#+14155550100#1\t"))
        clock.advance(to: Fixture.t0.addingTimeInterval(1))
        #expect(await first.value.outcome == .busy)
        let again = await placer.place(request(1))
        #expect(again.outcome == .failed && again.sipStatus == nil, "a second place of one attempt id is refused")
        let second = Task { await placer.place(request(2)) }
        while clock.sleeperDeadlines.isEmpty && Date() < limit { try await Task.sleep(nanoseconds: 1_000_000) }
        clock.advance(to: Fixture.t0.addingTimeInterval(2))
        let answered = await second.value
        #expect(answered.outcome == .answered && answered.sipStatus == 200 && answered.amd == .human)
        #expect(try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").count == 2)
    }
}
