import Foundation

/// Echo cancellation for one call: webrtc AEC or AECM over the samples Parley actually
/// played, aligned by play time (RTP timestamps → sample time), plus noise suppression,
/// optional AGC and the APM voice flag. The canceller runs only while a prompt plays or its
/// tail may still echo; otherwise a second APM instance without echo control does noise
/// suppression and the voice flag alone (cheaper). Setup allocates; `process` does not.
public final class EchoCanceller {
    public enum Mode: Sendable, Equatable { case aec, aecm, off }

    public struct Configuration: Sendable, Equatable {
        public var mode: Mode
        public var noiseSuppression: Bool
        public var gainControl: Bool
        /// Longest echo path searched (played sample to its echo).
        public var maxDelayMs: Int
        /// How long after the last played sound, beyond the echo delay, the canceller stays on.
        public var tailMs: Int
        /// AEC non-linear suppression (low keeps more of the caller in double talk).
        public var suppression: Suppression
        /// The AEC searches the delay itself (its own estimator) and uses its long adaptive
        /// filter. Off, it takes the pipeline's delay estimate from the played reference and
        /// its short filter: ~25% less CPU per playing frame at 8 kHz (bench row
        /// `8k_aec_known_delay`), but on the labelled set its enhancement on the first
        /// seconds of a prompt is up to ~19 dB lower (babble, 6 dB ERL), so it stays on.
        public var delayAgnostic: Bool = true

        public enum Suppression: Int, Sendable, Equatable { case low = 0, moderate = 1, high = 2 }

        public init(mode: Mode = .aec, noiseSuppression: Bool = true, gainControl: Bool = false,
                    maxDelayMs: Int = 300, tailMs: Int = 150, suppression: Suppression = .moderate) {
            self.suppression = suppression
            self.mode = mode
            self.noiseSuppression = noiseSuppression
            self.gainControl = gainControl
            self.maxDelayMs = maxDelayMs
            self.tailMs = tailMs
        }
    }

    public let format: AudioFormat
    public let configuration: Configuration
    private let canceller: AudioProcessing?
    private let listener: AudioProcessing
    private(set) var reference: EchoReference
    private var lastSoundEndSampleTime: Int64 = .min / 2
    private var linearFilter = LinearEchoFilter()
    /// Residual energy (mean square) after the linear echo filter for the last frame; the
    /// raw capture energy when no delay is known or the canceller is idle.
    var linearResidualEnergy: Float = 0
    /// The same residual below 1 kHz (mean square): where a caller's onset rises first.
    var lowBandResidualEnergy: Float = 0
    private var lowBand: LowBandEnergy
    /// The raw capture as Float, for the low band when the linear filter does not run.
    private var captureScratch: [Float]
    /// What the linear filter removes from echo-dominated frames (dB).
    public private(set) var linearErleDb: Float = 0
    /// Whether the last frame went through the echo canceller.
    public private(set) var isActive = false
    /// Frames processed with the canceller on / off (for CPU accounting).
    public private(set) var activeFrameCount = 0
    public private(set) var idleFrameCount = 0
    /// Non-zero return codes from the APM (frames passed through unprocessed).
    public private(set) var processingErrorCount = 0

    public init(format: AudioFormat, configuration: Configuration = Configuration()) throws(AudioError) {
        self.format = format
        self.configuration = configuration
        let echo: AudioProcessing.EchoMode = switch configuration.mode {
        case .aec: .aec
        case .aecm: .aecm
        case .off: .off
        }
        canceller = configuration.mode == .off ? nil : try AudioProcessing(
            sampleRate: format.sampleRate, echo: echo, noiseSuppression: configuration.noiseSuppression,
            gainControl: configuration.gainControl, voiceDetection: true,
            delayAgnostic: configuration.delayAgnostic, extendedFilter: configuration.delayAgnostic)
        listener = try AudioProcessing(
            sampleRate: format.sampleRate, echo: .off, noiseSuppression: configuration.noiseSuppression,
            gainControl: configuration.gainControl, voiceDetection: true, delayAgnostic: false,
            extendedFilter: false)
        reference = EchoReference(format: format, maxDelayMs: configuration.maxDelayMs)
        lowBand = LowBandEnergy(sampleRate: format.sampleRate)
        captureScratch = [Float](repeating: 0, count: format.frameSamples)
        passedThrough = [Int16](repeating: 0, count: format.frameSamples)
        if let canceller, canceller.setEchoSuppression(level: configuration.suppression.rawValue) != 0 {
            throw AudioError(.processorRejected, "echo suppression level \(configuration.suppression)")
        }
        // One silent frame through each APM now: webrtc allocates some buffers on first use
        // (AECM with noise suppression: its copy of the noisy capture), which would otherwise
        // happen on the media thread at a call's first prompt (`parley bench audio`, mix rows).
        if let canceller {
            canceller.processReverse(silence: ())
            canceller.processCapture(streamDelayMs: 0)
        }
        listener.processCapture(streamDelayMs: 0)
    }

