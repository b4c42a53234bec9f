/// Decides whether one processed 10 ms frame is caller speech: the APM voice flag and the
/// frame energy against a tracked noise floor, and, while our own prompt may be echoing,
/// the echo-aware gate (capture vs. what was played). Pure arithmetic, no allocation.
public struct SpeechFrameClassifier: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Voiced needs the APM voice flag and this much energy over the noise floor.
        public var voiceOverFloorDb: Float = 6
        /// Or this much over the floor regardless of the voice flag.
        public var energyOverFloorDb: Float = 15
        /// Frames quieter than this are never speech.
        public var minimumDbfs: Float = -50
        /// Echo gate: correlation with the played reference at or above this is echo.
        public var echoCorrelationLimit: Float = 0.7
        /// Echo gate before the delay is known: capture must exceed the loudest played
        /// frame in the echo window scaled by this (assumes ERL ≥ 6 dB, 3 dB margin).
        public var unknownDelayEchoRatio: Float = 0.5

        public init() {}
    }

    public enum Verdict: Sendable, Equatable {
        case silence
        case voiced
        /// Would be voiced, but the echo gate says it is our own prompt.
        case echo
    }

    public let configuration: Configuration
    public private(set) var noiseFloorDb: Float = .nan

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// - Parameters:
    ///   - energyDbfs: energy of the processed (echo-cancelled, denoised) frame.
    ///   - apmVoice: the APM voice flag for the frame.
    ///   - echoExpected: our prompt may be echoing in this frame.
    ///   - echoCorrelation: capture vs. reference at the estimated delay (nil: unknown delay).
    ///   - captureEnergy / maxPlayedEnergy: raw capture and loudest played frame (mean square).
    public mutating func classify(energyDbfs: Float, apmVoice: Bool, echoExpected: Bool,
                                  echoCorrelation: Float?, captureEnergy: Float,
                                  maxPlayedEnergy: Float) -> Verdict {
        if noiseFloorDb.isNaN { noiseFloorDb = energyDbfs }
        // Floor follows quickly down, slowly up (~3 dB/s), so speech does not lift it.
        if energyDbfs < noiseFloorDb {
            noiseFloorDb += 0.3 * (energyDbfs - noiseFloorDb)
        } else {
            noiseFloorDb += min(0.03, energyDbfs - noiseFloorDb)
        }
        let c = configuration
        guard energyDbfs > c.minimumDbfs else { return .silence }
        let over = energyDbfs - noiseFloorDb
        let loud = (apmVoice && over > c.voiceOverFloorDb) || over > c.energyOverFloorDb
        guard loud else { return .silence }
        guard echoExpected else { return .voiced }
        if let correlation = echoCorrelation {
            return correlation >= c.echoCorrelationLimit ? .echo : .voiced
        }
        return captureEnergy > c.unknownDelayEchoRatio * maxPlayedEnergy ? .voiced : .echo
    }
}
