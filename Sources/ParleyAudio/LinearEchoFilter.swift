/// A short NLMS filter around the estimated echo delay: predicts the echo in the capture
/// from what was played and leaves the residual (caller + noise + what the filter has not
/// learnt). Unlike the APM's output it has no non-linear suppression, so a caller talking
/// over the prompt stays audible in the residual; the speech gate compares the residual
/// with the echo expected to remain. Adapts only while the caller is quiet.
/// Weights are allocated in `init`; `process` does not allocate.
struct LinearEchoFilter {
    let taps: Int
    /// Taps before the estimated delay (the path may smear a little earlier).
    let leadTaps: Int
    private var weights: [Float]
    /// The reference samples one frame needs, copied contiguously (frame + taps).
    private var window: [Float]
    private var delaySamples = -1
    private let stepSize: Float = 0.1
    /// Times the filter re-anchored (and forgot what it had learnt).
    private(set) var resetCount = 0
    /// The last frame's residual samples (capture minus predicted echo).
    private(set) var residual: [Float]

    init(taps: Int = 32, leadTaps: Int = 16) {
        self.taps = taps
        self.leadTaps = leadTaps
        weights = [Float](repeating: 0, count: taps)
        window = [Float](repeating: 0, count: 320 + taps)
        residual = [Float](repeating: 0, count: 320)
    }

    /// Residual energy (mean square) of `capture` (one frame starting at `startSampleTime`),
    /// with the echo predicted from `reference` at `delaySamples`. Adapts when `adapt`.
    mutating func process(capture: borrowing [Int16], reference: borrowing EchoReference, startSampleTime: Int64,
                          delaySamples newDelay: Int, adapt: Bool) -> Float {
        // The filter spans ±leadTaps around its anchor: small moves of the estimate stay
        // inside it; a jump re-anchors and starts learning again.
        if delaySamples < 0 || abs(newDelay - delaySamples) > leadTaps * 3 / 4 {
            delaySamples = newDelay
            resetCount += 1
            for k in 0..<taps { weights[k] = 0 }
        }
        let n = min(capture.count, window.count - taps)
        // window[j] = played[first + j]; sample i, tap k reads played[t - delay + lead - k]
        //           = window[i + taps - 1 - k] with first = start - delay + lead - (taps - 1).
        let first = startSampleTime - Int64(delaySamples) + Int64(leadTaps) - Int64(taps - 1)
        for j in 0..<(n + taps - 1) { window[j] = reference.played(at: first + Int64(j)) }
        var power: Float = 0
        for k in 0..<taps { power += window[k] * window[k] }
        power -= window[taps - 1] * window[taps - 1]
        var residualEnergy: Float = 0
        for i in 0..<n {
            let newest = i + taps - 1
            let incoming = window[newest]
            power += incoming * incoming
            var y: Float = 0
            for k in 0..<taps { y += weights[k] * window[newest - k] }
            let e = Float(capture[i]) - y
            residual[i] = e
            residualEnergy += e * e
            // Adapt on real reference signal only (mean square above ~-46 dBFS); the
            // regularization keeps quiet passages from blowing the weights up.
            if adapt && power > Float(taps) * 30_000 {
                let g = stepSize * e / (power + Float(taps) * 10_000)
                for k in 0..<taps { weights[k] += g * window[newest - k] }
            }
            let outgoing = window[i]
            power -= outgoing * outgoing
        }
        return residualEnergy / Float(n)
    }
}
