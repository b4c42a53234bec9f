import Foundation
import Testing
@testable import ParleyCampaign

/// The labelled answering-machine-detection sets made by Scripts/fixtures.d: `amd` (40-amd.sh,
/// tuning), `amd-dev` (42-amd-dev.sh, development) and `amd-heldout` (41-amd-heldout.sh,
/// held out), and what the detector makes of them: accuracy, per-class confusion, decision
/// times in audio since answer. Set AMD_VERBOSE=1 to print every clip.
enum AMDLabelledSet {
    struct Clip {
        var name: String
        var label: AMDVerdict
        var beepStartMs: Int?
        var beepEndMs: Int?
        /// Answer or greeting length (0 when the set does not say).
        var speechMs: Int
        var description: String
        var samples: [Int16]
    }

    static func directory(_ set: String) -> URL {
        if let env = ProcessInfo.processInfo.environment["PARLEY_FIXTURES"], !env.isEmpty {
            return URL(fileURLWithPath: env).appendingPathComponent(set)
        }
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return repo.appendingPathComponent(".data/fixtures").appendingPathComponent(set)
    }

    /// Reads `labels.tsv` (4 columns, or 6 with speech ms and a description) and the clips.
    static func load(_ set: String, script: String) throws -> [Clip] {
        let dir = directory(set)
        guard let labels = try? String(contentsOf: dir.appendingPathComponent("labels.tsv"), encoding: .utf8) else {
            Issue.record("AMD fixtures missing at \(dir.path): run Scripts/fixtures.sh (Scripts/fixtures.d/\(script))")
            return []
        }
        var clips: [Clip] = []
        for line in labels.split(separator: "\n") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 4 || f.count == 6, let label = AMDVerdict(rawValue: f[1]) else {
                Issue.record("malformed label line: \(line)")
                continue
            }
            let data = try Data(contentsOf: dir.appendingPathComponent(f[0] + ".raw"))
            var samples = [Int16](repeating: 0, count: data.count / 2)
            for i in samples.indices {
                samples[i] = Int16(bitPattern: UInt16(data[data.startIndex + 2 * i]) | UInt16(data[data.startIndex + 2 * i + 1]) << 8)
            }
            clips.append(Clip(name: f[0], label: label, beepStartMs: Int(f[2]), beepEndMs: Int(f[3]),
                              speechMs: f.count == 6 ? Int(f[4]) ?? 0 : 0, description: f.count == 6 ? f[5] : "",
                              samples: samples))
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

        /// Nearest-rank percentile of decision times, in ms of audio since answer.
        static func percentileMs(_ times: [Int], _ p: Double) -> Int {
            let sorted = times.sorted()
            guard !sorted.isEmpty else { return Int.max }
            return sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
        }

        func percentileMs(_ p: Double) -> Int { Self.percentileMs(decisionMs, p) }

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
                let t = decisionMsByLabel[label] ?? []
                guard !t.isEmpty else { continue }
                print("  \(label) clips decided: p50 \(Self.percentileMs(t, 0.5)) ms, p95 \(Self.percentileMs(t, 0.95)) ms, max \(t.max() ?? -1) ms")
            }
            for miss in misses { print("  miss \(miss)") }
        }
    }

    static func measure(_ clips: [Clip], frameSamples: Int, configuration: AMDConfiguration = AMDConfiguration()) -> Measurement {
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

    /// Beeps on a set's machine clips, and where AnswerAnalyzer (leaving a voicemail) starts
    /// the message: after the labelled beep ends, never during the greeting.
    struct BeepCheck {
        var found = 0, withBeep = 0, falseBeepClips = 0, earlyStarts = 0
        var lines: [String] = []
    }

    static func checkBeeps(_ clips: [Clip]) -> BeepCheck {
        var check = BeepCheck()
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
            let found = run.beeps.map { "\($0.startMs)-\($0.endMs)@\($0.frequencyHz)" }
            if let start = clip.beepStartMs, let end = clip.beepEndMs {
                check.withBeep += 1
                if run.beeps.contains(where: { abs($0.startMs - start) <= 60 && abs($0.endMs - end) <= 60 }) {
                    check.found += 1
                } else {
                    check.lines.append("\(clip.name) [\(clip.description)]: beep \(start)-\(end) ms, found \(found)")
                }
                if let s = startMs, s < end {
                    check.earlyStarts += 1
                    check.lines.append("\(clip.name): voicemail started at \(s) ms, before the beep ended at \(end) ms")
                }
            } else {
                if !run.beeps.isEmpty {
                    check.falseBeepClips += 1
                    check.lines.append("\(clip.name) [\(clip.description)]: false beep \(found)")
                }
                if let s = startMs, s < clip.speechMs {
                    check.earlyStarts += 1
                    check.lines.append("\(clip.name): voicemail started at \(s) ms, inside the \(clip.speechMs) ms greeting")
                }
            }
        }
        return check
    }
}
