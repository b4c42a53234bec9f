import Foundation
import Testing
@testable import ParleyCampaign

/// The AMD goal on the final set (Scripts/fixtures.d/44-amd-final.sh): 82 clips made
/// to the description (espeak-ng people answering briefly, machine greetings of
/// 1–12 s with and without a beep, noise) after the detector's settings were frozen, with
/// seeds, wordings and voice variants none of the other sets use. Measured once, with the
/// settings frozen and the pass mark fixed beforehand: 76/82 = 92.7 % at decision p95
/// 2,500 ms with 20 and 10 ms frames (every person right; six machines taken for people: short
/// greetings and greetings the gate lost in noise). The settings before the voice-band gate
/// and the deadline: 70/82 at p95 2,960 ms. Asserts accuracy ≥ 90 % and decision p95
/// ≤ 2,500 ms of audio after answer (its beeps: AMDSetBeepTests).
struct AMDFinalSetTests {
    static func loadClips() throws -> [AMDLabelledSet.Clip] {
        try AMDLabelledSet.load("amd-final", script: "44-amd-final.sh")
    }

    @Test(arguments: [160, 80])
    func finalSetAccuracyAndDecisionTime(frameSamples: Int) throws {
        let clips = try Self.loadClips()
        try #require(clips.count >= 60, "expected the generated final AMD set")
        let m = AMDLabelledSet.measure(clips, frameSamples: frameSamples)
        m.printed("AMD final set, shipped thresholds, frame=\(frameSamples) samples")
        #expect(m.accuracy >= 0.90, "final-set accuracy below the 90 % goal")
        #expect(m.percentileMs(0.95) <= 2500, "final-set decision p95 over the 2,500 ms goal")
    }
}
