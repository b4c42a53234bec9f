import CParleyAllocCounter
import Foundation
import ParleyCampaign

/// Answer-screening figures for `parley bench core`: the cost of `AnswerAnalyzer` (the
/// answering-machine detector with its beep detector and voice-band gate) per 10 ms frame
/// while it is still deciding, how many calls one core could screen at once at that cost,
/// and heap allocations over the frames of 100 screened calls after their analyzers exist.
enum BenchAMD {
    static func figures() -> [(String, Double)] {
        // 2.5 s of a speech-like signal after 300 ms of quiet: the detector analyses every
        // frame up to its decision (a long greeting), the most work one call asks of it.
        let clip = [Int16](repeating: 0, count: 2_400) + BenchCodecs.speechLike(sampleRateHz: 8000, count: 20_000)
        let frameSamples = 80
        let frames = clip.count / frameSamples
        func screen(_ analyzer: inout AnswerAnalyzer) -> Int {
            var actions = 0
            let span = clip.span
            for f in 0..<frames {
                if analyzer.process(span.extracting((f * frameSamples)..<((f + 1) * frameSamples))) != nil { actions += 1 }
            }
            return actions
        }
        var sink = 0
        let calls = 200
        var analyzers = [AnswerAnalyzer](repeating: AnswerAnalyzer(leaveVoicemail: true), count: calls)
        let clock = ContinuousClock()
        let start = clock.now
        for i in 0..<calls { sink &+= screen(&analyzers[i]) }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let usPerFrame = seconds * 1e6 / Double(calls * frames)

        var counted = [AnswerAnalyzer](repeating: AnswerAnalyzer(leaveVoicemail: true), count: 100)
        parley_alloc_counting_begin()
        for i in counted.indices { sink &+= screen(&counted[i]) }
        let allocations = parley_alloc_counting_end()
        BenchCore.blackHole(UInt64(truncatingIfNeeded: sink))
        return [
            ("amd_us_per_10ms_frame", usPerFrame),
            ("amd_screened_calls_per_core", usPerFrame > 0 ? 10_000 / usPerFrame : 0),
            ("amd_allocations_100_calls", Double(allocations)),
        ]
    }
}
