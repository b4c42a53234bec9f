import Foundation
import Testing
@testable import ParleyCampaign

struct CampaignStatisticsTests {
    @Test func wilsonIntervalMatchesReferenceValues() {
        // 40 of 100: Wilson 95 % = [0.3094, 0.4980] (standard tables).
        let p = CampaignStatistics.Proportion(successes: 40, trials: 100)
        #expect(abs(p.wilson95.lowerBound - 0.3094) < 0.0005)
        #expect(abs(p.wilson95.upperBound - 0.4980) < 0.0005)
        let zero = CampaignStatistics.Proportion(successes: 0, trials: 10)
        #expect(zero.wilson95.lowerBound == 0 && abs(zero.wilson95.upperBound - 0.2775) < 0.0005)
    }

    @Test func twoProportionTest() throws {
        // 60/200 vs 40/200: z = 2.315, p ≈ 0.0206.
        let p = try #require(CampaignStatistics.twoProportionPValue(.init(successes: 60, trials: 200), .init(successes: 40, trials: 200)))
        #expect(abs(p - 0.0206) < 0.001)
        let same = try #require(CampaignStatistics.twoProportionPValue(.init(successes: 50, trials: 100), .init(successes: 50, trials: 100)))
        #expect(same > 0.99)
    }

    @Test func figuresPerVariantFromAttempts() {
        func attempt(_ contact: String, _ n: Int, _ variant: String, _ outcome: AttemptOutcome, amd: AMDVerdict? = nil, tags: [String] = []) -> AttemptRecord {
            AttemptRecord(attemptID: "c#\(contact)#\(n)", campaignID: "c", contactID: contact, attemptNumber: n, variant: variant,
                          state: .ended, outcome: outcome, amd: amd, tags: tags, startedAt: Fixture.t0,
                          answeredAt: (outcome == .answered || outcome == .voicemail) ? Fixture.t0 : nil, endedAt: Fixture.t0)
        }
        let rows = [
            attempt("1", 1, "A", .busy), attempt("1", 2, "A", .answered, amd: .human, tags: ["coupon_accepted"]),
            attempt("2", 1, "A", .voicemail, amd: .machine),
            attempt("3", 1, "B", .answered, amd: .human), attempt("4", 1, "B", .noAnswer),
        ]
        let stats = CampaignStatistics(attempts: rows, conversionTag: "coupon_accepted")
        #expect(stats.variants.map(\.variant) == ["A", "B"])
        let a = stats.variants[0], b = stats.variants[1]
        #expect(a.contacts == 2 && a.attempts == 3)
        #expect(a.connected == .init(successes: 2, trials: 3))
        #expect(a.machine == .init(successes: 1, trials: 2))
        #expect(a.conversion == .init(successes: 1, trials: 1))
        #expect(b.conversion == .init(successes: 0, trials: 1))
        #expect(stats.conversionPValue != nil)
    }
}
