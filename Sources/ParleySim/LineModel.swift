import Foundation

/// The caller's phone line as DSP on 8 kHz Int16 frames: returns the bot's audio as echo
/// (delayed, attenuated by the echo return loss) and adds white or babble noise at a set
/// SNR to what the caller sends. Deterministic for a seed; the delay line and noise state
/// are allocated in `init`, `receive` and `transmit` never allocate.
///
/// Per tick: `receive` the bot's frame first, then `transmit` the caller's frame, of the
/// same length (at most `maxFrameSamples`).
public struct LineModel: Sendable {
    public let configuration: LineConfiguration
    /// Linear echo gain, 10^(−ERL/20).
    public let echoGain: Float
    public let echoDelaySamples: Int
    /// Longest frame `receive`/`transmit` take (256 ms at 8 kHz).
    public static let maxFrameSamples = 2_048
    var delayLine: [Int16]
    var writeIndex = 0
    var readIndex = 0
    var random: SplitMix64
    var noiseGain: Float = 0
    // Babble: per talker, a one-pole speech-shaped filter state and a slow envelope.
    static let talkerCount = 6
    var talkerState: [Float]
    var talkerEnvelope: [Float]
    var talkerTarget: [Float]

    /// `playoutDelayMs`: the part of the echo delay already spent before `receive` (the
    /// phone's playout buffer, `EchoPlayout`), taken off the delay line so the echo leaves
    /// `delay_ms` after the bot's audio arrived (never less than the playout itself).
    public init(configuration: LineConfiguration, sampleRateHz: Int = 8_000, playoutDelayMs: Int = 0) {
        self.configuration = configuration
        let echo = configuration.echo
        echoGain = echo.map { Float(pow(10, -$0.returnLossDb / 20)) } ?? 0
        echoDelaySamples = max(0, (echo?.delayMs ?? 0) - playoutDelayMs) * sampleRateHz / 1_000
        delayLine = [Int16](repeating: 0, count: echoDelaySamples + Self.maxFrameSamples)
        writeIndex = echoDelaySamples
        random = SplitMix64(seed: configuration.seed)
        talkerState = [Float](repeating: 0, count: Self.talkerCount)
        talkerEnvelope = [Float](repeating: 0.5, count: Self.talkerCount)
        talkerTarget = [Float](repeating: 0.5, count: Self.talkerCount)
        if let noise = configuration.noise {
            // Calibrate on a throwaway generator: unit-gain noise's RMS over 10 s.
            noiseGain = 0
            var probe = self
            probe.random = SplitMix64(seed: configuration.seed ^ 0x9E37_79B9_7F4A_7C15)
            var sumSquares: Double = 0
            let count = 80_000
            for _ in 0..<count {
                let v = Double(probe.nextNoise(kind: noise.kind))
                sumSquares += v * v
            }
            let rms = (sumSquares / Double(count)).squareRoot()
            noiseGain = Float(noise.noiseRms / max(rms, 1e-9))
        }
    }

    /// Takes the bot's audio as it reaches the caller (feeds the echo path).
    public mutating func receive(_ frame: Span<Int16>) {
        for i in 0..<frame.count {
            delayLine[writeIndex] = frame[i]
            writeIndex = writeIndex + 1 == delayLine.count ? 0 : writeIndex + 1
        }
    }

    /// Adds echo and noise to the caller's outgoing frame in place (pass silence when the
    /// caller is not speaking). Saturates at the Int16 limits.
    public mutating func transmit(_ frame: inout MutableSpan<Int16>) {
        let kind = configuration.noise?.kind
        for i in 0..<frame.count {
            var v = Float(frame[i])
            if echoGain > 0 {
                v += echoGain * Float(delayLine[readIndex])
                readIndex = readIndex + 1 == delayLine.count ? 0 : readIndex + 1
            }
            if let kind { v += noiseGain * nextNoise(kind: kind) }
            frame[i] = Int16(max(-32_768, min(32_767, v.rounded())))
        }
    }

    /// One unit-scale noise sample.
    @inline(__always)
    mutating func nextNoise(kind: LineConfiguration.Noise.Kind) -> Float {
        switch kind {
        case .white:
            return gaussian()
        case .babble:
            var sum: Float = 0
            for t in 0..<Self.talkerCount {
                // Speech-shaped: a one-pole low-pass over white noise; syllable-rate envelope.
                talkerState[t] = 0.85 * talkerState[t] + 0.15 * gaussian()
                if random.next() % 1_600 == 0 { talkerTarget[t] = Float(random.unit()) }  // ≈ every 200 ms
                talkerEnvelope[t] += (talkerTarget[t] - talkerEnvelope[t]) * 0.002
                sum += talkerState[t] * talkerEnvelope[t]
            }
            return sum
        }
    }

    /// Standard normal sample (sum of four uniforms, scaled: cheap and bounded).
    @inline(__always)
    mutating func gaussian() -> Float {
        let s = random.unit() + random.unit() + random.unit() + random.unit()
        return Float((s - 2) * 1.732_050_8)   // variance of the sum is 4/12
    }

    /// RMS of PCM (for `LineConfiguration.Noise.speechRmsLevel`), over samples louder than
    /// −50 dBFS so pauses do not count.
    public static func rms(_ samples: [Int16]) -> Double {
        var sum: Double = 0, count = 0
        for s in samples where abs(Int(s)) > 100 {
            sum += Double(s) * Double(s); count += 1
        }
        return count == 0 ? 0 : (sum / Double(count)).squareRoot()
    }
}

/// SplitMix64: a small, fast, seedable generator (deterministic noise).
struct SplitMix64: Sendable {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}