    /// Whether echo of our own audio may be present in the frame that starts at `sampleTime`.
    public func echoExpected(atSampleTime sampleTime: Int64) -> Bool {
        let delay = reference.isDelayConfident ? reference.delayMs + 30 : configuration.maxDelayMs
        return sampleTime < lastSoundEndSampleTime + Int64(format.samples(ms: delay + configuration.tailMs))
    }

    /// A frame of digital silence (no sample beyond ±`silencePeak`) skipped the APM.
    var skippedLastFrame = false
    /// Frames that skipped the APM (for CPU accounting).
    public internal(set) var skippedFrameCount = 0
    /// The capture of a skipped frame, which is its output, and its mean square.
    var passedThrough: [Int16]
    var skippedMeanSquare: Float = 0
    var passedThroughIsZero = true

    /// Processes one tick. `capture` is the caller's frame, `played` what Parley played in the
    /// same tick (`playedIsSilent`: nothing played), both starting at `sampleTime`.
    /// Afterwards `output` holds the cleaned frame and `hasVoice` the APM voice flag.
    /// `nearEndActive`: the caller is talking (double talk): the delay estimate holds still.
    /// `captureIsZero`: the caller already knows whether the capture is all zeros (nil: look
    /// here); the reference, the energies and the silence skip all use that one answer.
    func process(capture: borrowing [Int16], played: borrowing [Int16], playedIsSilent: Bool, sampleTime: Int64,
                 nearEndActive: Bool = false, captureIsZero knownZero: Bool? = nil) {
        let captureIsZero = knownZero ?? EchoReference.isZero(capture.span, count: format.frameSamples)
        if !playedIsSilent {
            var loud = false
            for i in 0..<format.frameSamples where played[i] > 64 || played[i] < -64 { loud = true; break }
            if loud { lastSoundEndSampleTime = sampleTime + Int64(format.frameSamples) }
        }
        let active = canceller != nil && echoExpected(atSampleTime: sampleTime)
        reference.write(played: played, playedIsSilent: playedIsSilent, capture: capture,
                        sampleTime: sampleTime, updateEstimate: active, nearEndActive: nearEndActive,
                        captureIsZero: captureIsZero)
        isActive = active
        if active && reference.isDelayConfident {
            let resets = linearFilter.resetCount
            linearResidualEnergy = linearFilter.process(
                capture: capture, reference: reference, startSampleTime: sampleTime,
                delaySamples: reference.fineDelay, adapt: !nearEndActive)
            if linearFilter.resetCount != resets { linearErleDb = 0 }
            lowBandResidualEnergy = lowBand.meanSquare(of: linearFilter.residual, count: format.frameSamples)
        } else {
            let n = format.frameSamples
            let source = capture.span
            // All zeros (a line of digital silence): every sum is +0 and the low band only
            // rings out what it still holds (`LowBandEnergy.meanSquareOfZeros`).
            if captureIsZero {
                linearResidualEnergy = 0 / Float(n)
                lowBandResidualEnergy = lowBand.meanSquareOfZeros(count: n)
            } else {
                let e = withMutableSpan(&captureScratch) { scratch in
                    var e: Float = 0
                    for i in 0..<n {
                        let v = Float(source[i])
                        scratch[i] = v
                        e += v * v
                    }
                    return e
                }
                linearResidualEnergy = e / Float(n)
                lowBandResidualEnergy = lowBand.meanSquare(of: captureScratch, count: n)
            }
        }
        if (!active || activeFrameCount >= Self.startupFrames) && (captureIsZero || isDigitalSilence(capture)) {
            // Nothing to cancel and nothing to hear: the APM is not run.
            skipFrame(capture: capture, captureIsZero: captureIsZero)
            return
        }
        let apm = active ? canceller! : listener
        skippedLastFrame = false
        for i in 0..<format.frameSamples { apm.frame[i] = capture[i] }
        if active {
            activeFrameCount += 1
            let rc = playedIsSilent ? apm.processReverse(silence: ()) : apm.processReverse(played)
            let delay = reference.isDelayConfident ? reference.delayMs : 0
            if rc != 0 || apm.processCapture(streamDelayMs: delay) != 0 { processingErrorCount += 1 }
        } else {
            idleFrameCount += 1
            if apm.processCapture(streamDelayMs: 0) != 0 { processingErrorCount += 1 }
        }
        lastProcessor = apm
    }

