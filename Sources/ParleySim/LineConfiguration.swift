import Foundation

/// The simulated caller's phone line: what it adds to the audio the caller sends.
public struct LineConfiguration: Sendable, Equatable {
    /// The bot's own audio returned toward the bot (a hybrid or a handset's acoustic path).
    public var echo: Echo?
    /// Noise added to everything the caller sends, speech or not.
    public var noise: Noise?
    /// Seed of the noise generator: the same seed gives the same samples.
    public var seed: UInt64

    public init(echo: Echo? = nil, noise: Noise? = nil, seed: UInt64 = 1) {
        self.echo = echo
        self.noise = noise
        self.seed = seed
    }

    public struct Echo: Sendable, Equatable {
        /// Round-trip delay of the echo path, in milliseconds (0...1000).
        public var delayMs: Int
        /// Echo return loss: how much quieter the echo is than the bot's audio, in dB (≥ 0).
        public var returnLossDb: Double

        public init(delayMs: Int, returnLossDb: Double) {
            self.delayMs = delayMs
            self.returnLossDb = returnLossDb
        }
    }

    public struct Noise: Sendable, Equatable {
        public var kind: Kind
        /// Speech-to-noise ratio in dB, against `speechRmsLevel`.
        public var snrDb: Double
        /// RMS of the caller's speech the SNR refers to (Int16 units). The loader sets
        /// 2_300 (≈ −23 dBFS, a normal telephone talker); the runner's glue may replace
        /// it with the measured RMS of the scenario's recordings (`LineModel.rms(_:)`).
        public var speechRmsLevel: Double

        public init(kind: Kind, snrDb: Double, speechRmsLevel: Double = 2_300) {
            self.kind = kind
            self.snrDb = snrDb
            self.speechRmsLevel = speechRmsLevel
        }

        public enum Kind: String, Sendable, Equatable, CaseIterable {
            /// Flat-spectrum Gaussian noise.
            case white
            /// Several speech-shaped, syllable-rate modulated noise sources mixed: the
            /// texture of a crowd of distant talkers.
            case babble
        }

        /// Target noise RMS in Int16 units.
        public var noiseRms: Double { speechRmsLevel / pow10(snrDb / 20) }
    }
}

/// 10^x without Foundation.
@inline(__always)
func pow10(_ x: Double) -> Double {
    // exp(x · ln 10)
    exp(x * 2.302_585_092_994_046)
}
