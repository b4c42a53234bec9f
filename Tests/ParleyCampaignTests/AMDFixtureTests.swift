import Foundation
import Testing
@testable import ParleyCampaign

/// Runs the detector over the labelled tuning set made by Scripts/fixtures.d/40-amd.sh.
struct AMDFixtureTests {
    static func fixturesDirectory() -> URL { AMDLabelledSet.directory("amd") }

    static func loadClips() throws -> [AMDLabelledSet.Clip] {
        try AMDLabelledSet.load("amd", script: "40-amd.sh")
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
        let m = AMDLabelledSet.measure(clips, frameSamples: frameSamples)
        m.printed("AMD tuning set, shipped thresholds, frame=\(frameSamples) samples")
        #expect(m.confusion.values.allSatisfy { ($0["none"] ?? 0) == 0 }, "every clip decided")
        #expect(m.accuracy >= 0.90)
        #expect(m.percentileMs(0.95) <= 2500)
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
