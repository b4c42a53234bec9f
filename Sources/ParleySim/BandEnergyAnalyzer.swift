import Foundation

/// Log band energies of 8 kHz audio: eight band-pass filters (RBJ biquads, 250–3300 Hz,
/// half an octave apart) whose energies are summed over 10 ms blocks and reported per
/// 30 ms window every 10 ms, in dB. Log energies make a fingerprint that ignores gain;
/// the telephone band and 30 ms windows keep it stable through G.711, a few ms of offset
/// and moderate noise.
///
/// Everything is allocated in `init`; `push` does no allocation.
struct BandEnergyAnalyzer: Sendable {
    static let bandCount = 8
    /// 10 ms at 8 kHz.
    static let blockSamples = 80
    static let blockMs = 10
    /// Blocks summed into one window (30 ms).
    static let windowBlocks = 3
    static let centreFrequenciesHz: [Double] = [250, 360, 520, 750, 1_080, 1_550, 2_230, 3_200]
    /// Added to the mean power before the log: −60 dBFS, so silence and faint noise look alike.
    static let powerFloor: Float = 1_000

    private var coefficients: [Float]       // b0 b1 b2 a1 a2 per band
    private var state: [Float]              // x1 x2 y1 y2 per band
    private var blockEnergy: [Float]        // per band, current block
    private var history: [Float]            // windowBlocks × bands, ring
    private var historyIndex = 0
    private var blockFill = 0
    private var blockBroadband: Float = 0
    /// Blocks completed so far.
    private(set) var blockCount = 0
    /// Broadband level of the last completed block, dBFS-like (10·log10 of mean power).
    private(set) var lastBlockLevelDb: Float = -100

    init(sampleRateHz: Double = 8_000, q: Double = 2.0) {
        var c: [Float] = []
        for f in Self.centreFrequenciesHz {
            let w0 = 2 * Double.pi * f / sampleRateHz
            let alpha = sin(w0) / (2 * q)
            let a0 = 1 + alpha
            c += [Float(alpha / a0), 0, Float(-alpha / a0), Float(-2 * cos(w0) / a0), Float((1 - alpha) / a0)]
        }
        coefficients = c
        state = [Float](repeating: 0, count: Self.bandCount * 4)
        blockEnergy = [Float](repeating: 0, count: Self.bandCount)
        history = [Float](repeating: 0, count: Self.bandCount * Self.windowBlocks)
    }

    /// Feeds one sample; true when it completed a 10 ms block (read it with `frame(into:)`).
    @inline(__always)
    mutating func push(_ sample: Int16) -> Bool {
        let x = Float(sample)
        blockBroadband += x * x
        for b in 0..<Self.bandCount {
            let c = b * 5, s = b * 4
            let y = coefficients[c] * x + coefficients[c + 1] * state[s] + coefficients[c + 2] * state[s + 1]
                - coefficients[c + 3] * state[s + 2] - coefficients[c + 4] * state[s + 3]
            state[s + 1] = state[s]; state[s] = x
            state[s + 3] = state[s + 2]; state[s + 2] = y
            blockEnergy[b] += y * y
        }
        blockFill += 1
        guard blockFill == Self.blockSamples else { return false }
        for b in 0..<Self.bandCount {
            history[historyIndex * Self.bandCount + b] = blockEnergy[b]
            blockEnergy[b] = 0
        }
        historyIndex = (historyIndex + 1) % Self.windowBlocks
        lastBlockLevelDb = 10 * log10(blockBroadband / Float(Self.blockSamples) + 1) - 90.3
        blockBroadband = 0
        blockFill = 0
        blockCount += 1
        return true
    }

    /// The current window's log band energies (dB) into `out[offset..<offset+bandCount]`.
    func frame(into out: inout [Float], at offset: Int) {
        let n = Float(Self.blockSamples * Self.windowBlocks)
        for b in 0..<Self.bandCount {
            var sum: Float = 0
            for h in 0..<Self.windowBlocks { sum += history[h * Self.bandCount + b] }
            out[offset + b] = 10 * log10(sum / n + Self.powerFloor)
        }
    }

    /// Offline: one frame per 10 ms block of `samples` (bands × frames, frame-major),
    /// and each block's broadband level in dB.
    static func analyse(_ samples: [Int16]) -> (frames: [Float], levelsDb: [Float]) {
        var analyzer = BandEnergyAnalyzer()
        var frames: [Float] = []
        var levels: [Float] = []
        frames.reserveCapacity(samples.count / blockSamples * bandCount + bandCount)
        for s in samples where analyzer.push(s) {
            let at = frames.count
            frames += [Float](repeating: 0, count: bandCount)
            analyzer.frame(into: &frames, at: at)
            levels.append(analyzer.lastBlockLevelDb)
        }
        return (frames, levels)
    }
}