    private var lastProcessor: AudioProcessing?

    /// The cleaned frame of the last `process` call.
    var output: [Int16] { skippedLastFrame ? passedThrough : (lastProcessor?.frame ?? listener.frame) }
    /// Energy of the cleaned frame in dBFS (mean square re full scale; -100 for silence).
    func outputEnergyDbfs() -> Float {
        // A skipped frame's output is its capture, whose mean square `skipFrame` took in the
        // same order: the same value, without a second pass.
        if skippedLastFrame {
            return skippedMeanSquare > 0 ? 10 * log10(skippedMeanSquare / 1073741824) : -100
        }
        let frame = output
        var sum: Float = 0
        for v in frame { sum += Float(v) * Float(v) }
        let meanSquare = sum / Float(frame.count)
        return meanSquare > 0 ? 10 * log10(meanSquare / 1073741824) : -100
    }

    /// Correlation with the reference at the known delay; when it is too low for the gate
    /// to take the frame for echo (under `relocateBelowCorrelation`) although the capture
    /// could be nothing but echo (no louder than half the loudest frame played within the
    /// echo's reach: ERL ≥ 6 dB with 3 dB margin), the echo may have moved:
    /// `EchoReference.relocate()` searches for it around the known delay. (From 0.6 only,
    /// an echo 20 ms later after a lost frame correlated 0.62–0.66 at the old delay: no
    /// search, and three frames taken for the caller stopped the prompt.)
    func echoCorrelation(captureEnergy: Float) -> Float? {
        guard let c = reference.echoCorrelation() else { return nil }
        let maxPlayed = reference.maxPlayedEnergyInEchoWindow
        if c < Self.relocateBelowCorrelation, maxPlayed > 100_000, captureEnergy > 1_000, captureEnergy <= 0.5 * maxPlayed,
           let moved = reference.relocate() {
            return moved
        }
        return c
    }
    var maxPlayedEnergyInEchoWindow: Float { reference.maxPlayedEnergyInEchoWindow }
    /// The classifier's default echo correlation limit: below it a frame is not echo by
    /// correlation alone.
    static let relocateBelowCorrelation: Float = 0.85

    /// The APM voice flag of the last frame.
    public var hasVoice: Bool { skippedLastFrame ? false : (lastProcessor?.hasVoice ?? false) }

    /// Echo path gain (dB, negative: the ERL) learnt from echo-dominated frames; starts at
    /// -6 dB, the loudest echo the pipeline is specified for.
    public private(set) var echoPathGainDb: Float = -6
    /// What the canceller removes from echo-dominated frames (dB), -1 until measured.
    public private(set) var measuredErleDb: Float = -1
    private var echoFrames = 0

    /// While no echo delay is known: the largest share of the loudest frame played in the
    /// echo window that the capture has reached in frames not taken for speech, fading by
    /// 3 dB a second, and how many such frames it rests on. On a line without echo it stays
    /// near 0; on an echo line it is the echo's share.
    private(set) var unknownDelayCoupling: Float = 0
    private(set) var unknownDelayCouplingFrames = 0

    /// Frames the AEC runs on every frame, silent or not, before digital silence may skip
    /// it: echo that meets it in its startup is left some 30 dB higher for seconds (20
    /// frames were not enough, 40 were; `DigitalSilenceTests`).
    static let startupFrames = 50

    /// Frames of loud prompt (1 s) the coupling needs before it relaxes the gate.
    static let couplingEvidenceFrames = 100
    /// The gate never asks less of the caller than this share of the loudest played frame.
    static let minimumUnknownDelayRatio: Float = 0.01

