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
    /// Per-frame energy of what was played (mean square), ring indexed by frame number.
    private var playedFrameEnergy: [Float]
    private var estimator: EchoDelayEstimator
    private(set) var fineDelaySamples = -1
    private var framesSinceRefine = 0
    private var refinedFromLagBlocks = -1
    /// Scratch for the sample-exact delay search (contiguous copies of the two signals).
    private var searchCapture: [Float]
    private var searchPlayed: [Float]
    /// Sample time just past the newest frame written.
    private(set) var endSampleTime: Int64 = 0
    /// Scratch for the wide search after the echo path's delay moved (20 ms of capture
    /// against ±`relocateSpanMs` of reference).
    private var relocatePlayed: [Float]
    static let relocateSpanMs = 120
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
        playedFrameEnergy = [Float](repeating: 0, count: maxDelayMs / AudioFormat.frameMs + 4)
        estimator = EchoDelayEstimator(maxDelayMs: maxDelayMs)
        searchCapture = [Float](repeating: 0, count: format.samples(ms: 40))
        searchPlayed = [Float](repeating: 0, count: format.samples(ms: 40) + 2 * format.samples(ms: 4) + 1)
        relocatePlayed = [Float](repeating: 0, count: format.samples(ms: 20 + 2 * Self.relocateSpanMs) + 1)
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

    /// Largest played frame energy over the possible echo window (now back to `maxDelayMs`).
    var maxPlayedEnergyInEchoWindow: Float {
        var m: Float = 0
        for e in playedFrameEnergy where e > m { m = e }
        return m
    }

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
    mutating func write(played playedFrame: borrowing [Int16], playedIsSilent: Bool,
                        capture captureFrame: borrowing [Int16], sampleTime: Int64, updateEstimate: Bool,
                        nearEndActive: Bool = false) {
        let n = format.frameSamples
        let pc = Int64(played.count)
        let hc = Int64(heard.count)
        var energy: Float = 0
        for i in 0..<n {
            let p: Int16 = playedIsSilent ? 0 : playedFrame[i]
            played[Int((sampleTime + Int64(i)) % pc)] = p
            heard[Int((sampleTime + Int64(i)) % hc)] = captureFrame[i]
            energy += Float(p) * Float(p)
        }
        let frameIndex = Int((sampleTime / Int64(n)) % Int64(playedFrameEnergy.count))
        playedFrameEnergy[frameIndex] = energy / Float(n)
        endSampleTime = sampleTime + Int64(n)

        let active = updateEstimate && maxPlayedEnergyInEchoWindow > 1000
        let block = n / 4
        for b in 0..<4 {
            var r: Float = 0
            var c: Float = 0
            for i in (b * block)..<((b + 1) * block) {
                let p = Float(playedIsSilent ? 0 : playedFrame[i])
                let q = Float(captureFrame[i])
                r += p * p
                c += q * q
            }
            estimator.push(referenceAmplitude: (r / Float(block)).squareRoot(),
                           captureAmplitude: (c / Float(block)).squareRoot(), update: active)
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
        let window = format.samples(ms: 40)
        let coarse = Int(estimator.delayMs * Double(format.sampleRate) / 1000)
        let spread = format.samples(ms: 4)
        let lo = max(0, coarse - spread)
        let hi = min(format.samples(ms: maxDelayMs), coarse + spread)
        let end = endSampleTime
        guard end - Int64(window) - Int64(hi) >= 0, lo <= hi else { return }
        // searchPlayed[j] = played[end - window - hi + j], so lag L starts at j = hi - L.
        let start = end - Int64(window)
        for i in 0..<window { searchCapture[i] = Float(heardSample(start + Int64(i))) }
        let span = window + (hi - lo)
        for j in 0..<span { searchPlayed[j] = Float(playedSample(start - Int64(hi) + Int64(j))) }
        var syy: Float = 0
        for i in 0..<window { syy += searchCapture[i] * searchCapture[i] }
        var bestLag = -1
        var best: Float = 0.3
        for lag in lo...hi {
            let offset = hi - lag
            var sxy: Float = 0
            var sxx: Float = 0
            for i in 0..<window {
                let x = searchPlayed[offset + i]
                sxy += x * searchCapture[i]
                sxx += x * x
            }
            let d = (sxx * syy).squareRoot()
            let c = d > 0 ? sxy / d : 0
            if c > best { best = c; bestLag = lag }
        }
        if bestLag >= 0 { fineDelaySamples = bestLag }
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
    /// sample-exact search of the last 20 ms of capture over ±120 ms around the known delay
    /// finds it again: a lag correlating ≥ 0.9 is the echo (a caller's voice does not
    /// correlate with the prompt at any lag), and becomes the delay. At most every 20 ms.
    /// Returns the correlation at the new delay, nil when nothing was found.
    mutating func relocate() -> Float? {
        guard isDelayConfident, framesSinceRelocate >= 2 else { return nil }
        framesSinceRelocate = 0
        let window = format.samples(ms: 20)
        let span = format.samples(ms: Self.relocateSpanMs)
        let lo = max(0, fineDelaySamples - span)
        let hi = min(format.samples(ms: maxDelayMs), fineDelaySamples + span)
        let end = endSampleTime
        guard end - Int64(window) - Int64(hi) >= 0, lo < hi else { return nil }
        let start = end - Int64(window)
        for i in 0..<window { searchCapture[i] = Float(heardSample(start + Int64(i))) }
        for j in 0..<(window + hi - lo) { relocatePlayed[j] = Float(playedSample(start - Int64(hi) + Int64(j))) }
        var syy: Float = 0
        for i in 0..<window { syy += searchCapture[i] * searchCapture[i] }
        guard syy > 0 else { return nil }
        var bestLag = -1
        var best: Float = 0.9
        for lag in lo...hi {
            let offset = hi - lag
            var sxy: Float = 0
            var sxx: Float = 0
            for i in 0..<window {
                let x = relocatePlayed[offset + i]
                sxy += x * searchCapture[i]
                sxx += x * x
            }
            let d = (sxx * syy).squareRoot()
            let c = d > 0 ? sxy / d : 0
            if c > best { best = c; bestLag = lag }
        }
        guard bestLag >= 0, abs(bestLag - fineDelaySamples) > format.samples(ms: 1) else { return nil }
        fineDelaySamples = bestLag
        relocationCount += 1
        relocatedHoldFrames = 300
        return best
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
