/// What Parley played, indexed by play time (sample time from RTP timestamps), and what it
/// heard back: the history the echo canceller and the echo-aware speech gate read from.
///
/// Per frame: the played frame is written at its sample time, the capture frame likewise;
/// the coarse delay estimator gets four 2.5 ms sub-blocks; every few frames a sample-exact
/// search refines the delay around the coarse estimate; `echoCorrelation()` then measures the
/// normalized cross-correlation between the last 20 ms of capture and the reference at that
/// delay. Echo alone correlates near 1; a caller talking over it pulls the value down.
struct EchoReference {
    let format: AudioFormat
    let maxDelayMs: Int
    private var played: [Int16]
    private var heard: [Int16]
    /// Zeros written last into `heard`, in a row (at its count: the ring holds only zeros).
    private var heardZeroSamples: Int
    /// `heard.count`, kept here: on a silent line the ring itself is not touched.
    private let heardCount: Int
    /// Per-frame energy of what was played (mean square), ring indexed by frame number.
    private var playedFrameEnergy: [Float]
    private var estimator: EchoDelayEstimator
    private(set) var fineDelaySamples = -1
    private var framesSinceRefine = 0
    private var refinedFromLagBlocks = -1
    /// Scratch for the delay searches: contiguous copies of the two signals (the longest:
    /// 20 ms of capture against ±`relocateSpanMs` of reference), the coarse pass's sparse
    /// capture, its score per lag and its best peaks.
    private var searchCapture: [Float]
    private var searchPlayed: [Float]
    private var coarseCapture: [Float]
    private var coarseScores: [Float]
    private var candidateOffsets: [Int]
    private var candidateScores: [Float]
    /// Sample time just past the newest frame written.
    private(set) var endSampleTime: Int64 = 0
    static let relocateSpanMs = 120
    /// The coarse pass reads every `coarseStride`-th capture sample (2 kHz: 40 samples of a
    /// 20 ms window).
    let coarseStride: Int
    /// Peaks of the coarse pass scored again at full resolution, each ±`refineSpread` lags.
    static let coarseCandidateCount = 4
    static let refineSpread = 2
    /// Multiply-adds of the last search, block sums counted as one each (for the benchmark).
    private(set) var lastSearchMultiplyAdds = 0
    private var framesSinceRelocate = 1_000
    /// Frames left during which a relocated delay overrides the (slower) coarse estimate.
    private var relocatedHoldFrames = 0
    /// Times the wide search found the echo at a new delay.
    private(set) var relocationCount = 0

    init(format: AudioFormat, maxDelayMs: Int) {
        self.format = format
        self.maxDelayMs = maxDelayMs
        let span = format.samples(ms: maxDelayMs + 100)
        played = [Int16](repeating: 0, count: span)
        heard = [Int16](repeating: 0, count: format.samples(ms: 80))
        heardCount = heard.count
        heardZeroSamples = heard.count
        playedFrameEnergy = [Float](repeating: 0, count: maxDelayMs / AudioFormat.frameMs + 4)
        estimator = EchoDelayEstimator(maxDelayMs: maxDelayMs)
        searchCapture = [Float](repeating: 0, count: format.samples(ms: 40))
        let playedCount = max(format.samples(ms: 40 + 2 * 4), format.samples(ms: 20 + 2 * Self.relocateSpanMs),
                              format.samples(ms: 20 + maxDelayMs)) + 1
        searchPlayed = [Float](repeating: 0, count: playedCount)
        coarseStride = max(1, format.sampleRate / 2000)
        coarseCapture = [Float](repeating: 0, count: searchCapture.count / coarseStride + 1)
        coarseScores = [Float](repeating: 0, count: playedCount)
        candidateOffsets = [Int](repeating: 0, count: Self.coarseCandidateCount)
        candidateScores = [Float](repeating: 0, count: Self.coarseCandidateCount)
    }