    /// Learns the coupling from a frame, while the echo is expected, that is not speech.
    func learnCoupling(captureEnergy: Float) {
        guard isActive, !reference.isDelayConfident else { return }
        let maxPlayed = reference.maxPlayedEnergyInEchoWindow
        guard maxPlayed > 100_000 else { return }
        unknownDelayCouplingFrames += 1
        unknownDelayCoupling = max(captureEnergy / maxPlayed, unknownDelayCoupling * 0.993)
    }

    /// The echo gate's bar while no delay is known, as a share of the loudest played frame:
    /// `assumed` (ERL ≥ 6 dB with a margin) until a second of prompt has shown what the line
    /// returns, then 6 dB over that, between `minimumUnknownDelayRatio` and `assumed`. A
    /// caller on a line without echo, quieter than the prompt, can then still barge in.
    ///
    /// What the line returned before is no promise for this frame: echo can appear mid-call
    /// (a caller switching to speakerphone) or come back louder than the faded share. A frame
    /// of `captureEnergy` that only the learnt bar lets through is searched for the prompt's
    /// echo at every delay within reach; echo there keeps the assumed bar for it (and, as a
    /// frame not taken for speech, teaches the coupling the echo's share).
    func unknownDelayEchoRatio(assumed: Float, captureEnergy: Float) -> Float {
        guard unknownDelayCouplingFrames >= Self.couplingEvidenceFrames else { return assumed }
        let learnt = min(assumed, max(Self.minimumUnknownDelayRatio, 4 * unknownDelayCoupling))
        guard learnt < assumed, isActive, !reference.isDelayConfident else { return learnt }
        let maxPlayed = reference.maxPlayedEnergyInEchoWindow
        guard captureEnergy > learnt * maxPlayed, captureEnergy <= assumed * maxPlayed else { return learnt }
        return reference.echoAtAnyDelay() ? assumed : learnt
    }

    /// Learns the echo path gain and the canceller's enhancement from a frame the echo
    /// dominates (correlation ≥ 0.9 with the reference at the estimated delay).
    func learnEcho(captureEnergy: Float, cleanedDbfs: Float, correlation: Float?) {
        guard let correlation, correlation >= 0.9 else { return }
        let played = reference.playedEnergyAtDelay()
        guard played > 1000, captureEnergy > 0 else { return }
        let captureDb = 10 * log10(captureEnergy / 1073741824)
        let gain = 10 * log10(captureEnergy / played)
        echoFrames += 1
        let rate: Float = echoFrames < 20 ? 0.2 : 0.05
        echoPathGainDb += rate * (gain - echoPathGainDb)
        if linearResidualEnergy > 0 {
            let linear = 10 * log10(captureEnergy / linearResidualEnergy)
            linearErleDb += 0.1 * (max(0, linear) - linearErleDb)
        }
        let erle = captureDb - cleanedDbfs
        measuredErleDb = measuredErleDb < 0 ? erle : measuredErleDb + 0.05 * (erle - measuredErleDb)
    }

    /// Echo energy expected to remain after the linear filter.
    func expectedResidualEchoEnergy() -> Float {
        expectedEchoEnergy() * exp(-linearErleDb * 0.230258509)
    }

    /// Echo energy expected in the newest frame: played energy at the delay × path gain.
    func expectedEchoEnergy() -> Float {
        reference.playedEnergyAtDelay() * exp(echoPathGainDb * 0.230258509)
    }

    /// Echo figures so far (APM metrics plus the pipeline's own delay estimate).
    public func metrics() -> EchoMetrics {
        var m = canceller?.echoMetrics() ?? EchoMetrics(
            valid: false, echoReturnLossDb: 0, echoReturnLossEnhancementDb: 0, residualEchoReturnLossDb: 0,
            apmDelayMedianMs: -1, apmDelayStdMs: -1, estimatedDelayMs: -1, delayConfidence: 0)
        m.estimatedDelayMs = reference.isDelayConfident ? reference.delayMs : -1
        m.delayConfidence = Double(reference.coarseCorrelation)
        if echoFrames > 0 {
            m.valid = true
            m.echoReturnLossDb = Int((-echoPathGainDb).rounded())
            m.echoReturnLossEnhancementDb = Int(measuredErleDb.rounded())
        }
        return m
    }
}
