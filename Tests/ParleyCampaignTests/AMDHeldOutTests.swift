import Foundation
import Testing
@testable import ParleyCampaign

/// Measures the detector, with its shipped settings, on the held-out labelled set made by
/// Scripts/fixtures.d/41-amd-heldout.sh (other voices, wordings, beeps, music and noise than
/// the tuning set). Its timing thresholds were chosen on the tuning set (40-amd.sh), the
/// voice-band gate and the 2,500 ms deadline on the tuning and development sets (40, 42); this
/// set was measured after each choice. The goal is accuracy ≥ 90 % and decision p95 ≤ 2,500 ms
/// of audio after answer: measured 76/82 = 92.7 % at p95 2,500 ms with 20 and with 10 ms
/// frames (74/82 = 90.2 % at 2,920 ms before the band gate and the deadline). Per-class
/// confusion and decision times are printed; AMD_VERBOSE=1 shows every clip. AMDFreshSetTests
/// measures a set made after these settings were frozen.
struct AMDHeldOutTests {
    static func loadClips() throws -> [AMDLabelledSet.Clip] {
        try AMDLabelledSet.load("amd-heldout", script: "41-amd-heldout.sh")
    }

    @Test(arguments: [160, 80])
    func heldOutAccuracyAndDecisionTime(frameSamples: Int) throws {
        let clips = try Self.loadClips()
        try #require(clips.count >= 60, "expected the generated held-out AMD set")
        let m = AMDLabelledSet.measure(clips, frameSamples: frameSamples)
        m.printed("AMD held-out, shipped thresholds, frame=\(frameSamples) samples")
        #expect(m.accuracy >= 0.90, "held-out accuracy below the 90 % goal")
        #expect(m.percentileMs(0.95) <= 2500, "held-out decision p95 over the 2,500 ms goal")
    }

    /// An earlier faster setting chosen on the development set with the tuning set (greeting
    /// 1100, human wait 400, talk limit 1800, pre-emphasised gate at 7 dB with 3 dB hysteresis
    /// plus the plain gate at 16 dB), now with the band gate and the deadline, for comparison
    /// only: nothing is asserted.
    @Test func fasterSettingForComparison() throws {
        let clips = try Self.loadClips()
        try #require(clips.count >= 60, "expected the generated held-out AMD set")
        var faster = AMDConfiguration()
        faster.greetingMs = 1100
        faster.afterGreetingSilenceMs = 400
        faster.maxTalkMs = 1800
        faster.speechOverNoiseDb = 7
        faster.plainSpeechOverNoiseDb = 16
        faster.hysteresisDb = 3
        for frameSamples in [160, 80] {
            AMDLabelledSet.measure(clips, frameSamples: frameSamples, configuration: faster)
                .printed("AMD held-out, faster setting, frame=\(frameSamples) samples")
        }
    }
}
