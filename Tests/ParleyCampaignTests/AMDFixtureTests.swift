import Foundation
import Testing
@testable import ParleyCampaign

/// Runs the detector over the labelled set made by Scripts/fixtures.d/40-amd.sh.
struct AMDFixtureTests {
    struct Clip { var name: String; var label: AMDVerdict; var beepStartMs: Int?; var beepEndMs: Int?; var samples: [Int16] }

    static func fixturesDirectory() -> URL {
        if let env = ProcessInfo.processInfo.environment["PARLEY_FIXTURES"], !env.isEmpty {
            return URL(fileURLWithPath: env).appendingPathComponent("amd")
        }
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return repo.appendingPathComponent(".data/fixtures/amd")
    }

    static func loadClips() throws -> [Clip] {
        let dir = fixturesDirectory()
        guard let labels = try? String(contentsOf: dir.appendingPathComponent("labels.tsv"), encoding: .utf8) else {
            Issue.record("AMD fixtures missing at \(dir.path): run Scripts/fixtures.sh (Scripts/fixtures.d/40-amd.sh)")
            return []
        }
        var clips: [Clip] = []
        for line in labels.split(separator: "\n") {
            let f = line.split(separator: "\t").map(String.init)
            guard f.count == 4, let label = AMDVerdict(rawValue: f[1]) else { continue }
            let data = try Data(contentsOf: dir.appendingPathComponent(f[0] + ".raw"))
            var samples = [Int16](repeating: 0, count: data.count / 2)
            for i in samples.indices {
                samples[i] = Int16(bitPattern: UInt16(data[data.startIndex + 2 * i]) | UInt16(data[data.startIndex + 2 * i + 1]) << 8)
            }
            clips.append(Clip(name: f[0], label: label, beepStartMs: Int(f[2]), beepEndMs: Int(f[3]), samples: samples))
        }
        return clips
    }

    struct Run { var decision: AMDDecision?; var beeps: [(BeepDetection, reportedAtMs: Int)] }

    static func run(_ samples: [Int16], frameSamples: Int) -> Run {
        var amd = AnsweringMachineDetector()
        var run = Run(decision: nil, beeps: [])
        var offset = 0
        let span = samples.span
        while offset + frameSamples <= samples.count {
            let action = amd.process(span.extracting(offset..<(offset + frameSamples)))
            offset += frameSamples
            switch action {
            case .decided(let d)?: run.decision = d
            case .beep(let b)?: run.beeps.append((b, offset * 1000 / 8000))
            case nil: break
            }
        }
        return run
    }

    @Test(arguments: [160, 80])
    func accuracyAndDecisionTimeOnLabelledSet(frameSamples: Int) throws {
        let clips = try Self.loadClips()
        try #require(clips.count >= 30, "expected the generated AMD set")
        var correct = 0
        var times: [Int] = []
        var report: [String] = []
        for clip in clips {
            let run = Self.run(clip.samples, frameSamples: frameSamples)
            let d = try #require(run.decision, "no decision for \(clip.name)")
            if d.verdict == clip.label { correct += 1 } else { report.append("\(clip.name): \(clip.label) → \(d.verdict) (\(d.reason) @\(d.atMs))") }
            times.append(d.atMs)
            if ProcessInfo.processInfo.environment["AMD_VERBOSE"] != nil { print("  \(clip.name) \(d.verdict) \(d.reason) @\(d.atMs)") }
        }
        times.sort()
        let accuracy = Double(correct) / Double(clips.count)
        let p95 = times[min(times.count - 1, Int((Double(times.count) * 0.95).rounded(.up)) - 1)]
        let p50 = times[times.count / 2]
        print("AMD frame=\(frameSamples) samples: accuracy \(correct)/\(clips.count) = \(String(format: "%.1f", accuracy * 100)) %, decision p50 \(p50) ms, p95 \(p95) ms, max \(times.last!) ms")
        for line in report { print("  miss \(line)") }
        #expect(accuracy >= 0.90)
        #expect(p95 <= 2500)
    }

    @Test func beepsAreFoundWithinTheirTiming() throws {
        let clips = try Self.loadClips().filter { $0.beepStartMs != nil }
        try #require(clips.count >= 6)
        for clip in clips {
            let run = Self.run(clip.samples, frameSamples: 160)
            let start = try #require(clip.beepStartMs), end = try #require(clip.beepEndMs)
            #expect(run.beeps.count == 1, "\(clip.name): \(run.beeps.count) beeps")
            guard let (beep, reportedAt) = run.beeps.first else { continue }
            #expect(abs(beep.startMs - start) <= 60, "\(clip.name): beep start \(beep.startMs) vs \(start)")
            #expect(abs(beep.endMs - end) <= 60, "\(clip.name): beep end \(beep.endMs) vs \(end)")
            #expect(reportedAt <= end + 100, "\(clip.name): reported at \(reportedAt)")
            #expect(run.decision?.verdict == .machine)
        }
        // No beep in clips that have none.
        for clip in try Self.loadClips() where clip.beepStartMs == nil {
            #expect(Self.run(clip.samples, frameSamples: 160).beeps.isEmpty, "\(clip.name): false beep")
        }
    }
}