    /// A delay has been found (the estimate is kept through double talk, when the coarse
    /// correlation drops).
    var isDelayConfident: Bool { fineDelaySamples >= 0 }
    var delayMs: Int { fineDelaySamples >= 0 ? fineDelaySamples * 1000 / format.sampleRate : Int(estimator.delayMs) }
    var coarseCorrelation: Float { estimator.bestCorrelation }

    /// A played sample by sample time (0 before the start or beyond the history).
    @inline(__always) func played(at t: Int64) -> Float {
        guard t >= 0, t < endSampleTime, endSampleTime - t <= Int64(played.count) else { return 0 }
        return Float(played[Int(t % Int64(played.count))])
    }

    var fineDelay: Int { fineDelaySamples }

    @inline(__always) private func playedSample(_ t: Int64) -> Int16 {
        played[Int(t % Int64(played.count))]
    }
    @inline(__always) private func heardSample(_ t: Int64) -> Int16 {
        heard[Int(t % Int64(heard.count))]
    }

    /// Largest played frame energy over the possible echo window (now back to `maxDelayMs`),
    /// taken once per frame in `write`: the gate, the correlation, the coupling and the
    /// estimator all read it.
    private(set) var maxPlayedEnergyInEchoWindow: Float = 0

    /// Mean-square energy of what was played one (estimated) delay before the newest frame.
    func playedEnergyAtDelay() -> Float {
        guard fineDelaySamples >= 0 else { return maxPlayedEnergyInEchoWindow }
        let n = format.frameSamples
        var sum: Float = 0
        let start = endSampleTime - Int64(n) - Int64(fineDelaySamples)
        guard start >= 0 else { return 0 }
        for i in 0..<n {
            let v = Float(playedSample(start + Int64(i)))
            sum += v * v
        }
        return sum / Float(n)
    }

    /// Writes one tick: `playedFrame` (silence when nil) and `captureFrame`, both starting at
    /// `sampleTime`. `updateEstimate` is false when the echo path is idle. `nearEndActive`:
    /// the caller seems to be talking; the coarse estimate still learns (a caller's voice
    /// does not correlate with the prompt, so it lowers the peak without moving it, and a
    /// moved peak must hold still before it counts), but only a moved estimate is refined.
    /// (Freezing the estimate there deadlocked: a wrong delay makes the echo look like a
    /// caller, which froze the wrong delay for the rest of the call.)
    /// `captureIsZero`: the caller already knows whether the capture is all zeros (nil: look).
    mutating func write(played playedFrame: borrowing [Int16], playedIsSilent: Bool,
                        capture captureFrame: borrowing [Int16], sampleTime: Int64, updateEstimate: Bool,
                        nearEndActive: Bool = false, captureIsZero knownZero: Bool? = nil) {
        let n = format.frameSamples
        let block = n / 4
        // One division per ring, not one per sample; the spans keep the copies free of
        // per-element uniqueness checks.
        let (energy, referenceBlocks) = Self.writePlayed(
            playedFrame.span, silent: playedIsSilent, into: &played, at: Int(sampleTime % Int64(played.count)),
            count: n, block: block)
        // A frame of zeros into a ring that holds nothing but zeros changes nothing.
        let captureIsZero = knownZero ?? Self.isZero(captureFrame.span, count: n)
        var captureBlocks: (Float, Float, Float, Float) = (0, 0, 0, 0)
        if !(captureIsZero && heardZeroSamples >= heardCount) {
            captureBlocks = Self.writeHeard(captureFrame.span, into: &heard, at: Int(sampleTime % Int64(heardCount)),
                                            count: n, block: block)
        }
        heardZeroSamples = captureIsZero ? min(heardZeroSamples + n, heardCount) : 0
        let frameIndex = Int((sampleTime / Int64(n)) % Int64(playedFrameEnergy.count))
        playedFrameEnergy[frameIndex] = energy / Float(n)
        maxPlayedEnergyInEchoWindow = Self.largest(playedFrameEnergy.span)
        endSampleTime = sampleTime + Int64(n)

        let active = updateEstimate && maxPlayedEnergyInEchoWindow > 1000
        for b in 0..<4 {
            estimator.push(referenceAmplitude: (Self.loadBlock(referenceBlocks, b) / Float(block)).squareRoot(),
                           captureAmplitude: (Self.loadBlock(captureBlocks, b) / Float(block)).squareRoot(), update: active)
        }
        // Refine when the coarse estimate moved, else twice a second (the search is the
        // costliest step of the echo path).
        framesSinceRelocate += 1
        if relocatedHoldFrames > 0 {
            relocatedHoldFrames -= 1
            // The coarse estimate has caught up with the relocated delay: back to normal.
            let coarse = Int(estimator.delayMs * Double(format.sampleRate) / 1000)
            if abs(coarse - fineDelaySamples) <= format.samples(ms: 4) { relocatedHoldFrames = 0 }
        }
        if active && estimator.isConfident && relocatedHoldFrames == 0 {
            framesSinceRefine += 1
            let moved = fineDelaySamples < 0 || estimator.bestLagBlocks != refinedFromLagBlocks
            if moved || (framesSinceRefine >= 50 && !nearEndActive) {
                framesSinceRefine = 0
                refinedFromLagBlocks = estimator.bestLagBlocks
                refineDelay()
            }
        }
    }

