import Foundation
import Testing
@testable import ParleyCampaign

/// The fresh set (Scripts/fixtures.d/43-amd-fresh.sh): 82 clips made after the detector's
/// settings were frozen, with wordings, espeak-ng variants and flite voices none of the other
/// sets use, so no threshold was chosen on them. Measured once with the frozen settings:
/// 69/82 = 84.1 % at decision p95 2,500 ms, with 20 and 10 ms frames (the settings before the
/// voice-band gate and the deadline: 61/82 at 3,080 ms). Below the 90 % goal: seven of its
/// people answer for 1.6–2.3 s ("Sunrise Bakery, how can I help?"), as long as a short
/// greeting. The test asserts the decision-time goal and the measured accuracy as a floor,
/// and prints how far that is from 90 %.
struct AMDFreshSetTests {
    static func loadClips() throws -> [AMDLabelledSet.Clip] {
        try AMDLabelledSet.load("amd-fresh", script: "43-amd-fresh.sh")
    }

    @Test(arguments: [160, 80])
    func freshSetAccuracyAndDecisionTime(frameSamples: Int) throws {
        let clips = try Self.loadClips()
        try #require(clips.count >= 60, "expected the generated fresh AMD set")
        let m = AMDLabelledSet.measure(clips, frameSamples: frameSamples)
        m.printed("AMD fresh set, shipped thresholds, frame=\(frameSamples) samples")
        print("AMD fresh set accuracy \(m.correct)/\(m.total) against the 90 % goal (\(Int((0.9 * Double(m.total)).rounded(.up)) - m.correct) clips short)")
        #expect(m.correct >= 69, "fresh-set accuracy regressed")
        #expect(m.percentileMs(0.95) <= 2500, "fresh-set decision p95 over the 2,500 ms goal")
    }
}
