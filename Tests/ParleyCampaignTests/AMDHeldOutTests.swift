import Foundation
import Testing
@testable import ParleyCampaign

/// Measures the detector, with its shipped thresholds, on the held-out labelled set made by
/// Scripts/fixtures.d/41-amd-heldout.sh (other voices, wordings, beeps, music and noise than
/// the 40-amd set the thresholds were chosen on). Prints per-class confusion and decision
/// times; set AMD_VERBOSE=1 for every clip.
struct AMDHeldOutTests {
    struct Clip {
        var name: String
        var label: AMDVerdict
        var beepStartMs: Int?
        var beepEndMs: Int?
        var speechMs: Int
        var description: String
        var samples: [Int16]
    }

    static func fixturesDirectory() -> URL {
        if let env = ProcessInfo.processInfo.environment["PARLEY_FIXTURES"], !env.isEmpty {
            return URL(fileURLWithPath: env).appendingPathComponent("amd-heldout")
        }
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return repo.appendingPathComponent(".data/fixtures/amd-heldout")
    }

    static func loadClips() throws -> [Clip] {
        let dir = fixturesDirectory()
        guard let labels = try? String(contentsOf: dir.appendingPathComponent("labels.tsv"), encoding: .utf8) else {
            Issue.record("held-out AMD fixtures missing at \(dir.path): run Scripts/fixtures.sh (Scripts/fixtures.d/41-amd-heldout.sh)")
            return []
        }
        var clips: [Clip] = []
        for line in labels.split(separator: "\n") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 6, let label = AMDVerdict(rawValue: f[1]), let speechMs = Int(f[4]) else {
                Issue.record("malformed label line: \(line)")
                continue
            }
            let data = try Data(contentsOf: dir.appendingPathComponent(f[0] + ".raw"))
            var samples = [Int16](repeating: 0, count: data.count / 2)
            for i in samples.indices {
                samples[i] = Int16(bitPattern: UInt16(data[data.startIndex + 2 * i]) | UInt16(data[data.startIndex + 2 * i + 1]) << 8)
            }
            clips.append(Clip(name: f[0], label: label, beepStartMs: Int(f[2]), beepEndMs: Int(f[3]),
                              speechMs: speechMs, description: f[5], samples: samples))
        }
        return clips
    }

    struct Run { var decision: AMDDecision?; var beeps: [BeepDetection] }

    static func run(_ samples: [Int16], frameSamples: Int, configuration: AMDConfiguration) -> Run {
        var amd = AnsweringMachineDetector(configuration: configuration)
        var run = Run(decision: nil, beeps: [])
        var offset = 0
        let span = samples.span
        while offset + frameSamples <= samples.count {
            let action = amd.process(span.extracting(offset..<(offset + frameSamples)))
            offset += frameSamples
            switch action {
            case .decided(let d)?: run.decision = d
            case .beep(let b)?: run.beeps.append(b)
            case nil: break
            }
        }
        return run
    }

    struct Measurement {
        var correct = 0
        var total = 0
        /// confusion[label][verdict]; a clip the detector never decided counts as "none".
        var confusion: [String: [String: Int]] = [:]
        var decisionMs: [Int] = []
        var decisionMsByLabel: [String: [Int]] = [:]
        var misses: [String] = []

        var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }
        /// Nearest-rank percentile of the decision times, in ms of audio since answer.
        func percentileMs(_ p: Double) -> Int {
            let sorted = decisionMs.sorted()
            guard !sorted.isEmpty else { return Int.max }
            return sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
        }

        func printed(_ title: String) {
            print("\(title): accuracy \(correct)/\(total) = \(String(format: "%.1f", accuracy * 100)) %, "
                  + "decision p50 \(percentileMs(0.5)) ms, p95 \(percentileMs(0.95)) ms, max \(decisionMs.max() ?? -1) ms")
            let columns = ["human", "machine", "unknown", "none"]
            print("  label \\ decided  " + columns.map { $0.padding(toLength: 8, withPad: " ", startingAt: 0) }.joined())
            for label in ["human", "machine", "unknown"] {
                let row = columns.map { String(confusion[label]?[$0] ?? 0).padding(toLength: 8, withPad: " ", startingAt: 0) }
                print("  \(label.padding(toLength: 16, withPad: " ", startingAt: 0)) " + row.joined())
            }
            for label in ["human", "machine", "unknown"] {
                let t = (decisionMsByLabel[label] ?? []).sorted()
                guard !t.isEmpty else { continue }
                let p95 = t[min(t.count - 1, Int((Double(t.count) * 0.95).rounded(.up)) - 1)]
                print("  \(label) clips decided: p50 \(t[t.count / 2]) ms, p95 \(p95) ms, max \(t.last!) ms")
            }
            for miss in misses { print("  miss \(miss)") }
        }
    }

    static func measure(_ clips: [Clip], frameSamples: Int, configuration: AMDConfiguration) -> Measurement {
        var m = Measurement()
        let verbose = ProcessInfo.processInfo.environment["AMD_VERBOSE"] != nil
        for clip in clips {
            let run = Self.run(clip.samples, frameSamples: frameSamples, configuration: configuration)
            m.total += 1
            let decided = run.decision?.verdict.rawValue ?? "none"
            m.confusion[clip.label.rawValue, default: [:]][decided, default: 0] += 1
            // An undecided clip counts as decided at its end (it cannot be faster than that).
            let atMs = run.decision?.atMs ?? clip.samples.count * 1000 / 8000
            m.decisionMs.append(atMs)
            m.decisionMsByLabel[clip.label.rawValue, default: []].append(atMs)
            if run.decision?.verdict == clip.label {
                m.correct += 1
            } else {
                let why = run.decision.map { "\($0.reason) @\($0.atMs) ms" } ?? "no decision"
                m.misses.append("\(clip.name) [\(clip.description), speech \(clip.speechMs) ms]: \(clip.label) → \(decided) (\(why))")
            }
            if verbose {
                print("  \(clip.name) \(clip.label) → \(decided) \(run.decision.map { "\($0.reason) @\($0.atMs)" } ?? "")")
            }
        }
        return m
    }

    /// The shipped thresholds on clips they were not chosen on. What this set measures is
    /// asserted, not the target: accuracy 74/82 = 90.2 % meets the 90 % target, but the
    /// decision-time p95 is 2,920 ms (20 ms frames) / 3,020 ms (10 ms frames), above the
    /// 2.5 s target, so those measured figures are the regression ceilings here.
    @Test(arguments: [(160, 2920), (80, 3020)])
    func heldOutAccuracyAndDecisionTime(frameSamples: Int, measuredP95Ms: Int) throws {
        let clips = try Self.loadClips()
        try #require(clips.count >= 60, "expected the generated held-out AMD set")
        let m = Self.measure(clips, frameSamples: frameSamples, configuration: AMDConfiguration())
        m.printed("AMD held-out, shipped thresholds, frame=\(frameSamples) samples")
        #expect(m.accuracy >= 0.90)
        #expect(m.percentileMs(0.95) <= measuredP95Ms, "held-out decision p95 regressed")
        if m.percentileMs(0.95) > 2500 {
            print("  note: held-out decision p95 \(m.percentileMs(0.95)) ms is above the 2,500 ms target")
        }
    }

    /// Asterisk app_amd's defaults (initial silence 2500, greeting 1500, after-greeting
    /// silence 800, total 5000, min word 100, between words 50, max words 2) applied through
    /// the same detector, for comparison only. app_amd calls it a machine at the second word
    /// (`words >= max`), this detector after `maxWords` (`words > max`), so both readings are
    /// shown. Only what must hold whatever the thresholds is asserted: every clip is decided
    /// by the total analysis time.
    @Test func asteriskDefaultsForComparison() throws {
        let clips = try Self.loadClips()
        try #require(clips.count >= 60, "expected the generated held-out AMD set")
        var asterisk = AMDConfiguration()
        asterisk.initialSilenceMs = 2500
        asterisk.greetingMs = 1500
        asterisk.afterGreetingSilenceMs = 800
        asterisk.totalAnalysisMs = 5000
        asterisk.minWordMs = 100
        asterisk.betweenWordsSilenceMs = 50
        for maxWords in [2, 1] {
            asterisk.maxWords = maxWords
            let m = Self.measure(clips, frameSamples: 160, configuration: asterisk)
            m.printed("AMD held-out, Asterisk app_amd defaults (maxWords=\(maxWords)\(maxWords == 1 ? ", app_amd's >= 2" : "")), frame=160 samples")
            #expect(m.confusion.values.allSatisfy { ($0["none"] ?? 0) == 0 }, "every clip decided")
            #expect((m.decisionMs.max() ?? .max) <= 5000 + 20)
        }
    }

    /// Beeps on the held-out set, and where AnswerAnalyzer (leaving a voicemail) starts the
    /// message: after the labelled beep ends, never during the greeting.
    @Test func heldOutBeepsAndVoicemailStart() throws {
        let clips = try Self.loadClips()
        try #require(clips.count >= 60, "expected the generated held-out AMD set")
        var found = 0, withBeep = 0, falseBeepClips = 0, earlyStarts = 0
        var lines: [String] = []
        for clip in clips where clip.label == .machine {
            let run = Self.run(clip.samples, frameSamples: 160, configuration: AMDConfiguration())
            var analyzer = AnswerAnalyzer(leaveVoicemail: true)
            var startMs: Int?
            var offset = 0
            let span = clip.samples.span
            while offset + 160 <= clip.samples.count, startMs == nil {
                if case .leaveVoicemail(_, _, let at)? = analyzer.process(span.extracting(offset..<(offset + 160))) { startMs = at }
                offset += 160
            }
            if let start = clip.beepStartMs, let end = clip.beepEndMs {
                withBeep += 1
                let hit = run.beeps.contains { abs($0.startMs - start) <= 60 && abs($0.endMs - end) <= 60 }
                if hit { found += 1 } else { lines.append("\(clip.name) [\(clip.description)]: beep \(start)-\(end) ms, found \(run.beeps.map { "\($0.startMs)-\($0.endMs)@\($0.frequencyHz)" })") }
                if let s = startMs, s < end { earlyStarts += 1; lines.append("\(clip.name): voicemail started at \(s) ms, before the beep ended at \(end) ms") }
            } else {
                if !run.beeps.isEmpty { falseBeepClips += 1; lines.append("\(clip.name) [\(clip.description)]: false beep \(run.beeps.map { "\($0.startMs)-\($0.endMs)@\($0.frequencyHz)" })") }
                if let s = startMs, s < clip.speechMs { earlyStarts += 1; lines.append("\(clip.name): voicemail started at \(s) ms, inside the \(clip.speechMs) ms greeting") }
            }
        }
        print("AMD held-out beeps: \(found)/\(withBeep) found within 60 ms; \(falseBeepClips) machine clips without a beep had a false one; voicemail started early in \(earlyStarts) clips")
        for line in lines { print("  \(line)") }
        #expect(found == withBeep)
        #expect(falseBeepClips == 0)
        #expect(earlyStarts == 0)
    }
}
