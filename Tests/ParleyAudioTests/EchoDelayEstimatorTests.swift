import Foundation
import Testing
@testable import ParleyAudio

/// `EchoDelayEstimator.push` skips work on a line of digital silence (no products while the
/// capture has never differed from its mean, no scoring while the capture sums are zero).
/// The skips must change nothing: the estimator is run beside `FullUpdate`, the update as it
/// was before the skips (every product, every lag scored, the ring walked backwards), on the
/// same envelopes, and every output is compared bit for bit after every sub-block.
@Suite struct EchoDelayEstimatorTests {
    /// The estimator's update without shortcuts (the model the fast path must equal).
    struct FullUpdate {
        let maxLagBlocks: Int
        var referenceEnvelope: [Float]
        var head = 0
        var sumProduct: [Float]
        var sumReferenceSquare: [Float]
        var sumCaptureSquare: Float = 0
        var referenceMean: Float = 0
        var captureMean: Float = 0
        let decay: Float = 0.996
        var activeBlocks = 0
        var bestLagBlocks = -1
        var bestCorrelation: Float = 0
        var stableBlocks = 0
        var stableLagBlocks = -1

        init(maxDelayMs: Int) {
            maxLagBlocks = Int(Double(maxDelayMs) / EchoDelayEstimator.subBlockMs) + 1
            referenceEnvelope = [Float](repeating: 0, count: maxLagBlocks + 1)
            sumProduct = [Float](repeating: 0, count: maxLagBlocks + 1)
            sumReferenceSquare = [Float](repeating: 0, count: maxLagBlocks + 1)
        }

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

    /// One sub-block of input.
    struct Block {
        var reference: Float
        var capture: Float
        var update: Bool
    }

    /// A speech-like reference envelope (syllables and pauses) and, per segment, what the
    /// line returns: digital silence, the reference's echo `delayBlocks` late and `gain`
    /// down, or that echo plus noise; `update` off in the pauses between prompts.
    static func session(seed: UInt64, segments: [(blocks: Int, line: Line)], delayBlocks: Int) -> [Block] {
        var state = seed
        func unit() -> Float {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(state >> 40) / Float(1 << 24)
        }
        var references: [Float] = []
        var out: [Block] = []
        for segment in segments {
            for _ in 0..<segment.blocks {
                let k = references.count
                let syllable = sin(Float(k) * .pi / 40)
                let reference: Float = segment.line == .idle ? 0 : max(0, syllable) * (2_000 + 3_000 * unit())
                references.append(reference)
                let echo = k >= delayBlocks ? references[k - delayBlocks] * 0.3 : 0
                let capture: Float = switch segment.line {
                case .silent, .idle: 0
                case .echo: echo
                case .echoAndNoise: echo + 40 * unit()
                case .callerOnly: 1_500 * unit()
                }
                out.append(Block(reference: reference, capture: capture, update: segment.line != .idle))
            }
        }
        return out
    }

    enum Line: Equatable { case silent, echo, echoAndNoise, callerOnly, idle }

    /// Pushes `blocks` into both and compares everything the estimator tells after each.
    static func compare(_ blocks: [Block], maxDelayMs: Int = 300) -> (mismatches: Int, estimator: EchoDelayEstimator,
                                                                      model: FullUpdate) {
        var estimator = EchoDelayEstimator(maxDelayMs: maxDelayMs)
        var model = FullUpdate(maxDelayMs: maxDelayMs)
        var mismatches = 0
        for block in blocks {
            estimator.push(referenceAmplitude: block.reference, captureAmplitude: block.capture, update: block.update)
            model.push(referenceAmplitude: block.reference, captureAmplitude: block.capture, update: block.update)
            let same = estimator.bestLagBlocks == model.bestLagBlocks
                && estimator.bestCorrelation.bitPattern == model.bestCorrelation.bitPattern
                && estimator.stableBlocks == model.stableBlocks
                && estimator.stableLagBlocks == model.stableLagBlocks
                && estimator.activeBlocks == model.activeBlocks
            if !same { mismatches += 1 }
        }
        return (mismatches, estimator, model)
    }

    /// A whole listen-only call: the prompt plays to a line of digital silence throughout.
    /// Both find nothing, and the fast path skipped every product and every scoring.
    @Test func digitalSilenceThroughoutSkipsAndMatches() {
        let blocks = Self.session(seed: 1, segments: [(4_000, .silent), (200, .idle), (4_000, .silent)], delayBlocks: 40)
        let (mismatches, estimator, model) = Self.compare(blocks)
        #expect(mismatches == 0)
        #expect(model.bestLagBlocks == -1)
        #expect(estimator.productSkips == 8_000)
        #expect(estimator.scoringSkips == 8_000)
    }

    /// Echo appearing after seconds of digital silence (a caller switching to speakerphone):
    /// the reference sums kept through the silence are what the first echo is measured
    /// against, so the estimate must follow the same path, and it does find the delay.
    @Test(arguments: [(40, Line.echo), (40, Line.echoAndNoise), (97, Line.echo), (3, Line.echoAndNoise)])
    func echoAfterSilenceMatchesTheFullUpdate(delayBlocks: Int, line: Line) {
        let blocks = Self.session(seed: UInt64(delayBlocks), segments: [(2_400, .silent), (1_600, line)],
                                  delayBlocks: delayBlocks)
        let (mismatches, estimator, model) = Self.compare(blocks)
        #expect(mismatches == 0)
        #expect(estimator.isConfident)
        #expect(estimator.bestLagBlocks == delayBlocks)
        #expect(model.bestLagBlocks == delayBlocks)
        // Through the silence at least (the echo's first blocks may still be zeros).
        #expect(estimator.productSkips >= 2_400 && estimator.productSkips < 2_400 + 2 * delayBlocks + 80)
    }

    /// Silence after sound, a caller alone, pauses between prompts: once the capture has
    /// moved the products are always updated, and every output still matches.
    @Test func mixedLineMatchesTheFullUpdate() {
        let blocks = Self.session(seed: 7, segments: [(300, .silent), (800, .echoAndNoise), (600, .silent),
                                                      (150, .idle), (500, .callerOnly), (900, .echo),
                                                      (2_000, .silent), (400, .echo)], delayBlocks: 64)
        let (mismatches, estimator, _) = Self.compare(blocks)
        #expect(mismatches == 0)
        #expect(estimator.productSkips == 300)
        // After the echo the capture sums decay but stay above zero: scoring goes on.
        #expect(estimator.scoringSkips == 300)
    }

    /// Reference equal to its mean (a constant tone envelope) against silence, and against a
    /// constant capture: zero and negative-zero products, the edge cases of the skips.
    @Test func constantEnvelopesMatchTheFullUpdate() {
        var blocks: [Block] = []
        for k in 0..<3_000 { blocks.append(Block(reference: 1_000, capture: 0, update: k % 500 != 0)) }
        for _ in 0..<2_000 { blocks.append(Block(reference: 1_000, capture: 300, update: true)) }
        for _ in 0..<2_000 { blocks.append(Block(reference: 0, capture: 0, update: true)) }
        let (mismatches, _, _) = Self.compare(blocks)
        #expect(mismatches == 0)
    }
}
