import Foundation

/// Decides whether one processed 10 ms frame is caller speech: the APM voice flag and the
/// frame energy against a tracked noise floor, and, while our own prompt may be echoing,
/// the echo-aware gate (capture vs. what was played). Pure arithmetic, no allocation.
public struct SpeechFrameClassifier: Sendable {
    public struct Configuration: Sendable, Equatable {
        /// Voiced needs the APM voice flag and this much energy over the noise floor.
        public var voiceOverFloorDb: Float = 9
        /// Or this much over the floor regardless of the voice flag.
        public var energyOverFloorDb: Float = 14
        /// Frames quieter than this are never speech.
        public var minimumDbfs: Float = -50
        /// Echo gate: correlation with the played reference at or above this is echo.
        public var echoCorrelationLimit: Float = 0.85
        /// Echo gate before the delay is known: capture must exceed the loudest played
        /// frame in the echo window scaled by this (assumes ERL ≥ 6 dB, 3 dB margin).
        public var unknownDelayEchoRatio: Float = 0.5
        /// Echo gate with a known delay: capture louder than the expected echo by this
        /// factor (6 dB) is not taken for echo, whatever the correlation.
        public var echoExcessRatio: Float = 4
        /// Echo gate with a known delay, capture within the echo's reach: also require the
        /// canceller's output to rise over its own floor.
        public var requireCleanedSpeech = false
        /// Or the residual below 1 kHz this much over its own floor (while the prompt may
        /// echo, also 6 dB over all the echo the linear filter leaves behind). Voiced speech
        /// puts its onset energy there while white noise spreads flat to 4 kHz, so the band
        /// rises over its floor sooner than the broadband energy. On the labelled set 10 to
        /// 14 dB give the same delays with no false barge-in; 9 dB stops on babble, 15 dB
        /// misses early onsets in white noise. `.infinity` turns the test off.
        public var lowBandOverFloorDb: Float = 12
        /// The floor of a line that has sent nothing but digital silence so far (a muted
        /// handset, a softphone whose noise suppression sends zeros, the simulator's plain
        /// line): its first sound is measured against this instead of becoming the floor.
        /// Taking the caller's first word for the floor left the rest of that word under
        /// 14 dB over it: a "yes please" over a prompt was heard as "y", a pause, "please".
        public var quietLineFloorDb: Float = -50

        public init() {}
    }

    public enum Verdict: Sendable, Equatable {
        case silence
        case voiced
        /// Would be voiced, but the echo gate says it is our own prompt.
        case echo
    }

    public let configuration: Configuration
    /// Noise floor of the raw capture with the echo's share removed (dBFS).
    public private(set) var noiseFloorDb: Float = .nan
    /// Noise floor of the echo-cancelled output while the canceller runs (dBFS).
    public private(set) var cleanedFloorDb: Float = .nan
    /// Floor of the residual below 1 kHz (dBFS) and the level of the last frame there.
    public private(set) var lowBandFloorDb: Float = .nan
    public private(set) var lowBandDb: Float = -100
    /// Digital silence came before any sound: the floors start at `quietLineFloorDb`.
    private var quietLine = false

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// Floors follow quickly down and slowly up (~5 dB/s), so speech barely lifts them;
    /// digital silence (below -95 dBFS) is ignored. A floor's first value is the first
    /// sound's level, or at most `quietFloorDb` after digital silence.
    private static func track(_ floor: inout Float, _ db: Float, quietFloorDb: Float? = nil) {
        guard db > -95 else { return }
        if floor.isNaN { floor = min(db, quietFloorDb ?? db); return }
        if db < floor { floor += 0.1 * (db - floor) } else { floor += min(0.05, db - floor) }
    }

