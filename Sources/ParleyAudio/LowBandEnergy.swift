import Foundation

/// Energy of a signal below a cutoff (1 kHz by default): a 4th-order Butterworth low-pass
/// (two biquads, bilinear transform) run over each frame, its state carried from frame to
/// frame. Voiced speech puts most of its onset energy there, while white noise spreads
/// evenly up to the Nyquist frequency, so the band rises over its own floor sooner than the
/// broadband energy does. Coefficients are computed in `init`; `meanSquare` does not allocate.
struct LowBandEnergy {
    /// One direct-form II transposed biquad.
    private struct Section {
        var b0: Float, b1: Float, b2: Float, a1: Float, a2: Float
        var z1: Float = 0, z2: Float = 0

        @inline(__always) mutating func run(_ x: Float) -> Float {
            let y = b0 * x + z1
            z1 = b1 * x - a1 * y + z2
            z2 = b2 * x - a2 * y
            return y
        }
    }

    private var first: Section
    private var second: Section

    init(sampleRate: Int, cutoffHz: Double = 1000) {
        // Butterworth 4th order = two 2nd-order sections with Q = 1/(2 cos(π/8)) and 1/(2 cos(3π/8)).
        let k = tan(Double.pi * cutoffHz / Double(sampleRate))
        func section(q: Double) -> Section {
            let norm = 1 / (1 + k / q + k * k)
            let b0 = k * k * norm
            return Section(b0: Float(b0), b1: Float(2 * b0), b2: Float(b0),
                           a1: Float(2 * (k * k - 1) * norm), a2: Float((1 - k / q + k * k) * norm))
        }
        first = section(q: 1 / (2 * cos(Double.pi / 8)))
        second = section(q: 1 / (2 * cos(3 * Double.pi / 8)))
    }

    /// Mean square of the low band over `count` samples of `samples`.
    mutating func meanSquare(of samples: borrowing [Float], count: Int) -> Float {
        var sum: Float = 0
        for i in 0..<count {
            let y = second.run(first.run(samples[i]))
            sum += y * y
        }
        // Keep denormals out of the state after long silence.
        if abs(first.z1) < 1e-20 { first.z1 = 0; first.z2 = 0; second.z1 = 0; second.z2 = 0 }
        return count > 0 ? sum / Float(count) : 0
    }

    /// `meanSquare` of `count` zeros. At rest (every state 0, which the denormal flush
    /// above leaves as +0) zeros in give exactly zeros out and leave it at rest: nothing is
    /// run. Otherwise the filter rings out over the zeros as `meanSquare` would.
    mutating func meanSquareOfZeros(count: Int) -> Float {
        if first.z1 == 0 && first.z2 == 0 && second.z1 == 0 && second.z2 == 0 {
            return count > 0 ? 0 / Float(count) : 0
        }
        var sum: Float = 0
        for _ in 0..<count {
            let y = second.run(first.run(0))
            sum += y * y
        }
        if abs(first.z1) < 1e-20 { first.z1 = 0; first.z2 = 0; second.z1 = 0; second.z2 = 0 }
        return count > 0 ? sum / Float(count) : 0
    }
}
