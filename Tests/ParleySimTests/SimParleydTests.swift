import Foundation
import Testing
@testable import ParleySim

/// The simulator against `parleyd` serving the demo script (examples/demo), real SIP and
/// RTP on 127.0.0.1: every demo path in examples/sim passes its expectations, a wrong
/// expectation fails with a clear reason, a barge-in reports its latency. The suite's
/// calls go as one batch against one parleyd (`batch`), a few at a time.
@Suite(.serialized) struct SimParleydTests {
    static let examples = TestPaths.repo + "/examples/sim"

    /// Every single-path example (mix.yaml and capacity-*.yaml are load mixes for the
    /// benchmark, not demo paths).
    static var demoPaths: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: examples)) ?? [])
            .filter { $0.hasSuffix(".yaml") && $0 != "mix.yaml" && !$0.hasPrefix("capacity-") }.sorted()
    }

    /// One call of `scenario`. `seed` sets the caller's SSRC and RTP sequence and timestamp
    /// origins: calls placed at the same time need different seeds, as real callers have
    /// different SSRCs (RFC 3550 §8.1).
    static func run(_ scenario: Scenario, against daemon: ParleydProcess, seed: UInt64) throws -> SimRunResult {
        let target = try #require(daemon.sipAddress)
        let options = SimRunOptions(target: target, calls: 1, concurrency: 1, loopbackOnly: true, seed: seed)
        return try SimEngine(scenario: scenario, options: options, catalog: Demo.catalog).run()
    }

    static func describe(_ record: SimCallRecord) -> String {
        let heard = record.result.heard.map { "\($0.name)@\($0.startMs)…\($0.endMs.map(String.init) ?? "?")\($0.interrupted ? "!" : "")" }
        // The bot's stream as the caller got it: a stalled parleyd shows here (late packets, holes).
        let stream = record.stream
        return "\(record.result.callName): \(record.result.verdict.map { "\($0)" } ?? "unfinished"); heard \(heard); "
            + "disposition \(record.result.disposition ?? "-"); bot stream: \(stream.lost) of \(stream.expected) lost, "
            + "max jitter \(Int(stream.maxJitterMs)) ms, max pacing error \(stream.pacing.maxUs / 1_000) ms"
    }

    /// Paths whose caller speech parleyd's embedded recognizer does not understand yet (it
    /// would answer offer_unclear); every other path must pass. None today: the callers speak
    /// with flite's US English rms voice (examples/sim/make-speech.sh), the grammar's results
    /// are checked against a phone loop, and busy's "sorry I'm driving, call me later" (a lead
    /// word and two of the intent's phrases) is heard by the compound second pass
    /// (Tests/ParleySpeechTests/DemoCallerSpeechTests.swift, CompoundSecondPassTests.swift).
    static let recognitionGaps: Set<String> = []

    /// Paths that pass most runs but not all, for reasons outside recognition. None today.
    /// real-person was here because a loaded machine's parleyd dropped single 20 ms frames of
    /// the caller's sentence: the jitter buffer brought its depth down mid-word; it now waits
    /// for the caller's pause (`JitterBuffer.get(into:mayShrink:)`). repeat was here because
    /// its "no" was once cut off and never recognized. Both passed 6 runs of 6 since, two of
    /// them beside a CPU-bound loop.
    static let intermittent: Set<String> = []

    /// How many calls the batch places at once (`PARLEY_SIM_E2E_CONCURRENCY`, default 2).
    /// Every call runs 6–55 s of the bot's prompts and timeouts, about 310 s in all: one at
    /// a time the suite took 305 s, two at a time 157 s, three at a time, longest first,
    /// 103–130 s (measured on this 2-core machine shared with other builds, load 1–7). The
    /// simulator costs ~1 s of CPU per call with ParleySim optimised (9 s unoptimised, too
    /// slow for calls to overlap). Three at a time failed 3 of 8 runs (barge-in-yes misheard
    /// twice; a ~850 ms stall of the debug parleyd's stream once), so two is the default.
    /// The call descriptions print each bot stream's largest pacing error.
    static var concurrency: Int {
        ProcessInfo.processInfo.environment["PARLEY_SIM_E2E_CONCURRENCY"].flatMap(Int.init).map { max(1, $0) } ?? 2
    }

    /// The suite's calls: every demo path (`demoPaths`), and presses-2 twice with a wrong
    /// expectation. The barge-in test reads barge-in-yes's call.
    static func jobs() throws -> [Batch.Job] {
        // The paths parleyd does not understand yet each run ~40 s of reprompts before failing;
        // they run only with PARLEY_SIM_ALL_PATHS=1.
        let all = ProcessInfo.processInfo.environment["PARLEY_SIM_ALL_PATHS"] == "1"
        var jobs = try demoPaths.filter { all || !recognitionGaps.contains($0) }.map {
            Batch.Job(key: $0, scenario: try ScenarioLoader.load(path: examples + "/" + $0, catalog: Demo.catalog))
        }
        // DTMF 2 (no speech recognition in the way): the bot says goodbye_decline, disposition declined.
        var disposition = try ScenarioLoader.load(path: examples + "/presses-2.yaml", catalog: Demo.catalog)
        disposition.calls[0].expect.disposition = "coupon_sent"
        var prompts = try ScenarioLoader.load(path: examples + "/presses-2.yaml", catalog: Demo.catalog)
        prompts.calls[0].expect.prompts = ["hello", "offer", "busy"]
        jobs += [Batch.Job(key: Self.wrongDisposition, scenario: disposition), Batch.Job(key: Self.wrongPrompts, scenario: prompts)]
        return jobs
    }

    static let wrongDisposition = "presses-2 expecting coupon_sent"
    static let wrongPrompts = "presses-2 expecting busy"
    static let bargeIn = "barge-in-yes.yaml"

    /// The batch, placed once for the whole suite (whichever test asks first) against one
    /// parleyd, which is stopped when the last call ended.
    static let batch = Batch.run(jobs: { try jobs() }, concurrency: concurrency)

    @Test func everyDemoPathPasses() throws {
        let batch = try Self.batch.get()
        #expect(Self.demoPaths.count >= 10, "\(Self.demoPaths)")
        let results = batch.outcomes.filter { $0.key.hasSuffix(".yaml") }
        print("demo paths against parleyd (\(Self.concurrency) at a time, \(batch.elapsedMs / 1_000) s):\n"
              + results.map { "  \($0.passed ? "pass" : "FAIL") \($0.key) (\($0.elapsedMs / 1_000) s): \($0.text)" }.joined(separator: "\n"))
        for o in results {
            let passed = o.passed, reason = "\(o.key): \(o.text)"
            if Self.recognitionGaps.contains(o.key) || Self.intermittent.contains(o.key) {
                // parleyd's recognizer answers these callers with offer_unclear (see the
                // issue note): tracked, not hidden — a pass is fine, a failure is known.
                withKnownIssue("parleyd does not understand this caller yet", isIntermittent: true) {
                    #expect(passed, "\(reason)")
                }
            } else {
                #expect(passed, "\(reason)")
            }
        }
        let all = ProcessInfo.processInfo.environment["PARLEY_SIM_ALL_PATHS"] == "1"
        #expect(results.count == Self.demoPaths.filter { all || !Self.recognitionGaps.contains($0) }.count)
    }

    @Test func aWrongExpectationFailsWithTheReason() throws {
        let batch = try Self.batch.get()
        let call = try #require(batch.call(Self.wrongDisposition), "\(batch.outcomes)")
        #expect(call.result.verdict == .failed("expected disposition `coupon_sent`, got `declined`"), "\(Self.describe(call))")
        let second = try #require(batch.call(Self.wrongPrompts), "\(batch.outcomes)")
        #expect(second.result.verdict == .failed("expected prompt `busy` after `offer`, heard `goodbye_decline`"),
                "\(Self.describe(second))")
    }

    @Test func aBargeInReportsItsLatency() throws {
        let batch = try Self.batch.get()
        let call = try #require(batch.call(Self.bargeIn), "\(batch.outcomes)")
        print("barge-in against parleyd: \(Self.describe(call)); barge-in \(call.result.bargeInMs) ms, "
              + "response \(call.result.responseMs) ms, setup \(call.result.setupMs ?? -1) ms")
        #expect(call.result.verdict == .passed, "\(Self.describe(call))")
        // A figure, not a target (targets belong in the benchmark): it must be measured.
        let latency = try #require(call.result.bargeInMs.first, "no barge-in measured: \(Self.describe(call))")
        #expect(latency > 0, "barge-in \(latency) ms")
        #expect(call.result.heard.first(where: { $0.name == "offer" })?.interrupted == true)
    }

    /// Runs scenarios (one call each) `concurrency` at a time against one parleyd, the ones
    /// expecting the most prompts (the longest calls) first.
    final class Batch: Sendable {
        struct Job: Sendable { var key: String; var scenario: Scenario }
        struct Outcome: Sendable {
            var key: String
            var call: SimCallRecord?
            var text: String
            var passed: Bool
            var elapsedMs: Int
        }
        let outcomes: [Outcome]
        let elapsedMs: Int

        init(outcomes: [Outcome], elapsedMs: Int) {
            self.outcomes = outcomes.sorted { $0.key < $1.key }
            self.elapsedMs = elapsedMs
        }

        func call(_ key: String) -> SimCallRecord? { outcomes.first { $0.key == key }?.call }

        static func run(jobs makeJobs: () throws -> [Job], concurrency: Int) -> Result<Batch, PeerError> {
            let startNs = DispatchTime.now().uptimeNanoseconds
            let jobs: [Job]
            let daemon: ParleydProcess
            do {
                jobs = try makeJobs().sorted { ($0.scenario.calls[0].expect.prompts?.count ?? 0) > ($1.scenario.calls[0].expect.prompts?.count ?? 0) }
                daemon = try ParleydProcess()
            } catch {
                return .failure(PeerError(description: "\(error)"))
            }
            defer { daemon.stop() }
            let outcomes = Outcomes()
            let queue = DispatchQueue(label: "sim-e2e", attributes: .concurrent)
            let slots = DispatchSemaphore(value: concurrency)
            let group = DispatchGroup()
            for (i, job) in jobs.enumerated() {
                slots.wait()
                group.enter()
                queue.async {
                    defer { slots.signal(); group.leave() }
                    let jobStartNs = DispatchTime.now().uptimeNanoseconds
                    var outcome = Outcome(key: job.key, call: nil, text: "no call", passed: false, elapsedMs: 0)
                    do {
                        let result = try SimParleydTests.run(job.scenario, against: daemon, seed: 0x51A0 + UInt64(i) * 7_919)
                        outcome.call = result.calls.first
                        outcome.text = outcome.call.map(SimParleydTests.describe) ?? "no call"
                        outcome.passed = result.report.passed == 1
                    } catch {
                        outcome.text = "\(error)"
                    }
                    outcome.elapsedMs = Int((DispatchTime.now().uptimeNanoseconds - jobStartNs) / 1_000_000)
                    outcomes.add(outcome)
                }
            }
            group.wait()
            return .success(Batch(outcomes: outcomes.all, elapsedMs: Int((DispatchTime.now().uptimeNanoseconds - startNs) / 1_000_000)))
        }
    }

    final class Outcomes: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [Batch.Outcome] = []
        func add(_ outcome: Batch.Outcome) { lock.lock(); list.append(outcome); lock.unlock() }
        var all: [Batch.Outcome] { lock.lock(); defer { lock.unlock() }; return list }
    }
}
