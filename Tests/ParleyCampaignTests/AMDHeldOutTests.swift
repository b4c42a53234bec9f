import Foundation
import Testing
@testable import ParleyCampaign

/// Measures the detector, with its shipped thresholds (chosen on the tuning and development
/// sets, 40-amd.sh and 42-amd-dev.sh), on the held-out labelled set made by
/// Scripts/fixtures.d/41-amd-heldout.sh (other voices, wordings, beeps, music and noise).
/// Asserts the goal — accuracy ≥ 90 % and decision p95 ≤ 2,500 ms of audio after answer —
/// and prints per-class confusion and decision times; set AMD_VERBOSE=1 for every clip.
/// Measured once, with the thresholds frozen beforehand: 20 ms frames 67/82 = 81.7 %,
/// p95 2,540 ms; 10 ms frames 59/82 = 72.0 %, p95 2,670 ms. The goal is not met (the
/// thresholds from before the development set: 74/82 = 90.2 %, p95 2,920 ms), and this
/// test says so rather than being loosened to what was measured.
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
        #expect(m.percentileMs(0.95) <= 2500, "held-out decision p95 above the 2,500 ms goal")
    }

    /// Asterisk app_amd's defaults (initial silence 2500, greeting 1500, after-greeting
    /// silence 800, total 5000, min word 100, between words 50, max words 2, no talk limit)
    /// applied through the same detector and speech gate, for comparison only. app_amd calls
    /// it a machine at the second word (`words >= max`), this detector after `maxWords`
    /// (`words > max`), so both readings are shown. Only what must hold whatever the
    /// thresholds is asserted: every clip longer than the total analysis time is decided by then.
    @Test func asteriskDefaultsForComparison() throws {
        let clips = try Self.loadClips()
        try #require(clips.count >= 60, "expected the generated held-out AMD set")
        var asterisk = AMDConfiguration()
        asterisk.initialSilenceMs = 2500
        asterisk.greetingMs = 1500
        asterisk.afterGreetingSilenceMs = 800
        asterisk.maxTalkMs = .max
        asterisk.totalAnalysisMs = 5000
        asterisk.minWordMs = 100
        asterisk.betweenWordsSilenceMs = 50
        for maxWords in [2, 1] {
            asterisk.maxWords = maxWords
            let m = AMDLabelledSet.measure(clips, frameSamples: 160, configuration: asterisk)
            m.printed("AMD held-out, Asterisk app_amd defaults (maxWords=\(maxWords)\(maxWords == 1 ? ", app_amd's >= 2" : "")), frame=160 samples")
            // A clip shorter than the total analysis time may end undecided.
            for clip in clips where clip.samples.count / 8 >= asterisk.totalAnalysisMs + 20 {
                let run = AMDLabelledSet.run(clip.samples, frameSamples: 160, configuration: asterisk)
                #expect(run.decision.map { $0.atMs <= asterisk.totalAnalysisMs + 20 } == true, "\(clip.name) decided in time")
            }
        }
    }

    /// The thresholds shipped before the development set existed (greeting 1300, human wait
    /// 600, no talk limit, pre-emphasised gate only at 10 dB with 4 dB hysteresis), for
    /// comparison only: nothing is asserted.
    @Test func previousDefaultsForComparison() throws {
        let clips = try Self.loadClips()
        try #require(clips.count >= 60, "expected the generated held-out AMD set")
        var previous = AMDConfiguration()
        previous.greetingMs = 1300
        previous.afterGreetingSilenceMs = 600
        previous.maxTalkMs = .max
        previous.speechOverNoiseDb = 10
        previous.plainSpeechOverNoiseDb = .infinity
        previous.hysteresisDb = 4
        AMDLabelledSet.measure(clips, frameSamples: 160, configuration: previous)
            .printed("AMD held-out, previous thresholds (beep tone share now 0.8), frame=160 samples")
    }

    /// Beeps on the held-out set (found within ±60 ms, none where there is none), and where
    /// AnswerAnalyzer (leaving a voicemail) starts the message: after the labelled beep
    /// ends, never during the greeting.
    @Test func heldOutBeepsAndVoicemailStart() throws {
        let clips = try Self.loadClips()
        try #require(clips.count >= 60, "expected the generated held-out AMD set")
        let check = AMDLabelledSet.checkBeeps(clips)
        print("AMD held-out beeps: \(check.found)/\(check.withBeep) found within 60 ms; \(check.falseBeepClips) machine clips "
              + "without a beep had a false one; voicemail started early in \(check.earlyStarts) clips")
        for line in check.lines { print("  \(line)") }
        #expect(check.found == check.withBeep)
        #expect(check.falseBeepClips == 0)
        #expect(check.earlyStarts == 0)
    }
}
