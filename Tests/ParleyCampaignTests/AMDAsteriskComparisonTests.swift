import Testing
@testable import ParleyCampaign

/// Asterisk app_amd's defaults (initial silence 2500, greeting 1500, after-greeting silence
/// 800, total 5000, min word 100, between words 50, max words 2, no talk limit) applied
/// through the same detector and speech gate to the held-out, fresh and final sets, for
/// comparison only. app_amd calls it a machine at the second word (`words >= max`), this
/// detector after `maxWords` (`words > max`), so both readings are shown. Only what must
/// hold whatever the thresholds is asserted: every clip longer than the total analysis time
/// is decided by then.
struct AMDAsteriskComparisonTests {
    @Test(arguments: [("amd-heldout", "41-amd-heldout.sh"), ("amd-fresh", "43-amd-fresh.sh"),
                      ("amd-final", "44-amd-final.sh")])
    func asteriskDefaultsForComparison(set: String, script: String) throws {
        let clips = try AMDLabelledSet.load(set, script: script)
        try #require(clips.count >= 60, "expected the generated AMD set \(set)")
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
            m.printed("AMD \(set), Asterisk app_amd defaults (maxWords=\(maxWords)\(maxWords == 1 ? ", app_amd's >= 2" : "")), frame=160 samples")
            // A clip shorter than the total analysis time may end undecided. (Once per set:
            // the word limit does not change when the deadline falls.)
            guard maxWords == 2 else { continue }
            for clip in clips where clip.samples.count / 8 >= asterisk.totalAnalysisMs + 20 {
                let run = AMDLabelledSet.run(clip.samples, frameSamples: 160, configuration: asterisk)
                #expect(run.decision.map { $0.atMs <= asterisk.totalAnalysisMs + 20 } == true, "\(clip.name) decided in time")
            }
        }
    }
}
