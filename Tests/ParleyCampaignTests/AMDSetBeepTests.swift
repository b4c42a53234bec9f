import Testing
@testable import ParleyCampaign

/// Beeps on the machine clips of the generated AMD sets (40-amd.sh's own check is in
/// AMDFixtureTests): each labelled beep found within ±60 ms of its start and end, no false
/// beep on a greeting without one, and AnswerAnalyzer (leaving a voicemail) starting the
/// message after the beep ends, never during the greeting.
struct AMDSetBeepTests {
    @Test(arguments: [("amd-dev", "42-amd-dev.sh"), ("amd-heldout", "41-amd-heldout.sh"),
                      ("amd-fresh", "43-amd-fresh.sh"), ("amd-final", "44-amd-final.sh")])
    func beepsAreFoundAndTheVoicemailWaitsForThem(set: String, script: String) throws {
        let clips = try AMDLabelledSet.load(set, script: script)
        try #require(clips.count >= 60, "expected the generated AMD set \(set)")
        let check = AMDLabelledSet.checkBeeps(clips)
        print("AMD \(set) beeps: \(check.found)/\(check.withBeep) found within 60 ms; \(check.falseBeepClips) machine clips "
              + "without a beep had a false one; voicemail started early in \(check.earlyStarts) clips")
        for line in check.lines { print("  \(line)") }
        #expect(check.withBeep > 0)
        #expect(check.found == check.withBeep)
        #expect(check.falseBeepClips == 0)
        #expect(check.earlyStarts == 0)
    }
}