    /// Sample-exact search around the coarse estimate over the last 40 ms.
    private mutating func refineDelay() {
        let coarse = Int(estimator.delayMs * Double(format.sampleRate) / 1000)
        let spread = format.samples(ms: 4)
        let lo = max(0, coarse - spread)
        let hi = min(format.samples(ms: maxDelayMs), coarse + spread)
        if let found = bestLag(window: format.samples(ms: 40), lo: lo, hi: hi, threshold: 0.3, search: .exhaustive) {
            fineDelaySamples = found.lag
        }
    }

    /// Normalized cross-correlation of capture[end-window, end) with played[.. - lag].
    private func correlation(end: Int64, window: Int, lag: Int) -> Float {
        var sxy: Float = 0
        var sxx: Float = 0
        var syy: Float = 0
        let start = end - Int64(window)
        for i in 0..<window {
            let t = start + Int64(i)
            let y = Float(heardSample(t))
            let x = Float(playedSample(t - Int64(lag)))
            sxy += x * y
            sxx += x * x
            syy += y * y
        }
        let d = (sxx * syy).squareRoot()
        return d > 0 ? sxy / d : 0
    }

    /// When the echo path's delay moves (the jitter buffer in front of the pipeline grows
    /// or shrinks, e.g. after the media thread stalled) the echo stops correlating at the
    /// known delay and, until the coarse estimate follows (~1 s), looks like a caller. A
    /// search of the last 20 ms of capture over ±120 ms around the known delay finds it
    /// again: a lag correlating ≥ 0.9 is the echo (a caller's voice does not correlate with
    /// the prompt at any lag), and becomes the delay. At most every 20 ms.
    /// Returns the correlation at the new delay, nil when nothing was found.
    ///
    /// A window that holds a frame of digital silence (a lost packet the jitter buffer could
    /// not fill, often where the path's delay moves) can correlate ≥ 0.9 nowhere: it is not
    /// searched and does not hold back the search of the next frame.
    mutating func relocate() -> Float? {
        guard isDelayConfident, framesSinceRelocate >= 2, !captureWindowHoldsSilentFrame() else { return nil }
        framesSinceRelocate = 0
        guard let found = relocationSearch(around: fineDelaySamples, search: .coarseToFine),
              abs(found.lag - fineDelaySamples) > format.samples(ms: 1) else { return nil }
        fineDelaySamples = found.lag
        relocationCount += 1
        relocatedHoldFrames = 300
        return found.correlation
    }

