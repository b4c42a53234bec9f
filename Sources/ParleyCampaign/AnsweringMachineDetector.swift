import ParleyAudio

/// Answering-machine detection over the first seconds after answer, as a pure state
/// machine fed 10 or 20 ms frames of 8 kHz 16-bit audio. Its speech gate segments the
/// greeting into words and silences: a frame is speech when its level clears the tracked
/// noise floor (followed down at once from the quietest frames, up 0.5 dB/s) by a margin,
/// measured after pre-emphasis (blind to hum and rumble), in the voice band 150–1,000 Hz
/// (where voiced speech puts most of its energy while white noise spreads to 4 kHz: in noise
/// at 10–20 dB SNR it keeps words the broadband level loses) and, if configured, on the
/// plain signal; each against its own floor, with hysteresis.
/// What it measured (`AMDTalkState`) goes through `AMDConfiguration.decision(after:)`
/// after every frame:
/// - a short answer ("hello?") followed by `afterGreetingSilenceMs` of silence → human;
/// - speech totalling `greetingMs`, more than `maxWords` words, or talking for `maxTalkMs`
///   (longer than a person answers) → machine;
/// - no speech within `initialSilenceMs` → unknown; undecided at `totalAnalysisMs` → human
///   if anyone spoke, unknown otherwise.
/// A beep detector runs throughout; a tone that has lasted a beep's length before the
/// decision means machine, and each beep is reported when it ends so a voicemail message
/// can start after the tone.
/// `process` does not allocate.
public struct AnsweringMachineDetector: Sendable {
    public let configuration: AMDConfiguration
    public let sampleRateHz: Int
    public private(set) var decision: AMDDecision?
    var beepDetector: BeepDetector
    /// What the speech gate has measured so far (the decision rule's input).
    public private(set) var talk = AMDTalkState()
    /// Noise floor of the pre-emphasised level, in dBFS (nil before the first frame).
    var noiseFloorDbfs: Double?
    /// Noise floor of the plain level, in dBFS.
    var plainNoiseFloorDbfs: Double?
    /// Noise floor of the voice-band level, in dBFS.
    var bandNoiseFloorDbfs: Double?
    /// The voice band: a 2nd-order high-pass then a 2nd-order low-pass (Butterworth).
    var bandHighPass: BiquadSection
    var bandLowPass: BiquadSection
    var voicedRunMs = 0
    var inWord = false
    var previousSample = 0.0
    var pending = FrameEnergies()
    /// Level of the last analysis frame after pre-emphasis, in dBFS (what the speech gate compares).
    public private(set) var lastLevelDbfs = -120.0
    /// Level of the last analysis frame without pre-emphasis, in dBFS.
    public private(set) var lastPlainLevelDbfs = -120.0
    /// Level of the last analysis frame in the voice band, in dBFS.
    public private(set) var lastBandLevelDbfs = -120.0

    /// Edges of the voice band the band gate measures.
    public static let voiceBandHz = (low: 150.0, high: 1000.0)

    public init(configuration: AMDConfiguration = AMDConfiguration(), sampleRateHz: Int = 8000) {
        self.configuration = configuration
        self.sampleRateHz = sampleRateHz
        beepDetector = BeepDetector(sampleRateHz: sampleRateHz, minBeepMs: configuration.minBeepMs)
        bandHighPass = .highPass(cutoffHz: Self.voiceBandHz.low, sampleRateHz: sampleRateHz)
        bandLowPass = .lowPass(cutoffHz: Self.voiceBandHz.high, sampleRateHz: sampleRateHz)
    }

    /// Audio time analysed so far.
    public var analysedMs: Int { talk.elapsedMs }

    /// Feeds one frame (any length; 80 or 160 samples at 8 kHz are usual). Returns the
    /// decision once, and each beep as it ends.
    public mutating func process(_ frame: Span<Int16>) -> AMDAction? {
        let frameMs = frame.count * 1000 / sampleRateHz
        if let beep = beepDetector.process(frame) {
            // Decided by now: the tone was a machine's beep from the frame it lasted `minBeepMs`.
            talk.elapsedMs += frameMs
            return .beep(beep)
        }
        if decision == nil && beepDetector.isHearingBeep {
            // A machine as soon as the tone has lasted a beep's length; the beep itself
            // is reported when it ends (a voicemail message starts after it).
            talk.elapsedMs += frameMs
            return decide(.machine, .beep, at: talk.elapsedMs)
        }
        pending.preEmphasised += preEmphasisedEnergy(frame)
        pending.plain += ToneAnalysis.energy(frame)
        pending.band += voiceBandEnergy(frame)
        pending.sampleCount += frame.count
        talk.elapsedMs += frameMs
        guard pending.sampleCount * 1000 >= Self.analysisFrameMs * sampleRateHz else { return nil }
        let n = pending.sampleCount
        lastLevelDbfs = ToneAnalysis.levelDbfs(energy: pending.preEmphasised, count: n)
        lastPlainLevelDbfs = ToneAnalysis.levelDbfs(energy: pending.plain, count: n)
        lastBandLevelDbfs = ToneAnalysis.levelDbfs(energy: pending.band, count: n)
        pending = FrameEnergies()
        guard decision == nil else { return nil }
        return classify(frameMs: n * 1000 / sampleRateHz)
    }

