import Foundation
import Testing
@testable import ParleySim

/// The pruned prompt search (what runs) against comparing every alignment in full (the
/// search as first written): same alignment, same score, same events; and it prunes.
@Suite struct PromptSearchTests {
    /// The demo's prompts back to back with caller-turn gaps, a caller recording among
    /// them (unknown sound), through μ-law with white noise at 20 dB SNR.
    static let heard: [Int16] = {
        var out = silence(ms: 300)
        do {
            for name in ["hello", "offer", "one_moment", "coupon_sent", "price"] {
                out += try Demo.render(name) + silence(ms: 900)
            }
            out += try pcm(TestPaths.speech("no-thanks.wav")) + silence(ms: 500)
        } catch { fatalError("\(error)") }
        return muLaw(addNoise(out, snrDb: 20))
    }()

    static func recognizer(prune: Bool) throws -> PromptRecognizer {
        var configuration = PromptRecognizer.Configuration()
        configuration.pruneSearch = prune
        return try PromptRecognizer(catalog: Demo.catalog, configuration: configuration)
    }

    /// At every decision of a long signal, both searches over the same live window, at the
    /// recognizer's threshold and at a low one (which prunes less and keeps more).
    @Test(arguments: [Float(0.65), 0.2])
    func prunedSearchFindsTheAlignmentComparingAllFinds(floor: Float) throws {
        var r = try Self.recognizer(prune: true)
        var compared = 0, found = 0
        var mismatches: [String] = []
        var i = 0
        while i + 160 <= Self.heard.count {
            r.process(Self.heard.span.extracting(i..<(i + 160)))
            i += 160
            guard r.windowNorm > 0, r.analyzer.blockCount >= r.ringFrames else { continue }
            var probe = r
            let pruned = probe.prunedSearch(atLeast: floor)
            let all = probe.exhaustiveSearch()
            compared += 1
            guard let all, all.score >= floor else {
                if let p = pruned, p.score >= floor + 1e-4 { mismatches.append("at \(i / 8) ms: pruned found \(p.score), all below \(floor)") }
                continue
            }
            found += 1
            guard let p = pruned else { mismatches.append("at \(i / 8) ms: pruned found nothing, all \(all.score)"); continue }
            if abs(p.score - all.score) > 1e-4 { mismatches.append("at \(i / 8) ms: scores \(p.score) vs \(all.score)") }
            if (p.reference, p.alignment) != (all.reference, all.alignment) {
                // Only a tie (within rounding) may pick another alignment.
                let other = r.references[p.reference].scalarScore(at: p.alignment, live: r.window, liveNorm: r.windowNorm,
                                                                  width: r.window.count)
                if abs(other - all.score) > 1e-4 { mismatches.append("at \(i / 8) ms: \(p) vs \(all)") }
            }
        }
        print("pruned vs exhaustive search at floor \(floor): \(compared) windows, \(found) matches, mismatches \(mismatches.count)")
        #expect(compared > 500)
        #expect(found > 50)
        #expect(mismatches.count == 0, "\(mismatches.prefix(5))")
    }

    @Test func prunedAndExhaustiveSearchReportTheSameEvents() throws {
        let pruned = recognize(Self.heard, with: try Self.recognizer(prune: true))
        let all = recognize(Self.heard, with: try Self.recognizer(prune: false))
        #expect(pruned.count >= 8)
        #expect(pruned.count == all.count)
        for (a, b) in zip(pruned, all) {
            switch (a, b) {
            case (.started(var x), .started(var y)):
                #expect(abs(x.confidence - y.confidence) < 1e-3)
                x.confidence = 0; y.confidence = 0
                #expect(x == y)
            default:
                #expect(a == b)
            }
        }
    }

    /// Pruning does its job: most of the frames an exhaustive search compares are skipped.
    @Test func prunedSearchComparesFewerFrames() throws {
        var pruned = try Self.recognizer(prune: true)
        var all = try Self.recognizer(prune: false)
        pruned.process(Self.heard.span)
        all.process(Self.heard.span)
        #expect(pruned.searchCounters.searches == all.searchCounters.searches)
        #expect(pruned.searchCounters.searches > 20)
        let share = Double(pruned.searchCounters.framesCompared) / Double(all.searchCounters.framesCompared)
        print("pruned search compared \(String(format: "%.0f", share * 100)) % of the frames of the exhaustive one")
        #expect(share < 0.6)
    }
}
