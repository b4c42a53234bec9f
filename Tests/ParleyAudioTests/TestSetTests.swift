import Testing
import ParleyAudio

/// Measurements over the whole labelled test set, in audio time.
@Suite struct TestSetTests {
    static let promptLengthMs = 9000

    static func plan(_ policy: BargeInPolicy) throws -> PromptPlan {
        try PromptPlan(lengthMs: promptLengthMs, policy: policy, cuePointsMs: [0, 1400, 5200])
    }

    @Test func bargeInDelayAndFalseBargeIns() throws {
        let labels = try AudioFixtures.labels()
        var delays: [Int] = []
        var missed: [String] = []
        var early: [String] = []
        var falseOnEcho: [String] = []
        for clip in labels.clips {
            switch clip.kind {
            case "bargeIn":
                let run = try ClipRun.run(clip.name, prompt: Self.plan(.immediate))
                let onset = try #require(clip.onsetMs)
                if let stop = run.stops.first {
                    if stop.atMs < onset { early.append("\(clip.name)@\(stop.atMs)") } else { delays.append(stop.atMs - onset) }
                } else {
                    missed.append(clip.name)
                }
                print("audio-set \(clip.name) onset \(onset) stops \(run.stops.map(\.atMs)) delay est \(run.metrics?.estimatedDelayMs ?? -9) erl \(run.metrics?.echoReturnLossDb ?? -99) erle \(run.metrics?.echoReturnLossEnhancementDb ?? -99)")
            case "echoOnly", "noiseOnly":
                let run = try ClipRun.run(clip.name, prompt: Self.plan(.immediate))
                if !run.stops.isEmpty { falseOnEcho.append("\(clip.name)@\(run.stops.map(\.atMs))") }
                print("audio-set \(clip.name) stops \(run.stops.map(\.atMs)) delay est \(run.metrics?.estimatedDelayMs ?? -9) (true \(clip.delayMs ?? -1)) erle \(run.metrics?.echoReturnLossEnhancementDb ?? -99)")
            default:
                break
            }
        }
        let p50 = percentile(delays, 50), p95 = percentile(delays, 95)
        print("audio-set barge-in delay ms: n=\(delays.count) p50=\(p50) p95=\(p95) max=\(delays.max() ?? -1); missed \(missed); early \(early); false on echo/noise \(falseOnEcho)")
        #expect(missed.isEmpty, "barge-ins not detected: \(missed)")
        #expect(early.isEmpty, "stopped before the caller spoke: \(early)")
        #expect(!delays.isEmpty && p95 <= 100, "barge-in delay p95 \(p95) ms")
        #expect(falseOnEcho.isEmpty, "false barge-ins on echo/noise-only clips: \(falseOnEcho)")
    }
}