    /// The gate measures levels over at least this much audio whatever the packetisation:
    /// 10 ms frames are summed in pairs. Its margins were chosen on 20 ms levels, and 10 ms
    /// levels swing more, so the floor (which follows the quietest frame down at once) sat
    /// lower and noise passed for speech: 62 of 76 development clips right with 10 ms
    /// levels, 66 with 20 ms.
    static let analysisFrameMs = 20

    /// Energies of the frames received since the last analysis frame.
    struct FrameEnergies {
        var preEmphasised = 0.0, plain = 0.0, band = 0.0
        var sampleCount = 0
    }

    /// Energy after a first-order pre-emphasis (y = x[n] − 0.95 x[n−1]): removes hum and
    /// the low-frequency rumble that would otherwise pass for speech.
    mutating func preEmphasisedEnergy(_ frame: Span<Int16>) -> Double {
        var sum = 0.0
        var previous = previousSample
        for i in 0..<frame.count {
            let x = Double(frame[i]) / 32768
            let y = x - 0.95 * previous
            sum += y * y
            previous = x
        }
        previousSample = previous
        return sum
    }

    /// Energy in the voice band; the filters carry their state from frame to frame.
    mutating func voiceBandEnergy(_ frame: Span<Int16>) -> Double {
        var sum: Float = 0
        for i in 0..<frame.count {
            let y = bandLowPass.run(bandHighPass.run(Float(frame[i]) / 32768))
            sum += y * y
        }
        bandHighPass.flushIfBelow()
        bandLowPass.flushIfBelow()
        return Double(sum)
    }

    /// Whether the last analysis frame stays under every speech onset (used after the
    /// decision to hear the greeting end; the floors stop moving once decided).
    public var lastFrameIsQuiet: Bool { !lastFrameClearsAnOnset(marginDb: 0) }

    /// Whether any of the last analysis frame's levels reaches its onset (its floor plus its
    /// margin, and its absolute minimum) less `marginDb`.
    func lastFrameClearsAnOnset(marginDb: Double) -> Bool {
        let c = configuration
        func clears(_ level: Double, floor: Double?, overNoiseDb: Double, minDbfs: Double) -> Bool {
            level >= max(minDbfs, (floor ?? -120) + overNoiseDb) - marginDb
        }
        return clears(lastLevelDbfs, floor: noiseFloorDbfs, overNoiseDb: c.speechOverNoiseDb, minDbfs: c.minSpeechDbfs)
            || clears(lastPlainLevelDbfs, floor: plainNoiseFloorDbfs, overNoiseDb: c.plainSpeechOverNoiseDb, minDbfs: c.minSpeechDbfs)
            || clears(lastBandLevelDbfs, floor: bandNoiseFloorDbfs, overNoiseDb: c.bandSpeechOverNoiseDb, minDbfs: c.minBandSpeechDbfs)
    }

    /// Noise floor: follows quiet frames down at once, creeps up 0.5 dB/s otherwise.
    static func trackedFloor(_ floor: Double?, level: Double, frameMs: Int) -> Double {
        let current = floor ?? level
        return level < current ? level : current + 0.5 * Double(frameMs) / 1000
    }

    mutating func classify(frameMs: Int) -> AMDAction? {
        let c = configuration
        noiseFloorDbfs = Self.trackedFloor(noiseFloorDbfs, level: lastLevelDbfs, frameMs: frameMs)
        plainNoiseFloorDbfs = Self.trackedFloor(plainNoiseFloorDbfs, level: lastPlainLevelDbfs, frameMs: frameMs)
        bandNoiseFloorDbfs = Self.trackedFloor(bandNoiseFloorDbfs, level: lastBandLevelDbfs, frameMs: frameMs)
        talk.inSpeech = lastFrameClearsAnOnset(marginDb: talk.inSpeech ? c.hysteresisDb : 0)

        if talk.inSpeech {
            voicedRunMs += frameMs
            talk.silenceRunMs = 0
            if talk.wordCount > 0 || voicedRunMs >= c.minWordMs { talk.voicedTotalMs += frameMs }
            if !inWord && voicedRunMs >= c.minWordMs {
                inWord = true
                talk.wordCount += 1
                talk.voicedTotalMs = max(talk.voicedTotalMs, voicedRunMs)
                if talk.talkStartMs == nil { talk.talkStartMs = talk.elapsedMs - voicedRunMs }
            }
        } else {
            talk.silenceRunMs += frameMs
            if talk.silenceRunMs >= c.betweenWordsSilenceMs {
                inWord = false
                voicedRunMs = 0
            }
        }
        guard let (verdict, reason) = c.decision(after: talk) else { return nil }
        return decide(verdict, reason, at: talk.elapsedMs)
    }

    mutating func decide(_ verdict: AMDVerdict, _ reason: AMDDecision.Reason, at ms: Int) -> AMDAction {
        let d = AMDDecision(verdict: verdict, reason: reason, atMs: ms)
        decision = d
        return .decided(d)
    }
}
