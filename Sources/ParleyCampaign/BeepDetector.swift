/// Finds a voicemail beep: one frequency between `lowHz` and `highHz` holding at least
/// `minToneShare` of the frame energy, steady (within one bank step) for at least
/// `minBeepMs`. The share is 0.8: labelled beeps measure ≥ 0.88 even under music or noise
/// at 12 dB SNR, while a long sung-out vowel (one strong harmonic) reaches ~0.7 and at 0.6
/// passed for a beep in the middle of a greeting. Goertzel filter
/// bank, coefficients computed at setup; `process` does not allocate.
public struct BeepDetector: Sendable {
    public let sampleRateHz: Int
    public let minBeepMs: Int
    let frequenciesHz: [Double]
    let coefficients: [Double]
    let stepHz: Double
    var elapsedMs = 0
    var toneStartMs: Int?
    var toneBin = -1
    var minToneShare = 0.8
    var minLevelDbfs = -40.0

    public init(sampleRateHz: Int = 8000, lowHz: Double = 600, highHz: Double = 2100, stepHz: Double = 25,
                minBeepMs: Int = 150) {
        self.sampleRateHz = sampleRateHz
        self.minBeepMs = minBeepMs
        self.stepHz = stepHz
        var f: [Double] = []
        var hz = lowHz
        while hz <= highHz { f.append(hz); hz += stepHz }
        frequenciesHz = f
        coefficients = f.map { ToneAnalysis.coefficient(frequencyHz: $0, sampleRateHz: Double(sampleRateHz)) }
    }

    /// Whether the last frame continued a steady tone that has already lasted `minBeepMs`:
    /// a beep is being heard (it is returned by `process` when it ends).
    public var isHearingBeep: Bool {
        guard let start = toneStartMs else { return false }
        return elapsedMs - start >= minBeepMs
    }

    /// Feeds one frame; returns the beep when a steady tone of sufficient length ends.
    public mutating func process(_ frame: Span<Int16>) -> BeepDetection? {
        let frameMs = frame.count * 1000 / sampleRateHz
        let energy = ToneAnalysis.energy(frame)
        let level = ToneAnalysis.levelDbfs(energy: energy, count: frame.count)
        var bestBin = -1
        var bestShare = 0.0
        if level >= minLevelDbfs {
            for i in 0..<coefficients.count {
                let share = ToneAnalysis.toneShare(frame, coefficient: coefficients[i], energy: energy)
                if share > bestShare { bestShare = share; bestBin = i }
            }
        }
        let frameStart = elapsedMs
        elapsedMs += frameMs
        let tonal = bestShare >= minToneShare
        if tonal, toneStartMs != nil, abs(bestBin - toneBin) <= 1 {
            return nil   // the tone goes on
        }
        var result: BeepDetection?
        if let start = toneStartMs, frameStart - start >= minBeepMs {
            result = BeepDetection(startMs: start, endMs: frameStart, frequencyHz: Int(frequenciesHz[toneBin].rounded()))
        }
        toneStartMs = tonal ? frameStart : nil
        toneBin = tonal ? bestBin : -1
        return result
    }
}
