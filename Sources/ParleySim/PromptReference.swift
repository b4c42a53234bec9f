import Foundation

/// The fingerprint of one prompt recording (one fixed segment of a prompt variant):
/// log band energies every 10 ms, which frames carry sound, and for each alignment the
/// per-band norms of the mean-free window the recognizer compares against.
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
    /// frameCount × bandCount log energies (dB), frame-major.
    let frames: [Float]
    /// Per frame: louder than the recording's peak level − 35 dB.
    let active: [Bool]
    /// Alignments that fit a whole window: `frameCount − span + 1` (0 when too short).
    let alignmentCount: Int
    /// alignmentCount × bandCount: norm of each band's mean-free strided window; 0 when
    /// the band is too flat to compare.
    let norms: [Float]

    /// Duration in ms.
    public var durationMs: Int { frameCount * BandEnergyAnalyzer.blockMs }

    public init(prompt: String, variant: String, segmentIndex: Int, isFirst: Bool, isLast: Bool,
                samples: [Int16], windowFrames: Int, frameStride: Int) {
        self.prompt = prompt
        self.variant = variant
        self.segmentIndex = segmentIndex
        self.isFirst = isFirst
        self.isLast = isLast
        let (frames, levels) = BandEnergyAnalyzer.analyse(samples)
        let bands = BandEnergyAnalyzer.bandCount
        self.frames = frames
        self.frameCount = levels.count
        let peak = levels.max() ?? -100
        self.active = levels.map { $0 > peak - 35 }
        let span = (windowFrames - 1) * frameStride + 1
        let alignments = max(0, levels.count - span + 1)
        self.alignmentCount = alignments
        var norms = [Float](repeating: 0, count: alignments * bands)
        let minNorm = PromptRecognizer.minBandDeviationDb * Float(windowFrames).squareRoot()
        for k in 0..<alignments {
            for b in 0..<bands {
                var sum: Float = 0, sumSquares: Float = 0
                for t in 0..<windowFrames {
                    let v = frames[(k + t * frameStride) * bands + b]
                    sum += v; sumSquares += v * v
                }
                let n = Float(windowFrames)
                let norm = max(0, sumSquares - sum * sum / n).squareRoot()
                norms[k * bands + b] = norm >= minNorm ? norm : 0
            }
        }
        self.norms = norms
    }

    /// Mean over bands of the normalised correlation between the live window (mean-free,
    /// `live`, windowFrames × bands, with `liveNorms`) and this recording at alignment `k`.
    /// Flat bands count as 0, so silence never matches.
    func score(at k: Int, live: [Float], liveNorms: [Float], windowFrames: Int, frameStride: Int) -> Float {
        let bands = BandEnergyAnalyzer.bandCount
        var total: Float = 0
        for b in 0..<bands {
            let refNorm = norms[k * bands + b], liveNorm = liveNorms[b]
            guard refNorm > 0, liveNorm > 0 else { continue }
            var dot: Float = 0
            for t in 0..<windowFrames {
                dot += live[t * bands + b] * frames[(k + t * frameStride) * bands + b]
            }
            total += dot / (refNorm * liveNorm)
        }
        return total / Float(bands)
    }
}
