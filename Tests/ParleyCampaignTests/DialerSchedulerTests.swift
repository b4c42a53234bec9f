import Foundation
import Testing
@testable import ParleyCampaign

struct DialerSchedulerTests {
    @Test func pacingNeverExceedsCPSOrConcurrency() throws {
        let cps = 5, maxConcurrent = 8
        let numbers = Fixture.numbers(120)
        var scheduler = try DialerScheduler(definition: Fixture.definition(cps: Double(cps), maxConcurrent: maxConcurrent),
                                            contacts: Fixture.contacts(numbers))
        var dialTimesMs: [Int] = []
        var ends: [(String, Int)] = []   // attempt, end time ms
        var inFlight = 0, maxInFlight = 0
        var finished = false
        var ms = 0
        while ms < 600_000 && !finished {
            let now = Fixture.t0.addingTimeInterval(Double(ms) / 1000)
            var actions: [DialerScheduler.Action] = []
            for (id, end) in ends where end <= ms {
                actions += scheduler.handle(.progress(attemptID: id, .answered, at: now))
                actions += scheduler.handle(.progress(attemptID: id, .ended(.completed, tags: []), at: now))
                inFlight -= 1
            }
            ends.removeAll { $0.1 <= ms }
            actions += scheduler.handle(.tick(now))
            for call in actions.placed {
                dialTimesMs.append(ms)
                inFlight += 1
                // Calls last 1.0 … 2.9 s, varying by contact.
                ends.append((call.attemptID, ms + 1000 + (Int(call.number.suffix(2))! % 20) * 100))
            }
            maxInFlight = max(maxInFlight, inFlight)
            if actions.contains(.campaignFinished) { finished = true }
            ms += 10
        }
        #expect(finished)
        #expect(dialTimesMs.count == numbers.count)
        #expect(maxInFlight <= maxConcurrent)
        #expect(maxInFlight == maxConcurrent, "the limit should be reached under this load")
        var worst = 0
        for (i, t) in dialTimesMs.enumerated() {
            worst = max(worst, dialTimesMs[i...].prefix { $0 < t + 1000 }.count)
        }
        #expect(worst <= cps, "\(worst) calls in one second")
    }

    @Test func cpsBoundHoldsWhenTickedOnlyAtWakeUps() throws {
        var scheduler = try DialerScheduler(definition: Fixture.definition(cps: 3, maxConcurrent: 100),
                                            contacts: Fixture.contacts(Fixture.numbers(30)))
        var now = Fixture.t0
        var dials: [Date] = []
        for _ in 0..<200 {
            let actions = scheduler.handle(.tick(now))
            dials += actions.placed.map { _ in now }
            guard let wake = actions.compactMap({ if case .wakeUp(let at) = $0 { at } else { nil } }).first else { break }
            #expect(wake > now)
            now = wake
        }
        #expect(dials.count == 30)
        for (i, t) in dials.enumerated() {
            #expect(dials[i...].prefix { $0 < t.addingTimeInterval(1) }.count <= 3)
        }
    }

    @Test func ringTimeoutCancelsAndCountsAsNoAnswer() throws {
        var s = try DialerScheduler(definition: Fixture.definition(ringTimeoutSec: 30), contacts: Fixture.contacts(Fixture.numbers(1)))
        let call = try #require(s.handle(.tick(Fixture.t0)).placed.first)
        _ = s.handle(.progress(attemptID: call.attemptID, .ringing, at: Fixture.t0.addingTimeInterval(1)))
        #expect(s.handle(.tick(Fixture.t0.addingTimeInterval(29))).cancels.isEmpty)
        #expect(s.handle(.tick(Fixture.t0.addingTimeInterval(30))).cancels == [call.attemptID])
        let end = Fixture.t0.addingTimeInterval(30.2)
        let actions = s.handle(.progress(attemptID: call.attemptID, .failed(sipStatus: 487), at: end))
        #expect(actions.persistedAttempts.last?.outcome == .noAnswer)
        #expect(actions.nextAttempts.first?.1 == end.addingTimeInterval(3600))
    }

    /// Outcome → next attempt time (standard policy) or final result.
    static let retryCases: [(AttemptProgress?, Int?, AttemptOutcome, Int?)] = [
        // (progress after answer or nil, failure status, expected outcome, expected delay s or nil = final)
        (nil, 486, .busy, 600),
        (nil, 600, .busy, 600),
        (nil, 480, .noAnswer, 3600),
        (nil, 408, .noAnswer, 3600),
        (nil, 603, .rejected, nil),
        (nil, 503, .failed, 1800),
        (nil, 487, .failed, 1800),
        (nil, 404, .invalidNumber, nil),
        (.amd(.machine), nil, .voicemail, 14_400),
        (.ended(.dropped, tags: []), nil, .dropped, 1800),
        (.ended(.completed, tags: ["coupon_accepted"]), nil, .answered, nil),
    ]

