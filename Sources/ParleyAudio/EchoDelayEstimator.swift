/// Coarse echo-delay estimate from the played reference and the capture: both reduced to an
/// amplitude envelope of 2.5 ms sub-blocks; a normalized cross-correlation per lag is kept as
/// exponentially decaying sums (time constant ~0.6 s), updated only while the reference has
/// signal. All storage is allocated in `init`; `push` does not allocate.
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

    init(maxDelayMs: Int) {
        maxLagBlocks = Int(Double(maxDelayMs) / Self.subBlockMs) + 1
        referenceEnvelope = [Float](repeating: 0, count: maxLagBlocks + 1)
        sumProduct = [Float](repeating: 0, count: maxLagBlocks + 1)
        sumReferenceSquare = [Float](repeating: 0, count: maxLagBlocks + 1)
    }

    /// Whether the estimate is trustworthy: enough active reference and a clear peak.
    var isConfident: Bool { activeBlocks >= 160 && bestCorrelation >= 0.5 }

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
    }
}
