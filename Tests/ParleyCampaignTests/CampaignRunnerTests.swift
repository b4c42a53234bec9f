import Foundation
import Testing
@testable import ParleyCampaign

/// The runner over a real SQLite store, a fake called party and a manual clock.
struct CampaignRunnerTests {
    static func window(_ days: Set<Int>, _ start: String, _ end: String) throws -> CallingWindow {
        try CallingWindow(weekdays: days, startMinute: CallingWindow.minutes(start), endMinute: CallingWindow.minutes(end))
    }

    @Test func pacingNeverExceedsCPSOrConcurrency() async throws {
        let cps = 5, maxConcurrent = 4
        let def = try Fixture.definition(cps: Double(cps), maxConcurrent: maxConcurrent)
        let numbers = Fixture.numbers(60)
        let clock = ManualClock(Fixture.t0)
        // Calls last 0.3 … 2.2 s, varying by number.
        let placer = FakePlacer(clock: clock) { n in .init(outcomes: [.answered], durationSec: 0.3 + Double(Int(n.suffix(2))! % 20) / 10) }
        let store = try CampaignSQLiteStore(dataDirectory: RunnerFixture.temporaryDirectory())
        let runner = try CampaignRunner(campaign: RunnerFixture.campaign(def, numbers: numbers), store: store, placer: placer, clock: clock)
        try await runner.start()
        #expect(try await Simulation.run(runner, clock) == .finished)

        let dials = placer.dials.map(\.at)
        #expect(dials.count == numbers.count)
        #expect(placer.maxInFlight <= maxConcurrent)
        #expect(placer.maxInFlight == maxConcurrent, "the limit should be reached under this load")
        var worst = 0
        for (i, t) in dials.enumerated() { worst = max(worst, dials[i...].prefix { $0 < t.addingTimeInterval(1) }.count) }
        #expect(worst <= cps, "\(worst) dials in one second")
        for (a, b) in zip(dials, dials.dropFirst()) { #expect(b.timeIntervalSince(a) >= 1.0 / Double(cps) - 1e-6) }
        // Every attempt is in the store, ended, with its outcome.
        let attempts = try store.attempts(campaignID: def.id)
        #expect(attempts.count == numbers.count)
        #expect(attempts.allSatisfy { $0.state == .ended && $0.outcome == .answered && $0.amd == .human })
        #expect(try store.contacts(campaignID: def.id).allSatisfy { $0.status == .done && $0.finalOutcome == .answered })
    }

    @Test func windowsAreRespectedInEachContactsZone() async throws {
        let weekdays = try Self.window([2, 3, 4, 5, 6], "09:00", "12:00")
        let def = try Fixture.definition(cps: 2, maxConcurrent: 2, zone: "America/New_York", windows: [weekdays])
        let numbers = Fixture.numbers(8)
        let zones: [String?] = [nil, nil, "Asia/Tokyo", "Asia/Tokyo", "Europe/Berlin", "Europe/Berlin", nil, "Asia/Tokyo"]
        // Friday 2026-03-06 23:00 UTC: Friday 18:00 in New York, Saturday 08:00 in Tokyo, Saturday 00:00 in Berlin.
        let start = ISO8601DateFormatter().date(from: "2026-03-06T23:00:00Z")!
        let clock = ManualClock(start)
        let placer = FakePlacer(clock: clock) { _ in .init(outcomes: [.answered], durationSec: 5) }
        let store = try CampaignSQLiteStore(dataDirectory: RunnerFixture.temporaryDirectory())
        let runner = try CampaignRunner(campaign: RunnerFixture.campaign(def, numbers: numbers, zones: zones),
                                        store: store, placer: placer, clock: clock)
        try await runner.start()
        #expect(try await Simulation.run(runner, clock) == .finished)
        #expect(placer.dials.count == numbers.count)
        for dial in placer.dials {
            let i = numbers.firstIndex(of: dial.request.number)!
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: zones[i] ?? "America/New_York")!
            let local = calendar.dateComponents([.weekday, .hour, .minute], from: dial.at)
            #expect((2...6).contains(local.weekday!), "dialled on weekday \(local.weekday!)")
            #expect((9..<12).contains(local.hour!), "dialled at \(local.hour!):\(local.minute!) local")
        }
        // The first dial in each zone is at its Monday 09:00 opening (or a pacing step after it).
        let mondayNewYork = ISO8601DateFormatter().date(from: "2026-03-09T13:00:00Z")!   // EDT since 8 March
        let mondayTokyo = ISO8601DateFormatter().date(from: "2026-03-09T00:00:00Z")!
        let firstNewYork = placer.dials.filter { zones[numbers.firstIndex(of: $0.request.number)!] == nil }.map(\.at).min()!
        let firstTokyo = placer.dials.filter { zones[numbers.firstIndex(of: $0.request.number)!] == "Asia/Tokyo" }.map(\.at).min()!
        #expect(firstNewYork == mondayNewYork)
        #expect(firstTokyo == mondayTokyo)
    }

