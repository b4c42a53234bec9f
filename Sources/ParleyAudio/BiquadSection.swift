import Foundation

/// One second-order IIR section (direct form II transposed), coefficients from the
/// bilinear transform of a Butterworth-style prototype with quality factor `q`
/// (1/√2 for a plain 2nd-order Butterworth; other values when sections are cascaded into a
/// higher order). `run` is a few multiply-adds: no allocation, safe on the media path.
public struct BiquadSection: Sendable {
    var b0: Float, b1: Float, b2: Float, a1: Float, a2: Float
    var z1: Float = 0, z2: Float = 0

    /// A low-pass section with its −3 dB point (for q = 1/√2) at `cutoffHz`.
    public static func lowPass(cutoffHz: Double, sampleRateHz: Int, q: Double = 1 / 2.0.squareRoot()) -> BiquadSection {
        let k = tan(Double.pi * cutoffHz / Double(sampleRateHz))
        let norm = 1 / (1 + k / q + k * k)
        let b0 = k * k * norm
        return BiquadSection(b0: Float(b0), b1: Float(2 * b0), b2: Float(b0),
                             a1: Float(2 * (k * k - 1) * norm), a2: Float((1 - k / q + k * k) * norm))
    }

    /// A high-pass section with its −3 dB point (for q = 1/√2) at `cutoffHz`.
    public static func highPass(cutoffHz: Double, sampleRateHz: Int, q: Double = 1 / 2.0.squareRoot()) -> BiquadSection {
        let k = tan(Double.pi * cutoffHz / Double(sampleRateHz))
        let norm = 1 / (1 + k / q + k * k)
        return BiquadSection(b0: Float(norm), b1: Float(-2 * norm), b2: Float(norm),
                             a1: Float(2 * (k * k - 1) * norm), a2: Float((1 - k / q + k * k) * norm))
    }

    @inline(__always) public mutating func run(_ x: Float) -> Float {
        let y = b0 * x + z1
        z1 = b1 * x - a1 * y + z2
        z2 = b2 * x - a2 * y
        return y
    }

    /// Whether the state is exactly zero (zeros in give zeros out).
    public var isAtRest: Bool { z1 == 0 && z2 == 0 }

    /// Forgets the signal so far.
    public mutating func reset() { z1 = 0; z2 = 0 }

    /// Sets a state that has decayed below `limit` to zero, keeping denormals out of it
    /// after long silence.
    public mutating func flushIfBelow(_ limit: Float = 1e-20) {
        if abs(z1) < limit && abs(z2) < limit { reset() }
    }
}
