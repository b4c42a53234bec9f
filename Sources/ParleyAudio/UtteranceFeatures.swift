import Foundation

/// Acoustic features of one utterance for the emotion classifier: energy and pitch
/// statistics and a speaking-rate estimate. Collected frame by frame while the caller
/// speaks (on the cleaned audio) by `UtteranceFeatureCollector`.
public struct UtteranceFeatures: Sendable, Equatable {
    public var durationMs: Int
    public var energyMeanDbfs: Float
    public var energyStdDb: Float
    /// Fundamental frequency over voiced frames (Hz); 0 when no frame was voiced.
    public var pitchMeanHz: Float
    public var pitchStdHz: Float
    public var pitchMinHz: Float
    public var pitchMaxHz: Float
    /// Share of analysed frames with a clear pitch.
    public var voicedRatio: Float
    /// Energy peaks (syllable nuclei) per second.
    public var syllablesPerSecond: Float
}

/// Collects `UtteranceFeatures`. Pitch by normalized autocorrelation over 30 ms (60-400 Hz),
/// computed every second frame; syllables as energy-envelope peaks (a 6 dB rise from the
/// last dip, then a 2 dB fall). Buffers are allocated in `init`; `add` does not allocate.
public struct UtteranceFeatureCollector: Sendable {
    private let sampleRate: Int
    private var history: [Float]
    private var correlations: [Float]
    private var frames = 0
    private var energySum: Float = 0
    private var energySquares: Float = 0
    private var pitchSum: Float = 0
    private var pitchSquares: Float = 0
    private var pitchMin: Float = .infinity
    private var pitchMax: Float = 0
    private var pitchFrames = 0
    private var analysedFrames = 0
    private var peaks = 0
    private var rising = false
    private var lastDb: Float = -100
    private var dipDb: Float = -100

    public init(format: AudioFormat) {
        sampleRate = format.sampleRate
        history = [Float](repeating: 0, count: format.samples(ms: 30))
        correlations = [Float](repeating: 0, count: format.sampleRate / 60 + 1)
    }

    public mutating func reset() {
        frames = 0
        energySum = 0; energySquares = 0
        pitchSum = 0; pitchSquares = 0; pitchMin = .infinity; pitchMax = 0
        pitchFrames = 0; analysedFrames = 0; peaks = 0
        rising = false; lastDb = -100; dipDb = -100
        for i in 0..<history.count { history[i] = 0 }
    }

    /// One 10 ms frame of the utterance.
    public mutating func add(_ frame: borrowing [Int16]) {
        let n = frame.count
        // Shift the 30 ms history and append the frame.
        let keep = history.count - n
        for i in 0..<keep { history[i] = history[i + n] }
        var sum: Float = 0
        for i in 0..<n {
            let v = Float(frame[i])
            history[keep + i] = v
            sum += v * v
        }
        let db = sum > 0 ? 10 * log10(sum / Float(n) / 1073741824) : -100
        frames += 1
        energySum += db
        energySquares += db * db
        // Syllable nuclei: a peak after a rise of 3 dB from the last dip.
        if db > lastDb {
            if !rising && db - dipDb >= 6 { rising = true }
        } else if rising && lastDb - db >= 2 {
            peaks += 1
            rising = false
            dipDb = db
        }
        if !rising { dipDb = min(dipDb, db) }
        lastDb = db
        if frames >= 3 && frames % 2 == 0 && db > -50 { analysePitch() }
    }

    private mutating func analysePitch() {
        analysedFrames += 1
        let minLag = sampleRate / 400
        let maxLag = sampleRate / 60
        let window = history.count - maxLag
        guard window > 0 else { return }
        var bestLag = 0
        var best: Float = 0
        var e0: Float = 0
        for i in 0..<window { e0 += history[i] * history[i] }
        for lag in minLag...maxLag {
            var sxy: Float = 0
            var syy: Float = 0
            for i in 0..<window {
                let y = history[i + lag]
                sxy += history[i] * y
                syy += y * y
            }
            let d = (e0 * syy).squareRoot()
            let c = d > 0 ? sxy / d : 0
            correlations[lag] = c
            if c > best { best = c }
        }
        guard best >= 0.6 else { return }
        // The shortest lag that is a local peak close to the best: avoids octave-down errors
        // (the correlation at two periods is nearly as high as at one).
        for lag in minLag...maxLag where correlations[lag] >= 0.9 * best {
            let left = lag > minLag ? correlations[lag - 1] : -1
            let right = lag < maxLag ? correlations[lag + 1] : -1
            if correlations[lag] >= left && correlations[lag] >= right { bestLag = lag; break }
        }
        guard bestLag > 0 else { return }
        let f0 = Float(sampleRate) / Float(bestLag)
        pitchFrames += 1
        pitchSum += f0
        pitchSquares += f0 * f0
        pitchMin = min(pitchMin, f0)
        pitchMax = max(pitchMax, f0)
    }

    public var features: UtteranceFeatures {
        let n = Float(max(frames, 1))
        let mean = energySum / n
        let p = Float(max(pitchFrames, 1))
        let pitchMean = pitchFrames > 0 ? pitchSum / p : 0
        return UtteranceFeatures(
            durationMs: frames * AudioFormat.frameMs,
            energyMeanDbfs: mean,
            energyStdDb: max(0, energySquares / n - mean * mean).squareRoot(),
            pitchMeanHz: pitchMean,
            pitchStdHz: pitchFrames > 0 ? max(0, pitchSquares / p - pitchMean * pitchMean).squareRoot() : 0,
            pitchMinHz: pitchFrames > 0 ? pitchMin : 0,
            pitchMaxHz: pitchMax,
            voicedRatio: analysedFrames > 0 ? Float(pitchFrames) / Float(analysedFrames) : 0,
            syllablesPerSecond: frames > 0 ? Float(peaks) / (Float(frames) / 100) : 0)
    }
}
