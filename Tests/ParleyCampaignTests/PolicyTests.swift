import Foundation
import Testing
@testable import ParleyCampaign

struct PolicyTests {
    @Test func doNotCallNumbersAreNeverDialed() throws {
        let numbers = Fixture.numbers(5)
        var s = try DialerScheduler(definition: Fixture.definition(dnc: ["+1 415 555 0002", numbers[4]]),
                                    contacts: Fixture.contacts(numbers))
        var actions: [DialerScheduler.Action] = []
        for second in 0..<5 { actions += s.handle(.tick(Fixture.t0.addingTimeInterval(Double(second)))) }
        #expect(Set(actions.placed.map(\.number)) == Set([numbers[0], numbers[1], numbers[3]]))
        #expect(Set(actions.results.map(\.contactID)) == Set([numbers[2], numbers[4]]))
        #expect(actions.results.allSatisfy { $0.skipReason == "do_not_call" && $0.outcome == nil })
    }

    @Test func frequencyCapHoldsAcrossCampaigns() throws {
        let numbers = Fixture.numbers(2)
        let cap = try FrequencyCap(maxCalls: 2, periodDays: 7)
        let day: TimeInterval = 86_400
        // numbers[0] was called twice by other campaigns: 6 and 2 days ago.
        let history = [numbers[0]: [Fixture.t0.addingTimeInterval(-6 * day), Fixture.t0.addingTimeInterval(-2 * day)]]
        var s = try DialerScheduler(definition: Fixture.definition(cap: cap), contacts: Fixture.contacts(numbers), dialHistory: history)
        #expect(s.handle(.tick(Fixture.t0)).placed.map(\.number) == [numbers[1]])
        // Frees up when the older dial leaves the 7-day period (1 day later).
        #expect(s.handle(.tick(Fixture.t0.addingTimeInterval(day - 1))).placed.isEmpty)
        #expect(s.handle(.tick(Fixture.t0.addingTimeInterval(day))).placed.map(\.number) == [numbers[0]])
        // A dial by another campaign while running counts too.
        _ = s.handle(.externalDial(contactID: numbers[1], at: Fixture.t0.addingTimeInterval(10)))
        #expect(!cap.allows(at: Fixture.t0.addingTimeInterval(20), previousDials: [Fixture.t0, Fixture.t0.addingTimeInterval(10)]))
    }