    @Test func retriesAndNextAttemptTimesFollowThePolicy() async throws {
        let retry = try RetryPolicy(maxAttempts: 3, rules: [
            .busy: .init(delaySec: 600, maxAttempts: 3), .noAnswer: .init(delaySec: 3600, maxAttempts: 3),
            .voicemail: .init(delaySec: 14_400, maxAttempts: 2), .failed: .init(delaySec: 1800, maxAttempts: 2),
        ])
        let def = try Fixture.definition(cps: 10, maxConcurrent: 10, retry: retry)
        let numbers = Fixture.numbers(6)
        let script: [String: [AttemptOutcome]] = [
            numbers[0]: [.busy, .answered], numbers[1]: [.noAnswer], numbers[2]: [.voicemail],
            numbers[3]: [.rejected], numbers[4]: [.failed], numbers[5]: [.busy, .noAnswer, .busy],
        ]
        let clock = ManualClock(Fixture.t0)
        let placer = FakePlacer(clock: clock) { .init(outcomes: script[$0]!, durationSec: 20) }
        let store = try CampaignSQLiteStore(dataDirectory: RunnerFixture.temporaryDirectory())
        let runner = try CampaignRunner(campaign: RunnerFixture.campaign(def, numbers: numbers), store: store, placer: placer, clock: clock)
        try await runner.start()
        #expect(try await Simulation.run(runner, clock) == .finished)

        let attempts = try store.attempts(campaignID: def.id)
        func outcomes(_ n: Int) -> [AttemptOutcome?] { attempts.filter { $0.contactID == numbers[n] }.map(\.outcome) }
        #expect(outcomes(0) == [.busy, .answered])
        #expect(outcomes(1) == [.noAnswer, .noAnswer, .noAnswer])
        #expect(outcomes(2) == [.voicemail, .voicemail])
        #expect(outcomes(3) == [.rejected])
        #expect(outcomes(4) == [.failed, .failed])
        #expect(outcomes(5) == [.busy, .noAnswer, .busy])
        // Each retry starts exactly the rule's delay after the previous attempt ended.
        let delays: [AttemptOutcome: Double] = [.busy: 600, .noAnswer: 3600, .voicemail: 14_400, .failed: 1800]
        for n in numbers {
            let mine = attempts.filter { $0.contactID == n }
            #expect(mine.map(\.attemptNumber) == Array(1...mine.count))
            for (a, b) in zip(mine, mine.dropFirst()) {
                let gap = b.startedAt.timeIntervalSince(a.endedAt!)
                #expect(abs(gap - delays[a.outcome!]!) < 0.2, "\(a.outcome!) → next after \(gap) s")
            }
        }
        let results = await runner.results
        #expect(results[numbers[0]]?.outcome == .answered && results[numbers[0]]?.tags == ["coupon_accepted"])
        #expect(results[numbers[1]]?.outcome == .noAnswer && results[numbers[1]]?.attempts == 3)
        #expect(try store.contacts(campaignID: def.id).allSatisfy { $0.status == .done && $0.nextEligibleAt == nil })
    }

    @Test func nextEligibleTimeIsPersistedWhileWaiting() async throws {
        let def = try Fixture.definition()
        let numbers = Fixture.numbers(1)
        let clock = ManualClock(Fixture.t0)
        let placer = FakePlacer(clock: clock) { _ in .init(outcomes: [.busy, .answered], durationSec: 3) }
        let store = try CampaignSQLiteStore(dataDirectory: RunnerFixture.temporaryDirectory())
        let runner = try CampaignRunner(campaign: RunnerFixture.campaign(def, numbers: numbers), store: store, placer: placer, clock: clock)
        try await runner.start()
        try await Simulation.run(runner, clock, until: Fixture.t0.addingTimeInterval(60))
        let row = try #require(try store.contacts(campaignID: def.id).first)
        #expect(row.status == .pending && row.attemptsMade == 1)
        #expect(row.nextEligibleAt == Fixture.t0.addingTimeInterval(3 + 600))
        await runner.stop()
        #expect(await runner.waitUntilDone() == .stopped)
    }

