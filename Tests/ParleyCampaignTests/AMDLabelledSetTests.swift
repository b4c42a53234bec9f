import Testing
@testable import ParleyCampaign

/// The detector with its shipped settings on the generated labelled sets made by
/// Scripts/fixtures.d (the tuning set, 40-amd.sh, has AMDFixtureTests), with 20 and 10 ms
/// frames. The goal is accuracy ≥ 90 % with decision p95 ≤ 2,500 ms of audio after
/// answer. The timing rules were chosen on 40; the voice-band gate and the deadline on 40 and
/// 42 together.
///
/// | set | role | shipped settings | before the band gate and deadline |
/// |---|---|---|---|
/// | 42-amd-dev (harder on purpose: people pausing 1.5 s and answering up to 3 s, one-word greetings, music from the answer, 12 dB white noise) | chosen on | 66/76, p95 2,500 ms | 55/76, 3,280 ms |
/// | 41-amd-heldout (other voices, wordings, beeps, music, noise) | measured after each choice | 76/82 = 92.7 %, 2,500 ms | 74/82, 2,920 ms |
/// | 43-amd-fresh (new wordings, espeak-ng variants, flite voices; people answering up to 2.3 s) | made after the settings were frozen, measured once | 69/82 = 84.1 %, 2,500 ms | 61/82, 3,080 ms |
/// | 44-amd-final (the description: espeak-ng people answering briefly) | made after the settings were frozen, measured once, pass mark fixed beforehand | 76/82 = 92.7 %, 2,500 ms | 70/82, 2,960 ms |
///
/// 41 and 44 assert the goal. 42 and 43 assert their measured accuracy as a floor (43 falls
/// short of the goal: seven of its people answer for 1.6–2.3 s, as long as a short greeting)
/// and the decision-time goal. Per-class confusion, decision times and every miss are
/// printed; AMD_VERBOSE=1 shows every clip.
struct AMDLabelledSetTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var script: String
        /// Correct clips required; nil: the goal, 90 % of the set.
        var floorCorrect: Int?
        var testDescription: String { name }
    }

    static let cases = [
        Case(name: "amd-dev", script: "42-amd-dev.sh", floorCorrect: 66),
        Case(name: "amd-heldout", script: "41-amd-heldout.sh", floorCorrect: nil),
        Case(name: "amd-fresh", script: "43-amd-fresh.sh", floorCorrect: 69),
        Case(name: "amd-final", script: "44-amd-final.sh", floorCorrect: nil),
    ]

    @Test(arguments: cases, [160, 80])
    func accuracyAndDecisionTime(_ c: Case, frameSamples: Int) throws {
        let clips = try AMDLabelledSet.load(c.name, script: c.script)
        try #require(clips.count >= 60, "expected the generated AMD set \(c.name)")
        let m = AMDLabelledSet.measure(clips, frameSamples: frameSamples)
        m.printed("AMD \(c.name), shipped settings, frame=\(frameSamples) samples")
        if let floor = c.floorCorrect {
            let goal = Int((0.9 * Double(m.total)).rounded(.up))
            print("AMD \(c.name): \(m.correct)/\(m.total) against the 90 % goal (\(max(0, goal - m.correct)) clips short)")
            #expect(m.correct >= floor, "\(c.name) accuracy regressed")
        } else {
            #expect(m.accuracy >= 0.90, "\(c.name) accuracy below the 90 % goal")
        }
        #expect(m.percentileMs(0.95) <= 2500, "\(c.name) decision p95 over the 2,500 ms goal")
    }
}