    @Test func ownRetriesCountAgainstTheCap() throws {
        let cap = try FrequencyCap(maxCalls: 2, periodDays: 1)
        let retry = try RetryPolicy(maxAttempts: 5, rules: [.busy: .init(delaySec: 60, maxAttempts: 5)])
        var s = try DialerScheduler(definition: Fixture.definition(retry: retry, cap: cap), contacts: Fixture.contacts(Fixture.numbers(1)))
        var dials: [Date] = []
        var now = Fixture.t0
        while now < Fixture.t0.addingTimeInterval(2 * 86_400) {
            let a = s.handle(.tick(now))
            for c in a.placed {
                dials.append(now)
                _ = s.handle(.progress(attemptID: c.attemptID, .failed(sipStatus: 486), at: now.addingTimeInterval(1)))
            }
            now = now.addingTimeInterval(30)
        }
        #expect(dials.count >= 3)
        for d in dials { #expect(dials.filter { $0 > d.addingTimeInterval(-86_400) && $0 <= d }.count <= 2) }
    }

    @Test func variantsAreStickyAndFollowWeights() throws {
        let assigner = try VariantAssigner(variants: [.init(name: "A", weight: 70), .init(name: "B", weight: 30)])
        let numbers = Fixture.numbers(10_000)
        var a = 0
        for n in numbers {
            let v = assigner.assign(contactID: n, campaignID: "spring-coupons")
            #expect(v == assigner.assign(contactID: n, campaignID: "spring-coupons"))
            if v == "A" { a += 1 }
        }
        #expect(abs(Double(a) / 10_000 - 0.70) < 0.03, "A share \(a)")
        // Stable across runs: a fixed value (FNV-1a + SplitMix64 is defined arithmetic).
        #expect(VariantAssigner.stableHash("") == VariantAssigner.stableHash(""))
        #expect(VariantAssigner.stableHash("spring-coupons\u{0}+14155550000") != VariantAssigner.stableHash("spring-coupons\u{0}+14155550001"))
        // Another campaign assigns independently.
        let other = numbers.prefix(1000).filter { assigner.assign(contactID: $0, campaignID: "x") != assigner.assign(contactID: $0, campaignID: "spring-coupons") }
        #expect(other.count > 200)
        // Zero weight never assigned.
        let zero = try VariantAssigner(variants: [.init(name: "A", weight: 1), .init(name: "off", weight: 0)])
        #expect(numbers.prefix(500).allSatisfy { zero.assign(contactID: $0, campaignID: "c") == "A" })
    }

    @Test func variantSurvivesRetriesAndRestarts() throws {
        let variants = try VariantAssigner(variants: [.init(name: "A", weight: 1), .init(name: "B", weight: 1)])
        let def = try Fixture.definition(variants: variants)
        let list = Fixture.contacts(Fixture.numbers(50))
        let s1 = try DialerScheduler(definition: def, contacts: list)
        let s2 = try DialerScheduler(definition: def, contacts: list)
        for c in list.contacts { #expect(s1.variant(of: c.id) == s2.variant(of: c.id)) }
    }

    @Test func tokenBucketSpacing() throws {
        var b = try TokenBucket(ratePerSecond: 4)
        let first = b.tryTake(nowNs: 0)
        let early = b.tryTake(nowNs: 249_999_999)
        let onTime = b.tryTake(nowNs: 250_000_000)
        #expect(first && !early && onTime)
        var burst = try TokenBucket(ratePerSecond: 1, burst: 3)
        var taken = 0
        for _ in 0..<5 where burst.tryTake(nowNs: 0) { taken += 1 }
        #expect(taken == 3)
        #expect(throws: CampaignError.self) { try TokenBucket(ratePerSecond: 0) }
    }

    @Test func sipStatusClassification() {
        #expect(AttemptOutcome.classify(sipStatus: 486, afterRingTimeout: false) == .busy)
        #expect(AttemptOutcome.classify(sipStatus: 600, afterRingTimeout: false) == .busy)
        #expect(AttemptOutcome.classify(sipStatus: 408, afterRingTimeout: false) == .noAnswer)
        #expect(AttemptOutcome.classify(sipStatus: 480, afterRingTimeout: false) == .noAnswer)
        #expect(AttemptOutcome.classify(sipStatus: 487, afterRingTimeout: true) == .noAnswer)
        #expect(AttemptOutcome.classify(sipStatus: 487, afterRingTimeout: false) == .failed)
        #expect(AttemptOutcome.classify(sipStatus: 603, afterRingTimeout: false) == .rejected)
        #expect(AttemptOutcome.classify(sipStatus: 500, afterRingTimeout: false) == .failed)
    }

    @Test func definitionValidation() throws {
        #expect(throws: CampaignError.self) { try Fixture.definition(cps: 0) }
        #expect(throws: CampaignError.self) { try Fixture.definition(maxConcurrent: 0) }
        #expect(throws: CampaignError.self) { try Fixture.definition(zone: "Nowhere/City") }
        #expect(throws: CampaignError.self) { try Fixture.definition(windows: []) }
        #expect(throws: CampaignError.self) { try Fixture.definition(dnc: ["12345"]) }
        #expect(throws: CampaignError.self) { try RetryPolicy(maxAttempts: 0, rules: [:]) }
        #expect(throws: CampaignError.self) { try RetryPolicy(maxAttempts: 2, rules: [.answered: .init(delaySec: 1, maxAttempts: 2)]) }
        #expect(throws: CampaignError.self) { try VariantAssigner(variants: [.init(name: "A", weight: 0)]) }
        #expect(throws: CampaignError.self) { try FrequencyCap(maxCalls: 0, periodDays: 1) }
        #expect(try Fixture.definition().callerID == "+14155550000")
    }
}
