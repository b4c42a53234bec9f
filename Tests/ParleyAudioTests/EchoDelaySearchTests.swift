import Foundation
import Testing
@testable import ParleyAudio

/// The wide echo-delay search `EchoReference.relocate()` runs when the echo stops matching
/// at the known delay: the coarse-to-fine search (block sums, then the best peaks at full
/// resolution) must find the lag the exhaustive sample-by-sample search finds, on
/// speech-like prompts whose echo comes back through G.711 twice at several delays and
/// echo levels, with and without a caller talking and line noise. Searched every 20 ms,
/// as `relocate()` is, around a known delay that is off by up to ±110 ms.
@Suite struct EchoDelaySearchTests {
    struct Line: CustomTestStringConvertible, Sendable {
        var delayMs: Int
        /// Samples added to the delay (off the coarse pass's block grid).
        var extraSamples: Int
        var erlDb: Double
        /// Where the search is centred, relative to the true delay (the delay moved by this).
        var knownOffsetMs: Int
        /// A second voice, this many dB below the prompt, over the middle second (nil: none).
        var nearDb: Double?
        /// White noise this many dB below the prompt (nil: none).
        var noiseDb: Double?
        var testDescription: String {
            "\(delayMs) ms + \(extraSamples) samples, ERL \(erlDb) dB, known \(knownOffsetMs > 0 ? "+" : "")\(knownOffsetMs) ms"
                + (nearDb.map { ", caller -\($0) dB" } ?? "") + (noiseDb.map { ", noise -\($0) dB" } ?? "")
        }
    }

    struct Comparison {
        /// Searches run (each strategy once).
        var searches = 0
        /// Searches where the exhaustive one found a lag (correlation ≥ 0.9).
        var found = 0
        /// ... and that lag was the true delay.
        var atTrueDelay = 0
        var mismatches: [String] = []
    }

    /// A speech-like voice at `rate`: a glottal-ish harmonic series whose pitch glides around
    /// `pitchHz`, shaped by two formants that move per syllable, in syllables of 90–260 ms
    /// separated by short gaps and now and then a pause, some syllables unvoiced (noise).
    static func voice(seconds: Double, rate: Int, pitchHz: Double, seed: UInt64) -> [Int16] {
        var random = Random(seed)
        let n = Int(seconds * Double(rate))
        var out = [Int16](repeating: 0, count: n)
        var i = 0
        var phase = 0.0
        while i < n {
            let syllable = Int((0.09 + 0.17 * random.unit()) * Double(rate))
            let gap = Int((random.unit() < 0.15 ? 0.35 : 0.02 + 0.08 * random.unit()) * Double(rate))
            let f1 = 300 + 500 * random.unit()
            let f2 = 900 + 1_300 * random.unit()
            let voiced = random.unit() < 0.8
            let level = 4_000 + 6_000 * random.unit()
            let pitchStart = pitchHz * (0.8 + 0.4 * random.unit())
            let pitchEnd = pitchHz * (0.8 + 0.4 * random.unit())
            for k in 0..<syllable where i + k < n {
                let x = Double(k) / Double(syllable)
                let envelope = sin(.pi * x)
                var v = 0.0
                if voiced {
                    let f0 = pitchStart + (pitchEnd - pitchStart) * x
                    phase += 2 * .pi * f0 / Double(rate)
                    var h = 1
                    while Double(h) * f0 < min(3_400, Double(rate) / 2 - 200) {
                        let f = Double(h) * f0
                        let a = 1 / (1 + pow((f - f1) / 120, 2)) + 0.6 / (1 + pow((f - f2) / 180, 2)) + 0.03
                        v += a * sin(Double(h) * phase) / Double(h).squareRoot()
                        h += 1
                    }
                } else {
                    v = 0.5 * (random.unit() - 0.5)
                }
                out[i + k] = Int16(max(-32_000, min(32_000, level * envelope * v)))
            }
            i += syllable + gap
        }
        return out
    }

