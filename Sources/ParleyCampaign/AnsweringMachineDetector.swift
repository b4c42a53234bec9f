/// Answering-machine detection over the first seconds after answer, as a pure state
/// machine fed 10 or 20 ms frames of 8 kHz 16-bit audio. Its own frame energy and
/// voice-activity hysteresis (noise floor tracked from the quietest frames) segment the
/// greeting into words and silences:
/// - a short greeting ("hello?") followed by `afterGreetingSilenceMs` of silence → human;
/// - speech totalling `greetingMs`, or more than `maxWords` words → machine;
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
    var elapsedMs = 0
    var noiseFloorDbfs: Double?
    var inSpeech = false
    var voicedRunMs = 0
    var silenceRunMs = 0
    var voicedTotalMs = 0
    var inWord = false
    var wordCount = 0
    var previousSample = 0.0
    /// Level of the last frame after pre-emphasis, in dBFS (what the speech gate compares).
    public private(set) var lastLevelDbfs = -120.0

    public init(configuration: AMDConfiguration = AMDConfiguration(), sampleRateHz: Int = 8000) {
        self.configuration = configuration
        self.sampleRateHz = sampleRateHz
        beepDetector = BeepDetector(sampleRateHz: sampleRateHz, minBeepMs: configuration.minBeepMs)
    }

    /// Audio time analysed so far.
    public var analysedMs: Int { elapsedMs }

    /// Feeds one frame (any length; 80 or 160 samples at 8 kHz are usual). Returns the
    /// decision once, and each beep as it ends.
    public mutating func process(_ frame: Span<Int16>) -> AMDAction? {
        let frameMs = frame.count * 1000 / sampleRateHz
        if let beep = beepDetector.process(frame) {
            if decision == nil {
                pendingBeep = beep
                return decide(.machine, .beep, at: elapsedMs + frameMs)
            }
            elapsedMs += frameMs
            return .beep(beep)
        }
        if let beep = pendingBeep {
            pendingBeep = nil
            elapsedMs += frameMs
            return .beep(beep)
        }
        let energy = preEmphasisedEnergy(frame)
        let level = ToneAnalysis.levelDbfs(energy: energy, count: frame.count)
        lastLevelDbfs = level
        elapsedMs += frameMs
        guard decision == nil else { return nil }
        return classify(level: level, frameMs: frameMs)
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

    mutating func classify(level: Double, frameMs: Int) -> AMDAction? {
        let c = configuration
        // Noise floor: follows quiet frames down at once, creeps up 0.5 dB/s otherwise.
        var floor = noiseFloorDbfs ?? level
        if level < floor { floor = level } else { floor += 0.5 * Double(frameMs) / 1000 }
        noiseFloorDbfs = floor
        let onset = max(c.minSpeechDbfs, floor + c.speechOverNoiseDb)
        inSpeech = inSpeech ? level >= onset - c.hysteresisDb : level >= onset

        if inSpeech {
            voicedRunMs += frameMs
            silenceRunMs = 0
            if wordCount > 0 || voicedRunMs >= c.minWordMs { voicedTotalMs += frameMs }
            if !inWord && voicedRunMs >= c.minWordMs {
                inWord = true
                wordCount += 1
                voicedTotalMs = max(voicedTotalMs, voicedRunMs)
                if wordCount > c.maxWords { return decide(.machine, .maxWords, at: elapsedMs) }
            }
            if voicedTotalMs >= c.greetingMs { return decide(.machine, .longGreeting, at: elapsedMs) }
        } else {
            silenceRunMs += frameMs
            if silenceRunMs >= c.betweenWordsSilenceMs {
                inWord = false
                voicedRunMs = 0
            }
            if wordCount == 0 && elapsedMs >= c.initialSilenceMs {
                return decide(.unknown, .initialSilence, at: elapsedMs)
            }
            if wordCount > 0 && silenceRunMs >= c.afterGreetingSilenceMs {
                return decide(.human, .shortGreeting, at: elapsedMs)
            }
        }
        if elapsedMs >= c.totalAnalysisMs {
            return decide(inSpeech && wordCount > 0 ? .machine : .unknown, .deadline, at: elapsedMs)
        }
        return nil
    }

    mutating func decide(_ verdict: AMDVerdict, _ reason: AMDDecision.Reason, at ms: Int) -> AMDAction {
        let d = AMDDecision(verdict: verdict, reason: reason, atMs: ms)
        decision = d
        return .decided(d)
    }
}