    @Test func doNotCallIsNeverDialledAndFrequencyCapHoldsAcrossCampaigns() async throws {
        let numbers = Fixture.numbers(3)
        let cap = try FrequencyCap(maxCalls: 2, periodDays: 7)
        let retry = try RetryPolicy(maxAttempts: 3, rules: [.busy: .init(delaySec: 60, maxAttempts: 3)])
        let def = try Fixture.definition(retry: retry, dnc: [numbers[2]], cap: cap)
        let dir = try RunnerFixture.temporaryDirectory()
        let store = try CampaignSQLiteStore(dataDirectory: dir)
        // Another campaign called numbers[0] twice: 3 days and 1 day ago.
        for (i, daysAgo) in [3.0, 1.0].enumerated() {
            try store.saveAttempt(AttemptRecord(
                attemptID: "other#\(numbers[0])#\(i + 1)", campaignID: "other", contactID: numbers[0], attemptNumber: i + 1,
                variant: nil, state: .ended, outcome: .answered, startedAt: Fixture.t0.addingTimeInterval(-daysAgo * 86_400),
                endedAt: Fixture.t0.addingTimeInterval(-daysAgo * 86_400 + 30)))
        }
        let clock = ManualClock(Fixture.t0)
        let placer = FakePlacer(clock: clock) { _ in .init(outcomes: [.busy], durationSec: 10) }
        let runner = try CampaignRunner(campaign: RunnerFixture.campaign(def, numbers: numbers), store: store, placer: placer, clock: clock)
        try await runner.start()
        #expect(try await Simulation.run(runner, clock) == .finished)

        #expect(!placer.dials.contains { $0.request.number == numbers[2] })
        #expect(await runner.results[numbers[2]]?.skipReason == "do_not_call")
        // numbers[0]: first dial only when the call 3 days ago leaves the 7-day period.
        let capped = placer.dials.filter { $0.request.number == numbers[0] }.map(\.at)
        #expect(capped.first == Fixture.t0.addingTimeInterval(4 * 86_400))
        // numbers[1] (no history): at most 2 dials in any 7 days.
        let free = placer.dials.filter { $0.request.number == numbers[1] }.map(\.at)
        #expect(free.count == 3)
        #expect(free[2].timeIntervalSince(free[0]) >= 7 * 86_400)
        for n in numbers.prefix(2) {
            let all = try store.dialTimes(contactID: n, since: .distantPast).sorted()
            for (i, t) in all.enumerated() {
                #expect(all[i...].prefix { $0 < t.addingTimeInterval(7 * 86_400) }.count <= 2, "cap exceeded for contact \(n.suffix(2))")
            }
        }
    }

    @Test func pauseStopsDiallingAndResumeContinues() async throws {
        let def = try Fixture.definition(cps: 1, maxConcurrent: 1)
        let clock = ManualClock(Fixture.t0)
        let placer = FakePlacer(clock: clock) { _ in .init(outcomes: [.answered], durationSec: 0.5) }
        let store = try CampaignSQLiteStore(dataDirectory: RunnerFixture.temporaryDirectory())
        let runner = try CampaignRunner(campaign: RunnerFixture.campaign(def, numbers: Fixture.numbers(5)), store: store,
                                        placer: placer, clock: clock)
        try await runner.start()
        try await Simulation.run(runner, clock, until: Fixture.t0.addingTimeInterval(1.5))
        await runner.pause()
        let before = placer.dials.count
        try await Simulation.run(runner, clock, until: Fixture.t0.addingTimeInterval(100))
        clock.advance(to: Fixture.t0.addingTimeInterval(100))
        try await Simulation.settle(runner, clock)
        #expect(placer.dials.count == before)
        await runner.resume()
        #expect(try await Simulation.run(runner, clock) == .finished)
        #expect(placer.dials.count == 5)
    }

    @Test func theCampaignsAMDSettingsReachEveryDial() async throws {
        var def = try Fixture.definition(cps: 10, maxConcurrent: 2)
        def.amd.totalAnalysisMs = 4000
        def.amd.greetingMs = 1700
        def.leaveVoicemail = true
        let clock = ManualClock(Fixture.t0)
        let placer = FakePlacer(clock: clock) { _ in .init(outcomes: [.answered], durationSec: 0.5) }
        let store = try CampaignSQLiteStore(dataDirectory: RunnerFixture.temporaryDirectory())
        let runner = try CampaignRunner(campaign: RunnerFixture.campaign(def, numbers: Fixture.numbers(3)), store: store,
                                        placer: placer, clock: clock)
        try await runner.start()
        #expect(try await Simulation.run(runner, clock) == .finished)
        #expect(placer.dials.count == 3)
        #expect(placer.dials.allSatisfy { $0.request.amd == def.amd && $0.request.leaveVoicemail })
        #expect(def.amd != AMDConfiguration())
    }
}
