/// Coarse echo-delay estimate from the played reference and the capture: both reduced to an
/// amplitude envelope of 2.5 ms sub-blocks; a normalized cross-correlation per lag is kept as
/// exponentially decaying sums (time constant ~0.6 s), updated only while the reference has
/// signal. All storage is allocated in `init`; `push` does not allocate.
///
/// The peak climbs while the first echo arrives: during the first few hundred ms of a
/// prompt the sums hold more of the reference's onset than of its echo, and the best lag
/// is short of the true delay by up to the delay's last 40 ms (measured on the demo prompts
/// through μ-law: at 200 ms it read 110, 150, 180 ms before settling on 200 ms ~700 ms
/// into the prompt). An estimate is therefore trusted only once the best lag has held
/// still (±1 sub-block) for `stableBlocksNeeded` updates.
struct EchoDelayEstimator {
    static let subBlockMs = 2.5
    let maxLagBlocks: Int
    /// Reference envelope ring, newest at `head`.
    private var referenceEnvelope: [Float]
    private var head = 0
    private var sumProduct: [Float]
    private var sumReferenceSquare: [Float]
    private var sumCaptureSquare: Float = 0
    private var referenceMean: Float = 0
    private var captureMean: Float = 0
    private let decay: Float = 0.996
    /// Sub-blocks pushed while the reference had signal.
    private(set) var activeBlocks = 0
    private(set) var bestLagBlocks = -1
    private(set) var bestCorrelation: Float = 0
    /// Updates for which the best lag has stayed within ±1 sub-block of `stableLagBlocks`.
    private(set) var stableBlocks = 0
    private(set) var stableLagBlocks = -1
    /// 250 ms of active reference.
    static let stableBlocksNeeded = 100

    init(maxDelayMs: Int) {
        maxLagBlocks = Int(Double(maxDelayMs) / Self.subBlockMs) + 1
        referenceEnvelope = [Float](repeating: 0, count: maxLagBlocks + 1)
        sumProduct = [Float](repeating: 0, count: maxLagBlocks + 1)
        sumReferenceSquare = [Float](repeating: 0, count: maxLagBlocks + 1)
    }

    /// Whether the estimate is trustworthy: enough active reference, a clear peak, and a
    /// best lag that has held still.
    var isConfident: Bool {
        activeBlocks >= 160 && bestCorrelation >= 0.5 && stableBlocks >= Self.stableBlocksNeeded
    }

    var delayMs: Double { bestLagBlocks < 0 ? -1 : Double(bestLagBlocks) * Self.subBlockMs }

    /// One sub-block: the reference amplitude played now and the capture amplitude heard now.
    mutating func push(referenceAmplitude: Float, captureAmplitude: Float, update: Bool) {
        head += 1
        if head > maxLagBlocks { head = 0 }
        referenceEnvelope[head] = referenceAmplitude
        guard update else { return }
        activeBlocks += 1
        referenceMean += 0.01 * (referenceAmplitude - referenceMean)
        captureMean += 0.01 * (captureAmplitude - captureMean)
        let y = captureAmplitude - captureMean
        sumCaptureSquare = decay * sumCaptureSquare + y * y
        var best: Float = -1
        var bestLag = -1
        var index = head
        for lag in 0...maxLagBlocks {
            let x = referenceEnvelope[index] - referenceMean
            sumProduct[lag] = decay * sumProduct[lag] + x * y
            sumReferenceSquare[lag] = decay * sumReferenceSquare[lag] + x * x
            let denominator = (sumReferenceSquare[lag] * sumCaptureSquare).squareRoot()
            if denominator > 0 {
                let c = sumProduct[lag] / denominator
                if c > best { best = c; bestLag = lag }
            }
            index = index == 0 ? maxLagBlocks : index - 1
        }
        bestLagBlocks = bestLag
        bestCorrelation = max(0, best)
        if stableLagBlocks >= 0, abs(bestLag - stableLagBlocks) <= 1 {
            stableBlocks += 1
        } else {
            stableLagBlocks = bestLag
            stableBlocks = 0
        }
    }
}
