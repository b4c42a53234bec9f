import Foundation

/// Frame energy and Goertzel single-bin power over 16-bit PCM frames. Pure arithmetic:
/// no allocation, usable on the per-frame path.
public enum ToneAnalysis {
    /// Goertzel coefficient `2 cos(2π f / fs)` for a frequency.
    public static func coefficient(frequencyHz: Double, sampleRateHz: Double) -> Double {
        2 * cos(2 * Double.pi * frequencyHz / sampleRateHz)
    }

    /// Sum of squared samples (in units of full scale, so a full-scale square wave gives `count`).
    public static func energy(_ frame: Span<Int16>) -> Double {
        var sum = 0.0
        for i in 0..<frame.count {
            let x = Double(frame[i]) / 32768
            sum += x * x
        }
        return sum
    }

    /// Mean power of the frame in dB full scale (−120 for digital silence).
    public static func levelDbfs(energy: Double, count: Int) -> Double {
        guard count > 0 else { return -120 }
        return max(-120, 10 * log10(energy / Double(count) + 1e-12))
    }

    /// Share of the frame's energy at one frequency: ≈ 1 for a pure tone at that
    /// frequency, near 0 for noise or a tone elsewhere.
    public static func toneShare(_ frame: Span<Int16>, coefficient: Double, energy: Double) -> Double {
        guard energy > 0 else { return 0 }
        var s1 = 0.0, s2 = 0.0
        for i in 0..<frame.count {
            let s0 = Double(frame[i]) / 32768 + coefficient * s1 - s2
            s2 = s1
            s1 = s0
        }
        let power = s1 * s1 + s2 * s2 - coefficient * s1 * s2
        return 2 * power / (Double(frame.count) * energy)
    }
}
