import Foundation

/// Energy of a signal below a cutoff (1 kHz by default): a 4th-order Butterworth low-pass
/// (two biquads, bilinear transform) run over each frame, its state carried from frame to
/// frame. Voiced speech puts most of its onset energy there, while white noise spreads
/// evenly up to the Nyquist frequency, so the band rises over its own floor sooner than the
/// broadband energy does. Coefficients are computed in `init`; `meanSquare` does not allocate.
struct LowBandEnergy {
    private var first: BiquadSection
    private var second: BiquadSection

    init(sampleRate: Int, cutoffHz: Double = 1000) {
        // Butterworth 4th order = two 2nd-order sections with Q = 1/(2 cos(π/8)) and 1/(2 cos(3π/8)).
        first = .lowPass(cutoffHz: cutoffHz, sampleRateHz: sampleRate, q: 1 / (2 * cos(Double.pi / 8)))
        second = .lowPass(cutoffHz: cutoffHz, sampleRateHz: sampleRate, q: 1 / (2 * cos(3 * Double.pi / 8)))
    }

    /// Mean square of the low band over `count` samples of `samples`.
    mutating func meanSquare(of samples: borrowing [Float], count: Int) -> Float {
        var sum: Float = 0
        for i in 0..<count {
            let y = second.run(first.run(samples[i]))
            sum += y * y
        }
        flushDenormals()
        return count > 0 ? sum / Float(count) : 0
    }

    /// `meanSquare` of `count` zeros. At rest (every state 0, which the denormal flush
    /// above leaves as +0) zeros in give exactly zeros out and leave it at rest: nothing is
    /// run. Otherwise the filter rings out over the zeros as `meanSquare` would.
    mutating func meanSquareOfZeros(count: Int) -> Float {
        if first.isAtRest && second.isAtRest {
            return count > 0 ? 0 / Float(count) : 0
        }
        var sum: Float = 0
        for _ in 0..<count {
            let y = second.run(first.run(0))
            sum += y * y
        }
        flushDenormals()
        return count > 0 ? sum / Float(count) : 0
    }

    /// Keeps denormals out of the state after long silence.
    private mutating func flushDenormals() {
        if abs(first.z1) < 1e-20 { first.reset(); second.reset() }
    }
}
