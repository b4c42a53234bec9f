import Foundation
import Testing
@testable import ParleyCampaign

/// The analyzer the call layer runs after answer, over the labelled AMD set
/// (Scripts/fixtures.d/40-amd.sh) in 10 ms frames, and over synthetic edge cases.
struct AnswerAnalyzerTests {
    struct Outcome { var actions: [(AnswerAnalyzer.Action, atFrameEndMs: Int)] }

    static func feed(_ samples: [Int16], leaveVoicemail: Bool, frameSamples: Int = 80) -> Outcome {
        var analyzer = AnswerAnalyzer(leaveVoicemail: leaveVoicemail)
        var out = Outcome(actions: [])
        var offset = 0
        let span = samples.span
        while offset + frameSamples <= samples.count {
            let action = analyzer.process(span.extracting(offset..<(offset + frameSamples)))
            offset += frameSamples
            if let action { out.actions.append((action, offset / 8)) }
        }
        return out
    }

    static func final(_ o: Outcome) -> AnswerAnalyzer.Action? {
        (o.actions.last { if case .decided = $0.0 { false } else { true } } ?? o.actions.last)?.0
    }

    @Test func labelledSetWithVoicemailWanted() throws {
        let clips = try AMDFixtureTests.loadClips()
        try #require(clips.count >= 30, "expected the generated AMD set")
        var correct = 0
        var decisionMs: [Int] = []
        for clip in clips {
            let o = Self.feed(clip.samples, leaveVoicemail: true)
            let action = Self.final(o)
            switch action {
            case .startDialogue(let d)?:
                if d.verdict == clip.label { correct += 1 }
                decisionMs.append(d.atMs)
            case .leaveVoicemail(let d, let beep, let atMs)?:
                if clip.label == .machine { correct += 1 }
                decisionMs.append(d.atMs)
                if let start = clip.beepStartMs, let end = clip.beepEndMs {
                    // The message starts after the tone, never over it.
                    let b = try #require(beep, "\(clip.name): message without its beep")
                    #expect(abs(b.startMs - start) <= 60 && abs(b.endMs - end) <= 60, "\(clip.name): beep \(b)")
                    #expect(atMs >= end - 20 && atMs <= end + 100, "\(clip.name): message at \(atMs) ms, beep ends \(end)")
                } else {
                    #expect(beep == nil, "\(clip.name): a beep where there is none")
                }
            case .hangUp(let d, _)?:
                Issue.record("\(clip.name): hung up although a voicemail is wanted (\(d))")
            case .decided(let d)?:
                // A machine still talking at the end of the clip: waiting for the beep is right.
                if clip.label == .machine && d.verdict == .machine { correct += 1 }
                decisionMs.append(d.atMs)
            case nil:
                Issue.record("\(clip.name): no decision")
            }
            if let start = clip.beepStartMs {
                // No message may start before the beep has ended.
                for (a, _) in o.actions { if case .leaveVoicemail(_, _, let at) = a { #expect(at >= start) } }
            }
        }
        let accuracy = Double(correct) / Double(clips.count)
        decisionMs.sort()
        let p95 = decisionMs[min(decisionMs.count - 1, Int((Double(decisionMs.count) * 0.95).rounded(.up)) - 1)]
        print(String(format: "AnswerAnalyzer (10 ms frames): %d/%d = %.1f %%, decision p95 %d ms", correct, clips.count,
                     accuracy * 100, p95))
        #expect(accuracy >= 0.9)
        #expect(p95 <= 2500)
    }

    @Test func labelledSetWithoutVoicemailHangsUpOnMachines() throws {
        let clips = try AMDFixtureTests.loadClips()
        try #require(clips.count >= 30, "expected the generated AMD set")
        var hungUpMachines = 0, machines = 0
        for clip in clips {
            let action = Self.final(Self.feed(clip.samples, leaveVoicemail: false))
            #expect(action != nil, "\(clip.name): no action")
            if case .leaveVoicemail? = action { Issue.record("\(clip.name): voicemail left although not wanted") }
            if clip.label == .machine {
                machines += 1
                if case .hangUp? = action { hungUpMachines += 1 }
            }
            if case .hangUp(let d, let at)? = action { #expect(at == d.atMs, "hang up at the decision") }
        }
        #expect(Double(hungUpMachines) / Double(machines) >= 0.9)
    }

    static func tone(hz: Double, ms: Int, amplitude: Double = 8000) -> [Int16] {
        (0..<(ms * 8)).map { Int16(amplitude * sin(2 * Double.pi * hz * Double($0) / 8000)) }
    }

    static func babble(ms: Int) -> [Int16] {
        // Speech-like: a 150 Hz pulse train through a rough formant mix, amplitude-modulated at 4 Hz.
        (0..<(ms * 8)).map { i in
            let t = Double(i) / 8000
            let voice = sin(2 * .pi * 150 * t) + 0.6 * sin(2 * .pi * 700 * t) + 0.4 * sin(2 * .pi * 1200 * t + 1)
            return Int16(4000 * voice * (0.6 + 0.4 * sin(2 * .pi * 4 * t)))
        }
    }

    static func silence(ms: Int) -> [Int16] { (0..<(ms * 8)).map { Int16(($0 * 7919) % 41) - 20 } }

    @Test func mailboxWithoutBeepGetsTheMessageAfterTheGreetingEnds() {
        let samples = Self.silence(ms: 300) + Self.babble(ms: 2500) + Self.silence(ms: 4000)
        let o = Self.feed(samples, leaveVoicemail: true)
        guard case .leaveVoicemail(let d, let beep, let at)? = Self.final(o) else {
            Issue.record("expected a voicemail, got \(o.actions.map(\.0))"); return
        }
        #expect(d.verdict == .machine && beep == nil)
        #expect(at >= 2800 + 3000 && at <= 2800 + 3100)
    }

    @Test func machineThatNeverStopsIsHungUpAtTheLimit() {
        var analyzer = AnswerAnalyzer(leaveVoicemail: true)
        analyzer.maxVoicemailWaitMs = 8000
        let samples = Self.babble(ms: 10_000)
        var last: AnswerAnalyzer.Action?
        var offset = 0
        while offset + 80 <= samples.count {
            if let a = analyzer.process(samples.span.extracting(offset..<(offset + 80))) { last = a }
            offset += 80
        }
        guard case .hangUp(let d, let at)? = last else { Issue.record("expected a hang-up, got \(String(describing: last))"); return }
        #expect(d.verdict == .machine && at == 8000)
        #expect(analyzer.isFinished)
    }

    @Test func beepFirstIsAMachineAndTheMessageFollowsTheTone() {
        let samples = Self.silence(ms: 500) + Self.tone(hz: 1000, ms: 400) + Self.silence(ms: 500)
        let o = Self.feed(samples, leaveVoicemail: true)
        guard case .leaveVoicemail(let d, let beep?, let at)? = Self.final(o) else {
            Issue.record("expected a voicemail after the beep, got \(o.actions.map(\.0))"); return
        }
        #expect(d.reason == .beep)
        #expect(abs(beep.startMs - 500) <= 20 && abs(beep.endMs - 900) <= 20 && abs(beep.frequencyHz - 1000) <= 25)
        #expect(at >= 900 && at <= 950)
    }
}