    /// - Parameters:
    ///   - captureEnergy: mean square of the raw capture frame.
    ///   - cleanedDbfs: energy of the processed (echo-cancelled, denoised) frame.
    ///   - apmVoice: the APM voice flag for the frame.
    ///   - echoExpected: our prompt may be echoing in this frame.
    ///   - echoCorrelation: capture vs. reference at the estimated delay (nil: delay unknown).
    ///     Its square is the share of the capture's energy the echo explains.
    ///   - maxPlayedEnergy: loudest played frame in the echo window (mean square).
    ///   - expectedEchoEnergy: played energy at the delay × learnt echo path gain.
    ///   - residualEnergy: capture after the linear echo filter (mean square).
    ///   - expectedResidualEcho: echo expected to remain after that filter.
    ///   - lowBandEnergy: the linear filter's residual below 1 kHz (the raw capture's when the
    ///     filter does not run), mean square; 0 leaves the low-band test out.
    ///   - unknownDelayEchoRatio: the echo gate's bar before the delay is known, when the line
    ///     has shown what it returns (nil: the configured assumption).
    public mutating func classify(captureEnergy: Float, cleanedDbfs: Float, apmVoice: Bool, echoExpected: Bool,
                                  echoCorrelation: Float?, maxPlayedEnergy: Float,
                                  expectedEchoEnergy: Float, residualEnergy: Float,
                                  expectedResidualEcho: Float, lowBandEnergy: Float = 0,
                                  unknownDelayEchoRatio: Float? = nil) -> Verdict {
        lowBandDb = lowBandEnergy > 0 ? 10 * log10(lowBandEnergy / 1073741824) : -100
        let c = configuration
        if noiseFloorDb.isNaN && captureEnergy == 0 { quietLine = true }
        let quietFloorDb = quietLine ? c.quietLineFloorDb : nil
        Self.track(&lowBandFloorDb, lowBandDb, quietFloorDb: quietFloorDb)
        var residual = captureEnergy
        if echoExpected, echoCorrelation != nil { residual = min(captureEnergy, residualEnergy) }
        let residualDb = residual > 0 ? 10 * log10(residual / 1073741824) : -100
        Self.track(&noiseFloorDb, residualDb, quietFloorDb: quietFloorDb)
        if echoExpected { Self.track(&cleanedFloorDb, cleanedDbfs) }
        guard residualDb > c.minimumDbfs, !noiseFloorDb.isNaN else { return .silence }
        let over = residualDb - noiseFloorDb
        let loud = (apmVoice && over > c.voiceOverFloorDb) || over > c.energyOverFloorDb
        let lowLoud = !lowBandFloorDb.isNaN && lowBandDb > c.minimumDbfs
            && lowBandDb - lowBandFloorDb > c.lowBandOverFloorDb
        guard echoExpected else { return loud || lowLoud ? .voiced : .silence }
        if let correlation = echoCorrelation {
            // Louder than the echo can be: the caller (or noise) is there too. (Two voices
            // of similar pitch can correlate by chance; this catches that.)
            let captureExcess = captureEnergy > c.echoExcessRatio * expectedEchoEnergy
            // Correlated with the prompt and no louder than its echo: echo.
            if correlation >= c.echoCorrelationLimit && !captureExcess { return .echo }
            // More left after the linear echo filter than the echo it leaves behind.
            let residualExcess = min(residualEnergy, captureEnergy) > c.echoExcessRatio * expectedResidualEcho
            let excess = captureExcess || residualExcess
            // The canceller's voice flag goes quiet in double talk; a clear excess over the
            // echo stands in for it.
            let loudInDoubleTalk = excess && over > c.voiceOverFloorDb
            // The low band over its floor and over all the residual echo there could be.
            let lowInDoubleTalk = lowLoud && lowBandEnergy > c.echoExcessRatio * expectedResidualEcho
            guard loud || loudInDoubleTalk || lowInDoubleTalk else { return .silence }
            if excess || !c.requireCleanedSpeech { return .voiced }
            // Within the echo's reach: the canceller's output must show speech too.
            let cleanedOver = cleanedFloorDb.isNaN ? 0 : cleanedDbfs - cleanedFloorDb
            return cleanedOver > c.voiceOverFloorDb ? .voiced : .echo
        }
        guard loud else { return .silence }
        return captureEnergy > (unknownDelayEchoRatio ?? c.unknownDelayEchoRatio) * maxPlayedEnergy ? .voiced : .echo
    }
}
