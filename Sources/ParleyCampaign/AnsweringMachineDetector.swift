/// Answering-machine detection over the first seconds after answer, as a pure state
/// machine fed 10 or 20 ms frames of 8 kHz 16-bit audio. Its speech gate segments the
/// greeting into words and silences: a frame is speech when its level clears the tracked
/// noise floor (followed down at once from the quietest frames, up 0.5 dB/s) by a margin,
/// measured twice: after pre-emphasis (blind to hum and rumble) and on the plain signal
/// (which keeps voiced speech that pre-emphasis leaves under white noise), with hysteresis.
/// What it measured (`AMDTalkState`) goes through `AMDConfiguration.decision(after:)`
/// after every frame:
/// - a short answer ("hello?") followed by `afterGreetingSilenceMs` of silence → human;
/// - speech totalling `greetingMs`, more than `maxWords` words, or talking for `maxTalkMs`
///   (longer than a person answers) → machine;
/// - no speech within `initialSilenceMs` → unknown; undecided at `totalAnalysisMs` → machine
///   if someone is still speaking, unknown otherwise.
/// A beep detector runs throughout; a beep before the decision means machine, and after
/// it the beep is reported so a voicemail message can start after the tone.
/// `process` does not allocate.
public struct AnsweringMachineDetector: Sendable {
    public let configuration: AMDConfiguration
    public let sampleRateHz: Int
    public private(set) var decision: AMDDecision?
    var beepDetector: BeepDetector
    var pendingBeep: BeepDetection?
    /// What the speech gate has measured so far (the decision rule's input).
    public private(set) var talk = AMDTalkState()
    /// Noise floor of the pre-emphasised level, in dBFS (nil before the first frame).
    var noiseFloorDbfs: Double?
    /// Noise floor of the plain level, in dBFS.
    var plainNoiseFloorDbfs: Double?
    var voicedRunMs = 0
    var inWord = false
    var previousSample = 0.0
    /// Level of the last frame after pre-emphasis, in dBFS (what the speech gate compares).
    public private(set) var lastLevelDbfs = -120.0
    /// Level of the last frame without pre-emphasis, in dBFS.
    public private(set) var lastPlainLevelDbfs = -120.0

    public init(configuration: AMDConfiguration = AMDConfiguration(), sampleRateHz: Int = 8000) {
        self.configuration = configuration
        self.sampleRateHz = sampleRateHz
        beepDetector = BeepDetector(sampleRateHz: sampleRateHz, minBeepMs: configuration.minBeepMs)
    }

    /// Audio time analysed so far.
    public var analysedMs: Int { talk.elapsedMs }

    /// Feeds one frame (any length; 80 or 160 samples at 8 kHz are usual). Returns the
    /// decision once, and each beep as it ends.
    public mutating func process(_ frame: Span<Int16>) -> AMDAction? {
        let frameMs = frame.count * 1000 / sampleRateHz
        if let beep = beepDetector.process(frame) {
            if decision == nil {
                pendingBeep = beep
                return decide(.machine, .beep, at: talk.elapsedMs + frameMs)
            }
            talk.elapsedMs += frameMs
            return .beep(beep)
        }
        if let beep = pendingBeep {
            pendingBeep = nil
            talk.elapsedMs += frameMs
            return .beep(beep)
        }
        lastLevelDbfs = ToneAnalysis.levelDbfs(energy: preEmphasisedEnergy(frame), count: frame.count)
        lastPlainLevelDbfs = ToneAnalysis.levelDbfs(energy: ToneAnalysis.energy(frame), count: frame.count)
        talk.elapsedMs += frameMs
        guard decision == nil else { return nil }
        return classify(frameMs: frameMs)
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

    /// Whether the last frame stays under both speech onsets (used after the decision to
    /// hear the greeting end; the floors stop moving once decided).
    public var lastFrameIsQuiet: Bool {
        let c = configuration
        let preEmphasised = onsetDbfs(floor: noiseFloorDbfs ?? -120, overNoiseDb: c.speechOverNoiseDb)
        let plain = onsetDbfs(floor: plainNoiseFloorDbfs ?? -120, overNoiseDb: c.plainSpeechOverNoiseDb)
        return lastLevelDbfs < preEmphasised && lastPlainLevelDbfs < plain
    }

    func onsetDbfs(floor: Double, overNoiseDb: Double) -> Double {
        max(configuration.minSpeechDbfs, floor + overNoiseDb)
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
        let onset = onsetDbfs(floor: noiseFloorDbfs ?? -120, overNoiseDb: c.speechOverNoiseDb)
        let plainOnset = onsetDbfs(floor: plainNoiseFloorDbfs ?? -120, overNoiseDb: c.plainSpeechOverNoiseDb)
        let margin = talk.inSpeech ? c.hysteresisDb : 0
        talk.inSpeech = lastLevelDbfs >= onset - margin || lastPlainLevelDbfs >= plainOnset - margin

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
