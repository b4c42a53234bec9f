import Foundation
import Testing
@testable import ParleyCampaign

/// The development set (Scripts/fixtures.d/42-amd-dev.sh), on which a faster setting was
/// tried with the tuning set (40-amd.sh); see AMDConfiguration. It is harder than the
/// other two on purpose (humans pausing up to 1.5 s and answering for up to 3 s, one-word
/// machine greetings, music from the moment of answer, white noise at 12 dB SNR), so its
/// figures are regression floors, not the goal: they are what the shipped thresholds
/// measure (20 ms frames: 55/76, p95 3,280 ms; 10 ms frames: 57/76, p95 3,270 ms; the faster
/// setting 59/76 at p95 2,720 ms).
struct AMDDevSetTests {
    static func loadClips() throws -> [AMDLabelledSet.Clip] {
        try AMDLabelledSet.load("amd-dev", script: "42-amd-dev.sh")
    }

    @Test(arguments: [(160, 55, 3280), (80, 57, 3270)])
    func devSetAccuracyAndDecisionTime(frameSamples: Int, measuredCorrect: Int, measuredP95Ms: Int) throws {
        let clips = try Self.loadClips()
        try #require(clips.count >= 60, "expected the generated development AMD set")
        let m = AMDLabelledSet.measure(clips, frameSamples: frameSamples)
        m.printed("AMD development set, shipped thresholds, frame=\(frameSamples) samples")
        #expect(m.correct >= measuredCorrect, "development-set accuracy regressed")
        #expect(m.percentileMs(0.95) <= measuredP95Ms, "development-set decision p95 regressed")
    }

    @Test func devSetBeepsAndVoicemailStart() throws {
        let clips = try Self.loadClips()
        try #require(clips.count >= 60, "expected the generated development AMD set")
        let check = AMDLabelledSet.checkBeeps(clips)
        print("AMD development beeps: \(check.found)/\(check.withBeep) found within 60 ms; \(check.falseBeepClips) machine "
              + "clips without a beep had a false one; voicemail started early in \(check.earlyStarts) clips")
        for line in check.lines { print("  \(line)") }
        #expect(check.found == check.withBeep)
        #expect(check.falseBeepClips == 0)
        #expect(check.earlyStarts == 0)
    }
}
