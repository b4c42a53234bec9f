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
///
/// Cost: a caller's line of digital silence (the capture envelope 0 from the start) is most
/// of a listen-only call. There the capture sums stay exactly zero, so every lag's
/// correlation is 0/0 and none is scored: `push` then keeps the reference sums alone (the
/// capture that comes later is measured against them) and skips the products and the
/// per-lag square root and division. The skipped work would have left every value as it
/// is, bit for bit (`EchoDelayEstimatorTests` runs the full update beside it).
struct EchoDelayEstimator {
    static let subBlockMs = 2.5
    let maxLagBlocks: Int
    /// Lags kept: 0...maxLagBlocks.
    private let lagCount: Int
    /// Reference envelope, twice over: the newest value sits at `newest` and at
    /// `newest + lagCount`, so lag L is `referenceEnvelope[newest + L]` for every lag without
    /// wrapping (the per-lag loops run over contiguous storage).
    private var referenceEnvelope: [Float]
    private var newest = 0
    private var sumProduct: [Float]
    private var sumReferenceSquare: [Float]
    private var sumCaptureSquare: Float = 0
    private var referenceMean: Float = 0
    private var captureMean: Float = 0
    private let decay: Float = 0.996
    /// Every `sumProduct` is +0: no capture has differed from its mean yet (a line of
    /// digital silence so far). Each product is then x·(+0) = ±0 and decay·(+0) + (±0) = +0:
    /// the products need no update.
    private var productsAreZero = true
    /// Sub-blocks pushed while the reference had signal.
    private(set) var activeBlocks = 0
    private(set) var bestLagBlocks = -1
    private(set) var bestCorrelation: Float = 0
    /// Updates for which the best lag has stayed within ±1 sub-block of `stableLagBlocks`.
    private(set) var stableBlocks = 0
    private(set) var stableLagBlocks = -1
    /// Updates that skipped the products (digital silence so far) and the scoring (no
    /// capture energy in the sums), for the benchmark and the tests.
    private(set) var productSkips = 0
    private(set) var scoringSkips = 0
    /// 250 ms of active reference.
    static let stableBlocksNeeded = 100

    init(maxDelayMs: Int) {
        maxLagBlocks = Int(Double(maxDelayMs) / Self.subBlockMs) + 1
        lagCount = maxLagBlocks + 1
        referenceEnvelope = [Float](repeating: 0, count: 2 * lagCount)
        sumProduct = [Float](repeating: 0, count: lagCount)
        sumReferenceSquare = [Float](repeating: 0, count: lagCount)
    }

    /// Whether the estimate is trustworthy: enough active reference, a clear peak, and a
    /// best lag that has held still.
    var isConfident: Bool {
        activeBlocks >= 160 && bestCorrelation >= 0.5 && stableBlocks >= Self.stableBlocksNeeded
    }

    var delayMs: Double { bestLagBlocks < 0 ? -1 : Double(bestLagBlocks) * Self.subBlockMs }

    /// One sub-block: the reference amplitude played now and the capture amplitude heard now.
    mutating func push(referenceAmplitude: Float, captureAmplitude: Float, update: Bool) {
        let lags = lagCount
        let slot = newest == 0 ? lags - 1 : newest - 1
        newest = slot
        Self.store(referenceAmplitude, at: slot, lags: lags, in: &referenceEnvelope)
        guard update else { return }
        activeBlocks += 1
        referenceMean += 0.01 * (referenceAmplitude - referenceMean)
        captureMean += 0.01 * (captureAmplitude - captureMean)
        let y = captureAmplitude - captureMean
        sumCaptureSquare = decay * sumCaptureSquare + y * y
        if y == 0 && productsAreZero {
            productSkips += 1
            Self.decayAdd(squaresOf: referenceEnvelope, from: slot, mean: referenceMean, decay: decay, into: &sumReferenceSquare)
        } else {
            productsAreZero = false
            Self.decayAdd(referenceEnvelope, from: slot, mean: referenceMean, capture: y, decay: decay,
                          products: &sumProduct, squares: &sumReferenceSquare)
        }
        var best: Float = -1
        var bestLag = -1
        // With no capture energy in the sums, sqrt(sumReferenceSquare · 0) is 0 (or NaN) at
        // every lag: none is scored.
        if sumCaptureSquare > 0 {
            (best, bestLag) = Self.bestLag(products: sumProduct, squares: sumReferenceSquare,
                                           captureSquare: sumCaptureSquare)
        } else {
            scoringSkips += 1
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

    @inline(__always)
    private static func store(_ value: Float, at slot: Int, lags: Int, in envelope: inout [Float]) {
        var ring = envelope.mutableSpan
        ring[slot] = value
        ring[slot + lags] = value
    }

    /// squares[lag] = decay · squares[lag] + x², x = envelope[slot + lag] − mean.
    @inline(__always)
    private static func decayAdd(squaresOf envelope: borrowing [Float], from slot: Int, mean: Float, decay: Float,
                                 into squares: inout [Float]) {
        var out = squares.mutableSpan
        let window = envelope.span.extracting(slot..<(slot + out.count))
        let count = min(window.count, out.count)
        for lag in 0..<count {
            let x = window[lag] - mean
            out[lag] = decay * out[lag] + x * x
        }
    }

    /// The same, and products[lag] = decay · products[lag] + x · capture.
    @inline(__always)
    private static func decayAdd(_ envelope: borrowing [Float], from slot: Int, mean: Float, capture y: Float,
                                 decay: Float, products: inout [Float], squares: inout [Float]) {
        var p = products.mutableSpan
        var q = squares.mutableSpan
        let window = envelope.span.extracting(slot..<(slot + q.count))
        let count = min(window.count, p.count, q.count)
        for lag in 0..<count {
            let x = window[lag] - mean
            p[lag] = decay * p[lag] + x * y
            q[lag] = decay * q[lag] + x * x
        }
    }

    /// The lag of the largest normalized correlation (the first on a tie), -1 if none scores.
    @inline(__always)
    private static func bestLag(products productArray: borrowing [Float], squares squareArray: borrowing [Float],
                                captureSquare: Float) -> (Float, Int) {
        let products = productArray.span
        let squares = squareArray.span
        var best: Float = -1
        var bestLag = -1
        let count = min(products.count, squares.count)
        for lag in 0..<count {
            let denominator = (squares[lag] * captureSquare).squareRoot()
            if denominator > 0 {
                let c = products[lag] / denominator
                if c > best { best = c; bestLag = lag }
            }
        }
        return (best, bestLag)
    }
}