    /// Whether one of the last two frames of capture (the search's 20 ms) is all zeros.
    private func captureWindowHoldsSilentFrame() -> Bool {
        let n = format.frameSamples
        for frame in 0..<2 {
            let start = endSampleTime - Int64((frame + 1) * n)
            guard start >= 0 else { return true }
            var silent = true
            for i in 0..<n where heardSample(start + Int64(i)) != 0 { silent = false; break }
            if silent { return true }
        }
        return false
    }

    /// The lag within ±`relocateSpanMs` of `delaySamples` where the last 20 ms of capture
    /// correlates ≥ 0.9 with the reference (nil: none). Changes no state but the scratch.
    mutating func relocationSearch(around delaySamples: Int, search: LagSearch) -> (lag: Int, correlation: Float)? {
        let span = format.samples(ms: Self.relocateSpanMs)
        return relocationSearch(lo: max(0, delaySamples - span),
                                hi: min(format.samples(ms: maxDelayMs), delaySamples + span), search: search)
    }

    private mutating func relocationSearch(lo: Int, hi: Int, search: LagSearch) -> (lag: Int, correlation: Float)? {
        guard lo < hi else { return nil }
        return bestLag(window: format.samples(ms: 20), lo: lo, hi: hi, threshold: 0.9, search: search)
    }

    /// Whether the last 20 ms of capture is the prompt's echo at some delay within reach
    /// (a lag from 0 to `maxDelayMs` correlating ≥ 0.9 with the reference), for a frame heard
    /// while no delay is known. A caller's voice does not correlate with the prompt at any lag.
    mutating func echoAtAnyDelay() -> Bool {
        relocationSearch(lo: 0, hi: format.samples(ms: maxDelayMs), search: .coarseToFine) != nil
    }

    /// How `bestLag` visits the lags.
    enum LagSearch {
        /// Every lag at full resolution.
        case exhaustive
        /// Every lag scored on every `coarseStride`-th sample of the capture window, then
        /// the lags within ±`refineSpread` of the `coarseCandidateCount` best local peaks
        /// scored at full resolution (the same score as `exhaustive`). The sparse score is
        /// noisier but exact in lag: echo alone correlates near 1 there too, and no lag grid
        /// can fall between the echo's samples (summing blocks of samples instead lost the
        /// peak when the delay fell mid-block: the pitch period's neighbours outranked it).
        case coarseToFine
    }

    /// The lag in `lo...hi` (samples) where the last `window` samples of capture correlate
    /// best with the reference (normalized cross-correlation), when above `threshold`.
    /// Preallocated scratch only: no allocation.
    mutating func bestLag(window: Int, lo: Int, hi: Int, threshold: Float,
                          search: LagSearch) -> (lag: Int, correlation: Float)? {
        let end = endSampleTime
        guard window <= searchCapture.count, window + hi - lo <= searchPlayed.count,
              end - Int64(window) - Int64(hi) >= 0, lo <= hi else { return nil }
        // searchPlayed[j] = played[end - window - hi + j], so lag L starts at offset hi - L.
        let start = end - Int64(window)
        var syy: Float = 0
        for i in 0..<window {
            let y = Float(heardSample(start + Int64(i)))
            searchCapture[i] = y
            syy += y * y
        }
        let count = window + hi - lo
        for j in 0..<count { searchPlayed[j] = Float(playedSample(start - Int64(hi) + Int64(j))) }
        lastSearchMultiplyAdds = window
        guard syy > 0 else { return nil }
        var bestOffset = -1
        var best = threshold
        switch search {
        case .exhaustive:
            for lag in lo...hi {
                let c = score(offset: hi - lag, window: window, syy: syy)
                if c > best { best = c; bestOffset = hi - lag }
            }
            lastSearchMultiplyAdds += (hi - lo + 1) * window * 2
        case .coarseToFine:
            let candidates = coarsePeaks(window: window, lags: hi - lo + 1)
            // Offsets visited in decreasing order, as the exhaustive search visits lags in
            // increasing order: on a tie both keep the shorter lag.
            var evaluated = 0
            for k in 0..<candidates {
                let q = candidateOffsets[k]
                for offset in max(0, q - Self.refineSpread)...min(hi - lo, q + Self.refineSpread) {
                    let c = score(offset: offset, window: window, syy: syy)
                    evaluated += 1
                    if c > best || (c == best && c > threshold && offset > bestOffset) { best = c; bestOffset = offset }
                }
            }
            lastSearchMultiplyAdds += evaluated * window * 2
        }
        guard bestOffset >= 0 else { return nil }
        return (hi - bestOffset, best)
    }

