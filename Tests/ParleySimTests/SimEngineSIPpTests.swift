import Foundation
import ParleyCodecs
import Testing
@testable import ParleySim

/// The simulator against SIPp as an independent UAS: real SIP and RTP on 127.0.0.1.
@Suite(.serialized) struct SimEngineSIPpTests {
    static func scenario(_ yaml: String) throws -> Scenario {
        try ScenarioLoader.parse(yaml, path: TestPaths.fixtures + "/inline.yaml", catalog: Demo.catalog)
    }

    static func engine(_ scenario: Scenario, against peer: SIPpPeer, catalog: PromptCatalog? = Demo.catalog) throws -> SimEngine {
        let options = SimRunOptions(target: peer.address, calls: 1, concurrency: 1, loopbackOnly: true)
        return try SimEngine(scenario: scenario, options: options, catalog: catalog)
    }

    static func run(_ scenario: Scenario, against peer: SIPpPeer, catalog: PromptCatalog? = Demo.catalog) throws -> SimRunResult {
        try engine(scenario, against: peer, catalog: catalog).run()
    }

    @Test func unansweredCallFailsWithTheReasonWithinItsTimeout() throws {
        let peer = try SIPpPeer(scenario: "uas_never_answers.xml")
        defer { peer.stop() }
        let scenario = try Self.scenario("""
            scenario: never-answered
            timeouts: {answer_timeout_ms: 1500}
            calls:
              - name: waits
                turns: [{wait: hello}]
            """)
        let engine = try Self.engine(scenario, against: peer)
        let started = Date()
        let result = try engine.run()
        let elapsed = Date().timeIntervalSince(started)
        let call = try #require(result.calls.first)
        #expect(call.result.verdict == .failed("no answer within 1500 ms"), "\(call.result)")
        #expect(!call.result.answered)
        let endedMs = try #require(call.result.endedMs)
        // On the caller's clock (the loop's 5 ms tick; a loaded machine delays it a little).
        #expect(endedMs >= 1_500 && endedMs <= 2_500, "ended \(endedMs) ms after the INVITE")
        #expect(result.report.failures == ["no answer within 1500 ms": 1])
        // The CANCEL was answered (SIPp's scenario ran to its end).
        #expect(peer.waitForExit(seconds: 5) == 0, "\(peer.errors)")
        // No hang: SIPp would wait 60 s for a CANCEL, an INVITE transaction 32 s for a final response.
        #expect(elapsed < 10, "run took \(elapsed) s")
    }

    @Test func identifiesThePromptSIPpPlays() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-sim-ulaw-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let prompt = try Demo.render("goodbye_decline")
        let ulaw = folder.appendingPathComponent("goodbye.ulaw")
        try Data(prompt.map { G711.encodeMuLaw($0) }).write(to: ulaw)
        let peer = try SIPpPeer(scenario: "uas_plays_prompt.xml", substitutions: ["prompt": ulaw.path])
        defer { peer.stop() }
        let scenario = try Self.scenario("""
            scenario: hears-goodbye
            timeouts: {answer_timeout_ms: 3000, prompt_timeout_ms: 10000}
            calls:
              - name: listens
                turns: [{wait: goodbye_decline}, hangup]
                expect: {prompts: [goodbye_decline]}
            """)
        let result = try Self.run(scenario, against: peer)
        let call = try #require(result.calls.first)
        #expect(call.result.verdict == .passed, "\(call.result) \(peer.errors)")
        let heard = try #require(call.result.heard.first)
        #expect(heard.name == "goodbye_decline")
        #expect(heard.interrupted == false, "the prompt played to its end")
        let durationMs = prompt.count / 8
        if let end = heard.endMs {
            #expect(abs((end - heard.startMs) - durationMs) <= 200, "heard \(heard.startMs)…\(end), prompt lasts \(durationMs) ms")
        }
        #expect(call.stream.packets >= durationMs / 20 - 5, "received \(call.stream.packets) packets")
        #expect(result.report.lossPercent == 0)
        #expect(call.result.setupMs != nil && call.result.firstPromptMs != nil)
        print("SIPp prompt: setup \(call.result.setupMs ?? -1) ms, first prompt \(call.result.firstPromptMs ?? -1) ms, "
              + "heard \(heard.startMs)…\(heard.endMs ?? -1) ms, jitter max \(call.stream.maxJitterMs) ms, "
              + "pacing p99 \(call.stream.pacing.percentileMs(99) ?? -1) ms")
        #expect(peer.waitForExit(seconds: 5) == 0, "SIPp got our BYE: \(peer.errors)")
    }

    /// Many calls that end 30 ms after they are answered, a few at once: an ended call's
    /// pacing slot comes back only when the pacer let its stream go (a pacer tick later),
    /// so a new call waits for it instead of failing at its answer, with the pacer sized
    /// at the concurrency. (Admitting calls by the active count alone failed 36 of these
    /// 60 calls with "no RTP pacing slot free".)
    @Test func shortCallsNeverFailForWantOfAPacingSlot() throws {
        let calls = 60, concurrency = 4
        let peer = try SIPpPeer(scenario: "uas_answers.xml", calls: calls)
        defer { peer.stop() }
        let scenario = try Self.scenario("""
            scenario: short-calls
            timeouts: {answer_timeout_ms: 5000}
            calls:
              - name: hangs-up-after-30-ms
                turns: [{silence_ms: 30}, hangup]
            """)
        let options = SimRunOptions(target: peer.address, calls: calls, concurrency: concurrency, loopbackOnly: true)
        let engine = try SimEngine(scenario: scenario, options: options, catalog: nil)
        #expect(engine.pacer.slots.count == concurrency)
        let result = try engine.run()
        #expect(result.calls.count == calls)
        #expect(result.report.failures.isEmpty, "\(result.report.failures)")
        #expect(result.calls.allSatisfy { $0.result.answered && $0.result.verdict == .passed })
        #expect(peer.waitForExit(seconds: 10) == 0, "SIPp answered every call and got its BYE: \(peer.errors)")
    }
}
