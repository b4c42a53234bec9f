/// The search for the recording alignment that best matches the live window, and the
/// check of a hypothesis around where it should be.
///
/// The search compares every alignment of every recording (a few thousand for a script's
/// prompts, 25 frames × 8 bands each), every 20 ms while nothing is tracked: it is most of
/// what recognition costs. Its result is used only when it reaches `matchThreshold`, so
/// the pruned search (the default) drops, part way through the window, each alignment that
/// can no longer reach that threshold or the best score found so far: after every
/// `PromptReference.pruneStrideFrames` frames, the dot product so far plus the product of
/// the norms of the frames still to compare (live and recording; Cauchy–Schwarz) bounds
/// the final dot product. A dropped alignment's score is certainly below the one kept, so
/// the pruned search finds the same alignment with the same score as comparing them all.
extension PromptRecognizer {
    struct Candidate {
        var reference: Int
        var alignment: Int
        var score: Float
    }

    /// Counts of the search's work, for `parley bench sim` (not used in decisions).
    public struct SearchCounters: Sendable, Equatable {
        /// Searches run (each covers every recording).
        public var searches = 0
        /// Alignments looked at.
        public var alignments = 0
        /// Frames compared (8 bands each); `alignments × windowFrames` without pruning.
        public var framesCompared = 0

        public init() {}
    }

    /// Bound checks leave this much room for rounding (relative to the norms' product):
    /// products differ from the exact ones by far less.
    static let pruneMargin: Float = 1e-4

    /// Best alignment over every recording if it scores at least `floor`, else nil.
    mutating func search(atLeast floor: Float) -> Candidate? {
        guard windowNorm > 0 else { return nil }
        searchCounters.searches += 1
        let best = configuration.pruneSearch ? prunedSearch(atLeast: floor) : exhaustiveSearch()
        guard let best, best.score >= floor else { return nil }
        return best
    }

    /// Every alignment, but each dropped as soon as its bound falls below the score needed.
    /// Two passes per recording: the first compares every alignment's first frames without
    /// a branch (it keeps the survivors and their partial sums in scratch; most alignments
    /// end there), the second finishes the survivors with a check every few frames.
    mutating func prunedSearch(atLeast floor: Float) -> Candidate? {
        let n = configuration.windowFrames
        let stride = PromptReference.pruneStrideFrames
        let live = windowVectors
        let liveTails = windowTailNorms
        let liveNorm = windowNorm
        var best: Candidate?
        var needed = floor
        var alignments = 0, frames = 0
        for j in 0..<references.count {
            let ref = references[j]
            let count = ref.alignmentCount
            let vectors = ref.vectors
            let norms = ref.norms
            let tails = ref.tailNorms
            let checks = min(ref.pruneChecks, liveTails.count)
            alignments += count
            guard checks > 0 else {
                // Too short a window to prune: every alignment in full.
                for k in 0..<count where norms[k] > 0 {
                    frames += n
                    let s = ref.score(at: k, live: live, liveNorm: liveNorm)
                    if best == nil || s > best!.score { best = Candidate(reference: j, alignment: k, score: s); needed = max(needed, s) }
                }
                continue
            }
            // Pass 1: the first `stride` frames of every alignment.
            var survivors = 0
            let target1 = needed - Self.pruneMargin
            for k in 0..<count {
                var acc = SIMD8<Float>.zero
                for t in 0..<stride { acc += live[t] * vectors[k + t] }
                let scale = norms[k] * liveNorm
                searchPartials[survivors] = acc
                searchSurvivors[survivors] = k
                let keep = scale > 0 && acc.sum() + liveTails[0] * tails[k] >= target1 * scale
                survivors &+= keep ? 1 : 0
            }
            frames += count * stride
            // Pass 2: the survivors, checked again every `stride` frames.
            survivorLoop: for i in 0..<survivors {
                let k = searchSurvivors[i]
                var acc = searchPartials[i]
                let scale = norms[k] * liveNorm
                let target = (needed - Self.pruneMargin) * scale
                var t = stride
                for c in 1..<checks {
                    let to = (c + 1) * stride
                    while t < to { acc += live[t] * vectors[k + t]; t += 1 }
                    if acc.sum() + liveTails[c] * tails[c * count + k] < target {
                        frames += t - stride
                        continue survivorLoop
                    }
                }
                while t < n { acc += live[t] * vectors[k + t]; t += 1 }
                frames += n - stride
                let s = acc.sum() / scale
                if best == nil || s > best!.score {
                    best = Candidate(reference: j, alignment: k, score: s)
                    needed = max(needed, s)
                }
            }
        }
        searchCounters.alignments += alignments
        searchCounters.framesCompared += frames
        return best
    }

    /// Every alignment in full, one product at a time (the search as first written: the
    /// reference the pruned search is tested and benchmarked against).
    mutating func exhaustiveSearch() -> Candidate? {
        var best: Candidate?
        let width = configuration.windowFrames * BandEnergyAnalyzer.bandCount
        for (j, ref) in references.enumerated() {
            searchCounters.alignments += ref.alignmentCount
            searchCounters.framesCompared += ref.alignmentCount * configuration.windowFrames
            for k in 0..<ref.alignmentCount {
                let s = ref.scalarScore(at: k, live: window, liveNorm: windowNorm, width: width)
                if best == nil || s > best!.score { best = Candidate(reference: j, alignment: k, score: s) }
            }
        }
        return best
    }

    /// Best score of recording `j` within ±2 frames of `position`, and where.
    func verify(_ j: Int, position: Int) -> (position: Int, score: Float) {
        let ref = references[j]
        let n = configuration.windowFrames
        let k0 = position - (n - 1)
        guard ref.alignmentCount > 0, k0 >= -2, k0 < ref.alignmentCount + 2 else { return (position, -1) }
        var bestK = 0, bestScore: Float = -1
        for k in max(0, k0 - 2)...min(ref.alignmentCount - 1, max(0, k0 + 2)) {
            let s = ref.score(at: k, live: windowVectors, liveNorm: windowNorm)
            if s > bestScore { bestScore = s; bestK = k }
        }
        return (bestK + n - 1, bestScore)
    }
}