    /// Normalized cross-correlation of `searchCapture[0..<window]` with `searchPlayed` from
    /// `offset`, the capture's energy given.
    @inline(__always) private func score(offset: Int, window: Int, syy: Float) -> Float {
        var sxy: Float = 0
        var sxx: Float = 0
        for i in 0..<window {
            let x = searchPlayed[offset + i]
            sxy += x * searchCapture[i]
            sxx += x * x
        }
        let d = (sxx * syy).squareRoot()
        return d > 0 ? sxy / d : 0
    }

    /// The coarse pass: the normalized correlation at each of `lags` offsets over every
    /// `coarseStride`-th sample of the capture window, and its best local peaks into
    /// `candidateOffsets` (returns how many).
    private mutating func coarsePeaks(window: Int, lags: Int) -> Int {
        let d = coarseStride
        let taps = window / d
        guard taps > 0, lags > 0 else { return 0 }
        var cyy: Float = 0
        for k in 0..<taps {
            let y = searchCapture[k * d]
            coarseCapture[k] = y
            cyy += y * y
        }
        // Per phase of the stride, the reference's energy under the taps slides one stride
        // at a time (Double: the running sum must not drift off its true, possibly zero, value).
        let reach = (taps - 1) * d
        for phase in 0..<min(d, lags) {
            var cxx: Double = 0
            for k in 0..<taps { cxx += Double(searchPlayed[phase + k * d] * searchPlayed[phase + k * d]) }
            var offset = phase
            while offset < lags {
                if offset >= d {
                    let outgoing = searchPlayed[offset - d]
                    let incoming = searchPlayed[offset + reach]
                    cxx = max(0, cxx + Double(incoming * incoming) - Double(outgoing * outgoing))
                }
                var cxy: Float = 0
                for k in 0..<taps { cxy += searchPlayed[offset + k * d] * coarseCapture[k] }
                let denominator = (Float(cxx) * cyy).squareRoot()
                coarseScores[offset] = denominator > 0 ? cxy / denominator : 0
                offset += d
            }
        }
        lastSearchMultiplyAdds += lags * (taps + 2) + min(d, lags) * taps + taps
        let lastOffset = lags - 1
        // Local peaks (a plateau counts once, at its last lag), the best few kept sorted.
        var kept = 0
        for q in 0...lastOffset {
            let s = coarseScores[q]
            guard q == 0 || s >= coarseScores[q - 1], q == lastOffset || s > coarseScores[q + 1] else { continue }
            var slot = kept < Self.coarseCandidateCount ? kept : Self.coarseCandidateCount - 1
            guard kept < Self.coarseCandidateCount || s > candidateScores[slot] else { continue }
            while slot > 0 && candidateScores[slot - 1] < s {
                candidateScores[slot] = candidateScores[slot - 1]
                candidateOffsets[slot] = candidateOffsets[slot - 1]
                slot -= 1
            }
            candidateScores[slot] = s
            candidateOffsets[slot] = q
            if kept < Self.coarseCandidateCount { kept += 1 }
        }
        return kept
    }

    /// Correlation of the last 20 ms of capture with the reference at the refined delay;
    /// nil when the delay is not known yet.
    func echoCorrelation() -> Float? {
        guard isDelayConfident else { return nil }
        let window = format.samples(ms: 20)
        guard endSampleTime - Int64(window) - Int64(fineDelaySamples) >= 0 else { return nil }
        return correlation(end: endSampleTime, window: window, lag: fineDelaySamples)
    }
}
