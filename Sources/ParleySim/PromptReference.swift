import Foundation

/// The fingerprint of one prompt recording (one fixed segment of a prompt variant):
/// the change of log band energies every 10 ms, which frames carry sound, and for each
/// alignment the norm of the window the recognizer compares against.
public struct PromptReference: Sendable {
    public var prompt: String
    public var variant: String
    /// Index among the variant's segments.
    public var segmentIndex: Int
    /// Nothing plays before it in its prompt: a match dates the prompt's start exactly.
    public var isFirst: Bool
    /// No fixed recording follows it: when it ends, the prompt ends.
    public var isLast: Bool
    /// 10 ms frames.
    public let frameCount: Int
    /// frameCount × bandCount log-energy deltas (dB), frame-major.
    let frames: [Float]
    /// The same deltas, one vector of the eight bands per frame (what matching reads).
    let vectors: [SIMD8<Float>]
    /// First differences of `samples` (index 0 is 0), what the waveform check correlates.
    let differences: [Float]
    /// The recording itself (8 kHz): a match is checked against its waveform.
    let samples: [Int16]
    /// Per frame: louder than the recording's peak level − 25 dB.
    let active: [Bool]
    /// Alignments that fit a whole window: `frameCount − span + 1` (0 when too short).
    let alignmentCount: Int
    /// Per alignment: the norm of its window of deltas.
    let norms: [Float]
    /// Frames of a window compared before each bound check of the pruned search.
    static let pruneStrideFrames = 5
    /// Per bound check `c` (after `(c + 1) × pruneStrideFrames` frames) and alignment `k`, at
    /// `c × alignmentCount + k`: the norm of the window's frames not yet compared. With the
    /// live window's own remainder norm it bounds what those frames can add to the dot
    /// product (Cauchy–Schwarz), so an alignment that cannot reach the score needed is
    /// dropped part way.
    let tailNorms: [Float]
    /// Bound checks per alignment.
    let pruneChecks: Int

    /// Duration in ms.
    public var durationMs: Int { frameCount * BandEnergyAnalyzer.blockMs }

    public init(prompt: String, variant: String, segmentIndex: Int, isFirst: Bool, isLast: Bool,
                samples: [Int16], windowFrames: Int) {
        self.prompt = prompt
        self.variant = variant
        self.segmentIndex = segmentIndex
        self.isFirst = isFirst
        self.isLast = isLast
        let (energies, levels) = BandEnergyAnalyzer.analyse(samples)
        let bands = BandEnergyAnalyzer.bandCount
        self.frames = Self.deltas(energies, bands: bands)
        self.samples = samples
        self.frameCount = levels.count
        let peak = levels.max() ?? -100
        self.active = levels.map { $0 > peak - 25 }
        let alignments = max(0, levels.count - windowFrames + 1)
        self.alignmentCount = alignments
        var norms = [Float](repeating: 0, count: alignments)
        let width = windowFrames * bands
        for k in 0..<alignments {
            var sumSquares: Float = 0
            for i in 0..<width { sumSquares += frames[k * bands + i] * frames[k * bands + i] }
            norms[k] = sumSquares.squareRoot()
        }
        self.norms = norms
        precondition(bands == 8, "matching reads a frame's bands as one SIMD8")
        var vectors = [SIMD8<Float>](repeating: .zero, count: levels.count)
        var frameEnergies = [Float](repeating: 0, count: levels.count)
        for f in 0..<levels.count {
            for b in 0..<bands { vectors[f][b] = frames[f * bands + b] }
            frameEnergies[f] = (vectors[f] * vectors[f]).sum()
        }
        self.vectors = vectors
        let stride = Self.pruneStrideFrames
        let checks = max(0, (windowFrames - 1) / stride)
        var tails = [Float](repeating: 0, count: checks * alignments)
        for c in 0..<checks {
            let from = (c + 1) * stride
            for k in 0..<alignments {
                var sum: Float = 0
                for f in (k + from)..<(k + windowFrames) { sum += frameEnergies[f] }
                tails[c * alignments + k] = sum.squareRoot()
            }
        }
        self.tailNorms = tails
        self.pruneChecks = checks
        var differences = [Float](repeating: 0, count: samples.count)
        for i in 1..<max(1, samples.count) { differences[i] = Float(samples[i]) - Float(samples[i - 1]) }
        self.differences = differences
    }

    /// Frame-to-frame change of each band's log energy (the first frame's is 0): less the
    /// frame's mean change across bands: how the spectrum's shape moves, which tells one
    /// utterance from another; gain, tilt and plain loudness changes drop out.
    static func deltas(_ energies: [Float], bands: Int) -> [Float] {
        var out = [Float](repeating: 0, count: energies.count)
        var f = bands
        while f + bands <= energies.count {
            var mean: Float = 0
            for b in 0..<bands { mean += energies[f + b] - energies[f + b - bands] }
            mean /= Float(bands)
            for b in 0..<bands {
                out[f + b] = max(-PromptRecognizer.maxDeltaDb, min(PromptRecognizer.maxDeltaDb, energies[f + b] - energies[f + b - bands] - mean))
            }
            f += bands
        }
        return out
    }

    /// Cosine similarity between the live window (`live`, one vector per frame, norm
    /// `liveNorm`) and this recording's window at alignment `k`: frame by frame into one
    /// vector, summed across bands at the end (the pruned search adds in the same order,
    /// so both give the same figure).
    func score(at k: Int, live: [SIMD8<Float>], liveNorm: Float) -> Float {
        let refNorm = norms[k]
        guard refNorm > 0, liveNorm > 0 else { return 0 }
        var acc = SIMD8<Float>.zero
        for t in 0..<live.count { acc += live[t] * vectors[k + t] }
        return acc.sum() / (refNorm * liveNorm)
    }

    /// The same similarity one product at a time, frame-major (the reference arithmetic,
    /// kept for the exhaustive search that tests and `parley bench sim` compare against).
    func scalarScore(at k: Int, live: [Float], liveNorm: Float, width: Int) -> Float {
        let refNorm = norms[k]
        guard refNorm > 0, liveNorm > 0 else { return 0 }
        let base = k * BandEnergyAnalyzer.bandCount
        var dot: Float = 0
        for i in 0..<width { dot += live[i] * frames[base + i] }
        return dot / (refNorm * liveNorm)
    }
}
