import Foundation
import Testing
@testable import ParleyCampaign

struct CrashRecoveryTests {
    /// Runs a campaign, "crashes" with calls in flight (the scheduler's memory is lost, the
    /// store survives), restarts from the store and finishes. Every contact ends with at
    /// most the attempts the policy allows, and no attempt id is ever placed twice.
    @Test func inFlightBecomesUnknownIsRetriedAndNeverRedialed() throws {
        let retry = try RetryPolicy(maxAttempts: 3, rules: [
            .busy: .init(delaySec: 120, maxAttempts: 3),
            .unknown: .init(delaySec: 300, maxAttempts: 3),
        ])
        let def = try Fixture.definition(cps: 2, maxConcurrent: 4, retry: retry)
        let numbers = Fixture.numbers(12)
        let list = Fixture.contacts(numbers)
        let store = InMemoryCampaignStateStore()
        var exec = ActionExecutor(store: store)

        // Before the crash: every call is busy on its first attempt; some are still in flight.
        var s = try DialerScheduler(definition: def, contacts: list)
        var open: [String] = []
        var ms = 0
        while ms < 5_000 {
            let now = Fixture.t0.addingTimeInterval(Double(ms) / 1000)
            let a = s.handle(.tick(now))
            exec.run(a)
            open += a.placed.map(\.attemptID)
            if ms % 1000 == 500, let first = open.first {   // one ends every second
                open.removeFirst()
                exec.run(s.handle(.progress(attemptID: first, .failed(sipStatus: 486), at: now)))
            }
            ms += 100
        }
        let stranded = open
        #expect(!stranded.isEmpty)
        #expect(store.attempts(campaignID: def.id).filter(\.isInFlight).map(\.attemptID).sorted() == stranded.sorted())

        // Restart.
        let crashAt = Fixture.t0.addingTimeInterval(5)
        let restartAt = crashAt.addingTimeInterval(60)
        s = try DialerScheduler(definition: def, contacts: list)
        let recovered = s.handle(.recovered(attempts: store.attempts(campaignID: def.id),
                                            contacts: store.contacts(campaignID: def.id), at: restartAt))
        exec.run(recovered)
        #expect(Set(recovered.persistedAttempts.filter { $0.outcome == .unknown }.map(\.attemptID)) == Set(stranded))
        for (_, at) in recovered.nextAttempts { #expect(at == restartAt.addingTimeInterval(300)) }
        #expect(store.attempts(campaignID: def.id).allSatisfy { !$0.isInFlight })

        // Run to the end: from now on every call is answered and completes.
        var now = restartAt
        var finished = false
        var steps = 0
        while !finished && steps < 100_000 {
            let a = s.handle(.tick(now))
            exec.run(a)
            for call in a.placed {
                exec.run(s.handle(.progress(attemptID: call.attemptID, .answered, at: now)))
                exec.run(s.handle(.progress(attemptID: call.attemptID, .ended(.completed, tags: []), at: now.addingTimeInterval(0.5))))
            }
            finished = a.contains(.campaignFinished) || s.isFinished
            now = now.addingTimeInterval(1)
            steps += 1
        }
        #expect(finished)
        #expect(exec.violations.isEmpty, "\(exec.violations)")
        #expect(Set(exec.placedIDs).count == exec.placedIDs.count, "an attempt was placed twice")
        let attempts = store.attempts(campaignID: def.id)
        for n in numbers {
            let mine = attempts.filter { $0.contactID == n }
            #expect(mine.count <= retry.maxAttempts)
            #expect(mine.map(\.attemptNumber) == Array(1...mine.count))
            #expect(mine.last?.outcome == .answered)
            if mine.contains(where: { stranded.contains($0.attemptID) }) {
                #expect(mine.contains { $0.outcome == .unknown })
            }
        }
        #expect(store.contacts(campaignID: def.id).allSatisfy { $0.status == .done })
    }

    @Test func unknownIsFinalWhenAttemptsAreUsedUp() throws {
        let retry = try RetryPolicy(maxAttempts: 1, rules: [.unknown: .init(delaySec: 60, maxAttempts: 3)])
        let def = try Fixture.definition(retry: retry)
        let list = Fixture.contacts(Fixture.numbers(1))
        var s = try DialerScheduler(definition: def, contacts: list)
        let store = InMemoryCampaignStateStore()
        var exec = ActionExecutor(store: store)
        exec.run(s.handle(.tick(Fixture.t0)))
        s = try DialerScheduler(definition: def, contacts: list)
        let a = s.handle(.recovered(attempts: store.attempts(campaignID: def.id), contacts: store.contacts(campaignID: def.id),
                                    at: Fixture.t0.addingTimeInterval(30)))
        #expect(a.results.first?.outcome == .unknown)
        exec.run(a)
        #expect(s.handle(.tick(Fixture.t0.addingTimeInterval(3600))).placed.isEmpty)
    }

    @Test func lateProgressForARecoveredAttemptIsIgnored() throws {
        let def = try Fixture.definition()
        let list = Fixture.contacts(Fixture.numbers(1))
        var s = try DialerScheduler(definition: def, contacts: list)
        let store = InMemoryCampaignStateStore()
        var exec = ActionExecutor(store: store)
        let a = s.handle(.tick(Fixture.t0)); exec.run(a)
        let id = try #require(a.placed.first?.attemptID)
        s = try DialerScheduler(definition: def, contacts: list)
        exec.run(s.handle(.recovered(attempts: store.attempts(campaignID: def.id), contacts: store.contacts(campaignID: def.id), at: Fixture.t0)))
        #expect(s.handle(.progress(attemptID: id, .answered, at: Fixture.t0)).isEmpty)
    }
}

struct CrashBetweenWritesTests {
    @Test func endedAttemptWithStaleContactRowGetsItsRetry() throws {
        let def = try Fixture.definition()
        let list = Fixture.contacts(Fixture.numbers(1))
        var s = try DialerScheduler(definition: def, contacts: list)
        let store = InMemoryCampaignStateStore()
        var exec = ActionExecutor(store: store)
        let placed = s.handle(.tick(Fixture.t0)); exec.run(placed)
        let id = try #require(placed.placed.first?.attemptID)
        let end = Fixture.t0.addingTimeInterval(5)
        // Only the attempt write lands; the crash loses the contact row update.
        let after = s.handle(.progress(attemptID: id, .failed(sipStatus: 486), at: end))
        exec.run(after.filter { if case .persistAttempt = $0 { true } else { false } })
        #expect(store.contacts(campaignID: def.id).first?.status == .inFlight)
        s = try DialerScheduler(definition: def, contacts: list)
        let r = s.handle(.recovered(attempts: store.attempts(campaignID: def.id), contacts: store.contacts(campaignID: def.id),
                                    at: end.addingTimeInterval(60)))
        #expect(r.nextAttempts.first?.1 == end.addingTimeInterval(600))
        #expect(s.handle(.tick(end.addingTimeInterval(599))).placed.isEmpty)
        let again = s.handle(.tick(end.addingTimeInterval(600))).placed
        #expect(again.map(\.attemptID) == ["\(def.id)#\(list.contacts[0].id)#2"])
    }
}