    @Test(arguments: 0..<retryCases.count)
    func outcomesAndNextAttemptTimes(_ index: Int) throws {
        let (after, status, outcome, delay) = Self.retryCases[index]
        var s = try DialerScheduler(definition: Fixture.definition(), contacts: Fixture.contacts(Fixture.numbers(1)))
        let call = try #require(s.handle(.tick(Fixture.t0)).placed.first)
        let end = Fixture.t0.addingTimeInterval(12)
        var actions: [DialerScheduler.Action] = []
        if let status {
            actions = s.handle(.progress(attemptID: call.attemptID, .failed(sipStatus: status), at: end))
        } else {
            _ = s.handle(.progress(attemptID: call.attemptID, .answered, at: end.addingTimeInterval(-5)))
            if case .amd = after! {
                _ = s.handle(.progress(attemptID: call.attemptID, after!, at: end.addingTimeInterval(-3)))
                actions = s.handle(.progress(attemptID: call.attemptID, .ended(.machineHungUp, tags: []), at: end))
            } else {
                actions = s.handle(.progress(attemptID: call.attemptID, after!, at: end))
            }
        }
        #expect(actions.persistedAttempts.last?.outcome == outcome)
        if let delay {
            #expect(actions.nextAttempts.first?.1 == end.addingTimeInterval(TimeInterval(delay)))
            #expect(actions.results.isEmpty)
        } else {
            #expect(actions.nextAttempts.isEmpty)
            #expect(actions.results.first?.outcome == outcome)
        }
    }

    @Test func busyIsRetriedUpToItsLimitThenFinal() throws {
        var s = try DialerScheduler(definition: Fixture.definition(), contacts: Fixture.contacts(Fixture.numbers(1)))
        var now = Fixture.t0
        var attempts = 0
        var result: ContactResult?
        while result == nil && attempts < 10 {
            let actions = s.handle(.tick(now))
            guard let call = actions.placed.first else {
                now = now.addingTimeInterval(60); continue
            }
            attempts += 1
            let r = s.handle(.progress(attemptID: call.attemptID, .failed(sipStatus: 486), at: now.addingTimeInterval(5)))
            result = r.results.first
            now = r.nextAttempts.first?.1 ?? now
        }
        #expect(attempts == 3)
        #expect(result?.outcome == .busy && result?.attempts == 3)
    }

    @Test func retryOutsideTheWindowMovesToItsNextOpening() throws {
        // New York 09:00–20:00 every day; busy at 19:55 local → retry due 20:05 → next day 09:00.
        let def = try Fixture.definition(zone: "America/New_York",
                                         windows: [CallingWindow(weekdays: Set(1...7), startMinute: 540, endMinute: 1200)])
        var s = try DialerScheduler(definition: def, contacts: Fixture.contacts(Fixture.numbers(1)))
        let at1955 = ISO8601DateFormatter().date(from: "2026-03-04T00:55:00Z")!   // 19:55 EST
        let call = try #require(s.handle(.tick(at1955)).placed.first)
        let next = s.handle(.progress(attemptID: call.attemptID, .failed(sipStatus: 486), at: at1955.addingTimeInterval(10))).nextAttempts
        #expect(next.first?.1 == ISO8601DateFormatter().date(from: "2026-03-04T14:00:00Z")!)
    }

    @Test func contactInAnotherZoneWaitsForItsOwnWindow() throws {
        let def = try Fixture.definition(zone: "America/New_York",
                                         windows: [CallingWindow(weekdays: Set(1...7), startMinute: 540, endMinute: 1200)])
        var list = Fixture.contacts(Fixture.numbers(2))
        list.contacts[1].timeZoneIdentifier = "Asia/Tokyo"   // 00:00 in Tokyo at t0
        var s = try DialerScheduler(definition: def, contacts: list)
        let placed = s.handle(.tick(Fixture.t0)).placed
        #expect(placed.map(\.number) == [list.contacts[0].number])
        #expect(s.handle(.tick(Fixture.t0.addingTimeInterval(9 * 3600 - 1))).placed.isEmpty)
        #expect(s.handle(.tick(Fixture.t0.addingTimeInterval(9 * 3600))).placed.map(\.number) == [list.contacts[1].number])
    }

    @Test func sitInEarlyMediaCancelsAndIsFinal() throws {
        var s = try DialerScheduler(definition: Fixture.definition(), contacts: Fixture.contacts(Fixture.numbers(1)))
        let call = try #require(s.handle(.tick(Fixture.t0)).placed.first)
        let a = s.handle(.progress(attemptID: call.attemptID, .earlyMedia(.specialInformationTone(.vacantCode)), at: Fixture.t0.addingTimeInterval(2)))
        #expect(a.cancels == [call.attemptID])
        let r = s.handle(.progress(attemptID: call.attemptID, .failed(sipStatus: 487), at: Fixture.t0.addingTimeInterval(3)))
        #expect(r.results.first?.outcome == .invalidNumber)
    }

    @Test func variablesAndVariantGoWithTheCall() throws {
        let variants = try VariantAssigner(variants: [.init(name: "A", weight: 1), .init(name: "B", weight: 1)])
        var s = try DialerScheduler(definition: Fixture.definition(variants: variants), contacts: Fixture.contacts(Fixture.numbers(1)))
        let call = try #require(s.handle(.tick(Fixture.t0)).placed.first)
        #expect(call.variables["name"] == "c0")
        #expect(call.variant != nil && call.variables["variant"] == call.variant)
        #expect(call.callerID == "+14155550000" && call.trunk == "carrier-a")
    }
}
