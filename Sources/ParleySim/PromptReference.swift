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
    /// The recording itself (8 kHz): a match is checked against its waveform.
    let samples: [Int16]
    /// Per frame: louder than the recording's peak level − 25 dB.
    let active: [Bool]
    /// Alignments that fit a whole window: `frameCount − span + 1` (0 when too short).
    let alignmentCount: Int
    /// Per alignment: the norm of its window of deltas.
    let norms: [Float]

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

    /// Cosine similarity between the live window (`live`, windowFrames × bands of deltas,
    /// norm `liveNorm`) and this recording's window at alignment `k`.
    func score(at k: Int, live: [Float], liveNorm: Float, width: Int) -> Float {
        let refNorm = norms[k]
        guard refNorm > 0, liveNorm > 0 else { return 0 }
        let base = k * BandEnergyAnalyzer.bandCount
        var dot: Float = 0
        for i in 0..<width { dot += live[i] * frames[base + i] }
        return dot / (refNorm * liveNorm)
    }
}
