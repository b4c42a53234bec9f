import Foundation
import Testing
@testable import ParleyAudio

/// Work the listening pipeline skips on digital silence (a listen-only caller's line) must
/// not change a value: each shortcut is run beside the full computation on the same input
/// and compared bit for bit (`EchoDelayEstimatorTests` does the same for the delay estimator).
@Suite struct SilenceShortcutTests {
    static func lcg(_ seed: inout UInt64) -> Float {
        seed = seed &* 6364136223846793005 &+ 1442695040888963407
        return Float(Int64(bitPattern: seed >> 11) % 20_000 - 10_000)
    }

    /// The low band over zeros: at rest nothing is run; ringing out after sound, the filter
    /// runs. Both give what `meanSquare` over the same zeros gives, frame after frame.
    @Test(arguments: [8_000, 16_000])
    func lowBandOfZerosMatchesTheFilter(sampleRate: Int) {
        var shortcut = LowBandEnergy(sampleRate: sampleRate)
        var full = LowBandEnergy(sampleRate: sampleRate)
        let n = sampleRate / 100
        var frame = [Float](repeating: 0, count: n)
        let zeros = [Float](repeating: 0, count: n)
        var seed: UInt64 = 42
        var mismatches = 0
        var ringingFrames = 0
        // Silence, speech-like bursts of every length, silence long enough to come to rest.
        let pattern: [(sound: Bool, frames: Int)] = [(false, 30), (true, 1), (false, 200), (true, 25), (false, 3),
                                                     (true, 7), (false, 400), (true, 2), (false, 50)]
        for (sound, frames) in pattern {
            for _ in 0..<frames {
                if sound {
                    for i in 0..<n { frame[i] = Self.lcg(&seed) }
                    let a = shortcut.meanSquare(of: frame, count: n)
                    let b = full.meanSquare(of: frame, count: n)
                    if a.bitPattern != b.bitPattern { mismatches += 1 }
                } else {
                    let a = shortcut.meanSquareOfZeros(count: n)
                    let b = full.meanSquare(of: zeros, count: n)
                    if a.bitPattern != b.bitPattern { mismatches += 1 }
                    if b > 0 { ringingFrames += 1 }
                }
            }
        }
        #expect(mismatches == 0)
        // The ringing-out path was exercised, not only the at-rest one.
        #expect(ringingFrames > 0)
    }

    /// DTMF on a line of silence, digits, silence between them and speech-like noise: the
    /// detector that skips judging blocks that end in a quiet frame reports the same digits
    /// at the same times as one that judges every block.
    @Test(arguments: [AudioFormat.narrowband, .wideband])
    func dtmfQuietBlocksMatchTheFullJudgement(format: AudioFormat) {
        var shortcut = DTMFToneDetector(format: format)
        var full = DTMFToneDetector(format: format)
        full.evaluatesQuietBlocks = true
        let n = format.frameSamples
        let rate = Double(format.sampleRate)
        var seed: UInt64 = 7
        var frame = [Int16](repeating: 0, count: n)
        var shortcutEvents: [DTMFToneDetector.Event] = []
        var fullEvents: [DTMFToneDetector.Event] = []
        // Per 10 ms frame: 0 digital silence, 1 tone "5", 2 tone "9" at -30 dBFS, 3 noise.
        var plan: [Int] = []
        for cycle in 0..<6 {
            plan += Array(repeating: 0, count: 20 + cycle)
            plan += Array(repeating: 1, count: 4 + cycle)
            plan += Array(repeating: 0, count: 1 + cycle % 3)
            plan += Array(repeating: 2, count: 5)
            plan += Array(repeating: 3, count: 10)
            plan += Array(repeating: 1, count: 6)
        }
        for (f, kind) in plan.enumerated() {
            for i in 0..<n {
                let t = Double(f * n + i) / rate
                frame[i] = switch kind {
                case 1: Int16(6_000 * (sin(2 * .pi * 770 * t) + sin(2 * .pi * 1336 * t)))
                case 2: Int16(700 * (sin(2 * .pi * 852 * t) + sin(2 * .pi * 1477 * t)))
                case 3: Int16(Self.lcg(&seed) / 4)
                default: 0
                }
            }
            shortcutEvents += shortcut.process(frame, atMs: f * 10)
            fullEvents += full.process(frame, atMs: f * 10)
        }
        #expect(shortcutEvents == fullEvents)
        #expect(shortcutEvents.count >= 12)
    }
}
