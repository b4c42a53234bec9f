import Foundation
import Testing
@testable import ParleyCampaign

/// Synthetic signals at 8 kHz.
enum Synth {
    static func tone(_ hz: [Double], ms: Int, amplitude: Double = 0.3, phaseSamples: Int = 0) -> [Int16] {
        (0..<(ms * 8)).map { i in
            let t = Double(i + phaseSamples) / 8000
            let v = hz.reduce(0.0) { $0 + sin(2 * .pi * $1 * t) } / Double(hz.count)
            return Int16(v * amplitude * 32767)
        }
    }
    static func silence(ms: Int) -> [Int16] { [Int16](repeating: 0, count: ms * 8) }
    static func noise(ms: Int, amplitude: Double, seed: UInt64 = 7) -> [Int16] {
        var rng = SplitMix(seed: seed)
        return (0..<(ms * 8)).map { _ in Int16((Double(rng.next() % 2001) / 1000 - 1) * amplitude * 32767) }
    }
    /// Speech-like: a harmonic buzz (120 Hz fundamental) with 4 Hz syllable modulation.
    static func babble(ms: Int) -> [Int16] {
        (0..<(ms * 8)).map { i in
            let t = Double(i) / 8000
            var v = 0.0
            for h in 1...20 { v += sin(2 * .pi * 120 * Double(h) * t + Double(h)) / Double(h) }
            let envelope = 0.55 + 0.45 * sin(2 * .pi * 4 * t)
            return Int16(max(-1, min(1, v * 0.15 * envelope)) * 32767)
        }
    }

    static func frames(_ samples: [Int16], frameSamples: Int = 160, _ body: (Span<Int16>, Int) -> Void) {
        let span = samples.span
        var offset = 0
        while offset + frameSamples <= samples.count {
            body(span.extracting(offset..<(offset + frameSamples)), (offset + frameSamples) / 8)
            offset += frameSamples
        }
    }
}

struct ToneDetectorTests {
    static func earlyMedia(_ samples: [Int16], frameSamples: Int = 160) -> [(EarlyMediaVerdict, Int)] {
        var analyzer = EarlyMediaAnalyzer()
        var out: [(EarlyMediaVerdict, Int)] = []
        Synth.frames(samples, frameSamples: frameSamples) { f, ms in if let v = analyzer.process(f) { out.append((v, ms)) } }
        return out
    }

    static let sitCases: [(Double, Double, SITKind)] = [
        (913.8, 1370.6, .intercept), (985.2, 1370.6, .vacantCode), (913.8, 1428.5, .reorder), (985.2, 1428.5, .noCircuit),
    ]

    @Test(arguments: 0..<4, [160, 80])
    func specialInformationTonesAreRecognised(_ index: Int, frameSamples: Int) {
        let (f1, f2, kind) = Self.sitCases[index]
        let signal = Synth.silence(ms: 200) + Synth.tone([f1], ms: 380) + Synth.tone([f2], ms: 276)
            + Synth.tone([1776.7], ms: 380) + Synth.silence(ms: 500)
        let verdicts = Self.earlyMedia(signal, frameSamples: frameSamples)
        #expect(verdicts.count == 1)
        #expect(verdicts.first?.0 == .specialInformationTone(kind))
        if let at = verdicts.first?.1 { #expect(at >= 200 + 380 + 276 + 200 && at <= 200 + 380 + 276 + 380) }
    }

    @Test func ringbackCadenceIsRecognisedOnce() {
        let cycle = Synth.tone([440, 480], ms: 2000) + Synth.silence(ms: 4000)
        let verdicts = Self.earlyMedia(cycle + cycle)
        #expect(verdicts.map(\.0) == [.ringback])
        #expect((verdicts.first?.1 ?? 0) >= 800 && (verdicts.first?.1 ?? 0) <= 1000)
    }

    @Test func speechNoiseAndOutOfOrderTonesAreNotSIT() {
        #expect(Self.earlyMedia(Synth.babble(ms: 3000)).isEmpty)
        #expect(Self.earlyMedia(Synth.noise(ms: 3000, amplitude: 0.3)).isEmpty)
        let reversed = Synth.tone([1776.7], ms: 380) + Synth.tone([1370.6], ms: 276) + Synth.tone([913.8], ms: 380)
        #expect(Self.earlyMedia(reversed).isEmpty)
        // A single 1776.7 Hz tone alone is not SIT.
        #expect(Self.earlyMedia(Synth.tone([1776.7], ms: 1000)).isEmpty)
    }

    @Test func beepTimingAndMinimumLength() {
        var detector = BeepDetector()
        var found: [BeepDetection] = []
        let signal = Synth.babble(ms: 1000) + Synth.silence(ms: 300) + Synth.tone([1000], ms: 100)
            + Synth.silence(ms: 300) + Synth.tone([1400], ms: 500) + Synth.silence(ms: 300)
        Synth.frames(signal) { f, _ in if let b = detector.process(f) { found.append(b) } }
        #expect(found.count == 1, "the 100 ms blip is not a beep")
        #expect(found.first?.frequencyHz == 1400)
        #expect(found.first.map { abs($0.startMs - 1700) <= 20 && abs($0.endMs - 2200) <= 20 } == true)
    }

    @Test func amdDecidesSyntheticCases() {
        func decide(_ samples: [Int16]) -> AMDDecision? {
            var amd = AnsweringMachineDetector()
            var d: AMDDecision?
            Synth.frames(samples) { f, _ in if case .decided(let x)? = amd.process(f) { d = x } }
            return d
        }
        let floor = Synth.noise(ms: 6000, amplitude: 0.001)
        func over(_ s: [Int16]) -> [Int16] { zip(s + floor.dropFirst(s.count), floor).map { $0 &+ $1 }.prefix(6000 * 8).map { $0 } }
        let human = decide(over(Synth.silence(ms: 300) + Synth.babble(ms: 500) + Synth.silence(ms: 5200)))
        #expect(human?.verdict == .human && human?.reason == .shortGreeting)
        let wait = AMDConfiguration().afterGreetingSilenceMs
        #expect(human.map { $0.atMs >= 800 + wait && $0.atMs <= 800 + wait + 100 } == true)
        let machine = decide(over(Synth.silence(ms: 300) + Synth.babble(ms: 5000)))
        #expect(machine?.verdict == .machine)
        #expect(machine.map { $0.atMs <= 300 + 1300 + 100 } == true)
        let silence = decide(floor)
        #expect(silence?.verdict == .unknown && silence?.atMs == 2000)
        // A beep before any speech means a machine at once.
        let beepFirst = decide(over(Synth.silence(ms: 100) + Synth.tone([1000], ms: 400) + Synth.silence(ms: 5500)))
        #expect(beepFirst?.verdict == .machine && beepFirst?.reason == .beep)
    }
}
