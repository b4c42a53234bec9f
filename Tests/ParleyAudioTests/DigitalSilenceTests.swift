import Foundation
import Testing
@testable import ParleyAudio

/// A line that returns digital silence while the prompt plays (no echo, no noise, no caller:
/// a muted handset, a softphone's noise suppression, the simulator's plain line) gives the
/// echo canceller nothing to work on, so once past its startup it does not run the APM on
/// such frames. Echo that appears afterwards is still removed.
@Suite struct DigitalSilenceTests {
    static let format = AudioFormat.narrowband

    /// Speech-like prompt: a 140 Hz harmonic series with a 4 Hz syllable envelope.
    static func prompt(seconds: Int) -> [Int16] {
        let n = format.sampleRate * seconds
        return (0..<n).map { i in
            let t = Double(i) / Double(format.sampleRate)
            let envelope = 0.3 + 0.7 * max(0, sin(2 * .pi * 4 * t))
            var v = 0.0
            for h in 1...12 where Double(h) * 140 < 4000 { v += sin(2 * .pi * 140 * Double(h) * t) / Double(h) }
            return Int16(max(-32000, min(32000, 5000 * envelope * v)))
        }
    }

    /// Runs a canceller over `prompt` played and `capture` heard, 10 ms at a time; returns
    /// the cleaned output's mean-square energy per frame and the canceller.
    static func run(prompt: [Int16], capture: [Int16]) throws -> (energies: [Float], canceller: EchoCanceller) {
        let canceller = try EchoCanceller(format: format, configuration: .init(noiseSuppression: false))
        let n = format.frameSamples
        var played = [Int16](repeating: 0, count: n)
        var heard = [Int16](repeating: 0, count: n)
        var energies: [Float] = []
        for f in 0..<(prompt.count / n) {
            for i in 0..<n {
                played[i] = prompt[f * n + i]
                heard[i] = capture[f * n + i]
            }
            canceller.process(capture: heard, played: played, playedIsSilent: false, sampleTime: Int64(f * n))
            energies.append(canceller.output.reduce(Float(0)) { $0 + Float($1) * Float($1) } / Float(n))
        }
        return (energies, canceller)
    }

    /// The prompt's echo at `delayMs`, `erlDb` down, from `fromMs` on; before it, `quiet`.
    static func echoLine(_ prompt: [Int16], delayMs: Int, erlDb: Double, fromMs: Int, quiet: (Int) -> Int16) -> [Int16] {
        let delay = format.samples(ms: delayMs), from = format.samples(ms: fromMs)
        let gain = pow(10, -erlDb / 20)
        return (0..<prompt.count).map { i in
            i < from ? quiet(i) : Int16(i >= delay ? Double(prompt[i - delay]) * gain : 0)
        }
    }

    @Test func aLineOfDigitalSilenceSkipsTheAPM() throws {
        let prompt = Self.prompt(seconds: 2)
        let silentWithFlutter = (0..<prompt.count).map { Int16($0 % 7 == 0 ? -8 : ($0 % 5 == 0 ? 8 : 0)) }
        let (energies, canceller) = try Self.run(prompt: prompt, capture: silentWithFlutter)
        // The AEC runs through its startup first, then silence skips it.
        #expect(canceller.activeFrameCount == EchoCanceller.startupFrames)
        #expect(canceller.skippedFrameCount == energies.count - EchoCanceller.startupFrames)
        #expect(canceller.isActive)
        #expect(!canceller.hasVoice)
        // The output is the frame itself.
        #expect(canceller.output == Array(silentWithFlutter.suffix(Self.format.frameSamples)))

        // One step over the G.711 floor is sound: the APM runs.
        let quietNoise = (0..<prompt.count).map { Int16($0 % 3 == 0 ? 9 : -9) }
        let (_, busy) = try Self.run(prompt: prompt, capture: quietNoise)
        #expect(busy.skippedFrameCount == 0)
        #expect(busy.activeFrameCount > 0)
    }

    /// Echo that appears after a second of digital silence (a caller switching to
    /// speakerphone) is removed as well as on a line whose first second was faint noise the
    /// canceller ran on: the canceller ran through its startup before it skipped.
    @Test func echoAfterSilenceIsRemoved() throws {
        let prompt = Self.prompt(seconds: 4)
        let skipped = Self.echoLine(prompt, delayMs: 100, erlDb: 6, fromMs: 1_000) { _ in 0 }
        let ranThrough = Self.echoLine(prompt, delayMs: 100, erlDb: 6, fromMs: 1_000) { i in Int16(i % 2 == 0 ? 9 : -9) }
        let a = try Self.run(prompt: prompt, capture: skipped)
        let b = try Self.run(prompt: prompt, capture: ranThrough)
        #expect(a.canceller.skippedFrameCount == 100 - EchoCanceller.startupFrames)
        #expect(b.canceller.skippedFrameCount == 0)
        func db(_ e: ArraySlice<Float>) -> Float { 10 * log10(max(1, e.reduce(0, +) / Float(e.count)) / 1_073_741_824) }
        let echoEnergies = skipped[8_000...].map { Float($0) * Float($0) }
        let echoDb = db(ArraySlice(echoEnergies))
        // The first half second of echo, and the rest.
        let firstA = db(a.energies[100..<150]), firstB = db(b.energies[100..<150])
        let restA = db(a.energies[150...]), restB = db(b.energies[150...])
        #expect(firstA <= firstB + 3, "first 0.5 s: \(firstA) dBFS skipped, \(firstB) dBFS ran through (echo \(echoDb) dBFS)")
        #expect(restA <= restB + 3, "after: \(restA) dBFS skipped, \(restB) dBFS ran through (echo \(echoDb) dBFS)")
        #expect(restA < echoDb - 40, "the echo was removed: \(restA) dBFS left of \(echoDb) dBFS")
    }
}