    struct Random {
        var state: UInt64
        init(_ seed: UInt64) { state = seed }
        mutating func unit() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) * 0x1.0p-53
        }
    }

    /// Plays `played` through a reference whose capture is its echo (`line`), G.711 on the way
    /// out and back, and compares both strategies every 20 ms once the whole span is filled.
    static func compare(format: AudioFormat, played: [Int16], near: [Int16], line: Line) -> Comparison {
        var reference = EchoReference(format: format, maxDelayMs: 300)
        let n = format.frameSamples
        let delay = format.samples(ms: line.delayMs) + line.extraSamples
        let gain = pow(10, -line.erlDb / 20)
        let nearGain = line.nearDb.map { pow(10, -$0 / 20) } ?? 0
        let noiseRms = line.noiseDb.map { 3_000 * pow(10, -$0 / 20) } ?? 0
        var random = Random(99)
        let sent = played.map { MuLaw.roundTrip(Double($0)) }
        var playFrame = [Int16](repeating: 0, count: n)
        var capture = [Int16](repeating: 0, count: n)
        let nearFrom = format.sampleRate
        let known = delay + format.samples(ms: line.knownOffsetMs)
        var result = Comparison()
        for f in 0..<(played.count / n) {
            for i in 0..<n {
                let t = f * n + i
                playFrame[i] = played[t]
                var v = t >= delay ? Double(sent[t - delay]) * gain : 0
                if t >= nearFrom, t - nearFrom < near.count, t < 2 * nearFrom { v += nearGain * Double(near[t - nearFrom]) }
                if noiseRms > 0 { v += noiseRms * 3.46 * (random.unit() - 0.5) }
                capture[i] = MuLaw.roundTrip(v)
            }
            reference.write(played: playFrame, playedIsSilent: false, capture: capture,
                            sampleTime: Int64(f * n), updateEstimate: false)
            guard f % 2 == 0, (f + 1) * n >= format.samples(ms: 20 + 300) else { continue }
            let exhaustive = reference.relocationSearch(around: known, search: .exhaustive)
            let coarse = reference.relocationSearch(around: known, search: .coarseToFine)
            result.searches += 1
            if let exhaustive {
                result.found += 1
                if exhaustive.lag == delay { result.atTrueDelay += 1 }
            }
            if exhaustive?.lag != coarse?.lag {
                result.mismatches.append("\(f * 10) ms: exhaustive \(exhaustive.map { "\($0.lag) (\($0.correlation))" } ?? "none"), "
                    + "coarse-to-fine \(coarse.map { "\($0.lag) (\($0.correlation))" } ?? "none")")
            }
        }
        return result
    }

    static func check(_ r: Comparison, _ line: Line, sampleRate: Int) {
        #expect(r.mismatches.isEmpty, "\(sampleRate) Hz, \(line.testDescription): \(r.mismatches.count) of \(r.searches) differ: \(r.mismatches.prefix(5))")
        // The comparison means something only when the exhaustive search found the echo often,
        // and found it where it is.
        #expect(r.found * 4 >= r.searches, "\(sampleRate) Hz, \(line.testDescription): echo found in only \(r.found) of \(r.searches) searches")
        #expect(r.atTrueDelay * 20 >= r.found * 19, "\(sampleRate) Hz, \(line.testDescription): true delay in only \(r.atTrueDelay) of \(r.found)")
    }

    static let narrowbandLines: [Line] = [
        Line(delayMs: 100, extraSamples: 0, erlDb: 6, knownOffsetMs: -60),
        Line(delayMs: 100, extraSamples: 2, erlDb: 6, knownOffsetMs: 110),
        Line(delayMs: 40, extraSamples: 3, erlDb: 0, knownOffsetMs: 30),
        Line(delayMs: 180, extraSamples: 1, erlDb: 12, knownOffsetMs: -20),
        Line(delayMs: 260, extraSamples: 2, erlDb: 20, knownOffsetMs: -100),
        Line(delayMs: 160, extraSamples: 3, erlDb: 6, knownOffsetMs: 40, nearDb: 6, noiseDb: 30),
        Line(delayMs: 220, extraSamples: 2, erlDb: 6, knownOffsetMs: -80, noiseDb: 25),
    ]

    @Test(arguments: narrowbandLines)
    func coarseToFineFindsTheExhaustiveLagAt8kHz(line: Line) {
        let played = Self.voice(seconds: 3, rate: 8_000, pitchHz: 120, seed: UInt64(line.delayMs))
        let near = Self.voice(seconds: 1, rate: 8_000, pitchHz: 210, seed: 7)
        Self.check(Self.compare(format: .narrowband, played: played, near: near, line: line), line, sampleRate: 8_000)
    }

    @Test(arguments: [Line(delayMs: 100, extraSamples: 4, erlDb: 6, knownOffsetMs: 70),
                       Line(delayMs: 250, extraSamples: 5, erlDb: 12, knownOffsetMs: -110)])
    func coarseToFineFindsTheExhaustiveLagAt16kHz(line: Line) {
        let played = Self.voice(seconds: 1.5, rate: 16_000, pitchHz: 180, seed: 5)
        Self.check(Self.compare(format: .wideband, played: played, near: [], line: line), line, sampleRate: 16_000)
    }

    /// The demo's own recorded prompts, not synthetic ones.
    @Test(arguments: [Line(delayMs: 160, extraSamples: 2, erlDb: 6, knownOffsetMs: -60),
                       Line(delayMs: 200, extraSamples: 1, erlDb: 6, knownOffsetMs: 100)])
    func coarseToFineFindsTheExhaustiveLagOnTheDemoPrompts(line: Line) throws {
        let played = try PromptEchoLoop.load("offer-a-1.wav")
        Self.check(Self.compare(format: .narrowband, played: played, near: [], line: line), line, sampleRate: 8_000)
    }
}
