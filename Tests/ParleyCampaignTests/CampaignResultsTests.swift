import Foundation
import ParleyStore
import Testing
@testable import ParleyCampaign

/// Contact results into the store's durable outbox, the report and its renderings.
struct CampaignResultsTests {
    @Test func resultsGoToTheOutboxOnceEvenAfterARestart() async throws {
        let dir = try RunnerFixture.temporaryDirectory()
        let callStore = try CallStore(configuration: .init(directory: dir))
        let outbox = WebhookOutbox(store: callStore)
        let publisher = WebhookResultPublisher(outbox: outbox, endpoint: "crm", url: "http://127.0.0.1:9/crm")
        let store = try CampaignSQLiteStore(dataDirectory: dir)
        #expect(store.path == callStore.path, "campaign tables live in the daemon's store file")
        let variants = try VariantAssigner(variants: [.init(name: "a", weight: 1), .init(name: "b", weight: 1)])
        let numbers = Fixture.numbers(4)
        let def = try Fixture.definition(dnc: [numbers[3]], variants: variants)
        let campaign = RunnerFixture.campaign(def, numbers: numbers)
        // The call of numbers[0]'s answered attempt, as the call layer records it.
        let callID = "call-\(Fixture.t0.timeIntervalSince1970)"
        try callStore.callStarted(CallStart(callId: callID, direction: .outbound, fromURI: "sip:+14155550000@carrier-a",
                                            toURI: "sip:\(numbers[0])@carrier-a", startedAtMs: 0))
        callStore.turnRecorded(callId: callID, turn: TurnRecord(seq: 1, state: "offer", prompt: "offer.wav",
                                                                transcript: "yes please", intent: "accept"))
        await callStore.flush()
        let outcomes: [String: [AttemptOutcome]] = [numbers[0]: [.answered], numbers[1]: [.busy, .voicemail],
                                                    numbers[2]: [.rejected], numbers[3]: [.answered]]

        let clock = ManualClock(Fixture.t0)
        let placer = FakePlacer(clock: clock) { .init(outcomes: outcomes[$0]!, durationSec: 30) }
        let runner = try CampaignRunner(campaign: campaign, store: store, placer: placer, clock: clock, publisher: publisher)
        try await runner.start()
        #expect(try await Simulation.run(runner, clock) == .finished)

        let items = try await outbox.items()
        #expect(items.count == 4)
        #expect(Set(items.map(\.idempotencyKey)) == Set(numbers.map { "\(def.id):\($0):result" }))
        let byNumber = Dictionary(uniqueKeysWithValues: try items.map { item in
            let json = try #require(try JSONSerialization.jsonObject(with: Data(item.payloadJSON.utf8)) as? [String: Any])
            return (json["number"] as! String, json)
        })
        #expect(byNumber[numbers[0]]?["outcome"] as? String == "answered")
        #expect(byNumber[numbers[0]]?["tags"] as? [String] == ["coupon_accepted"])
        #expect(byNumber[numbers[0]]?["disposition"] as? String == "completed")
        #expect(byNumber[numbers[0]]?["event"] as? String == "campaign.contact_result")
        let transcript = try #require(byNumber[numbers[0]]?["transcript"] as? [[String: Any]])
        #expect(transcript.count == 1 && transcript[0]["intent"] as? String == "accept"
                && transcript[0]["transcript"] as? String == "yes please")
        #expect((byNumber[numbers[1]]?["transcript"] as? [Any])?.isEmpty == true)
        #expect(byNumber[numbers[1]]?["attempt_outcomes"] as? [String] == ["busy", "voicemail"])
        #expect(byNumber[numbers[1]]?["amd"] as? String == "machine")
        #expect(byNumber[numbers[3]]?["skip_reason"] as? String == "do_not_call")
        #expect(byNumber[numbers[3]]?["outcome"] is NSNull)
        #expect(byNumber[numbers[0]]?["variant"] as? String == variants.assign(contactID: numbers[0], campaignID: def.id))

        // A restart re-publishes every finished contact: the keys are already queued, nothing doubles.
        let again = try CampaignRunner(campaign: campaign, store: store, placer: placer, clock: clock, publisher: publisher)
        try await again.start()
        #expect(await again.waitUntilDone() == .finished)
        #expect(try await outbox.items().count == 4)
        #expect(placer.dials.count == 4, "a finished campaign dials nobody on restart")
    }

    @Test func reportFiguresAndRenderings() throws {
        let variants = try VariantAssigner(variants: [.init(name: "a", weight: 1), .init(name: "b", weight: 1)])
        var def = try Fixture.definition(variants: variants)
        def.conversionTag = "coupon_accepted"
        let numbers = Fixture.numbers(6)
        let campaign = RunnerFixture.campaign(def, numbers: numbers)
        let t = Fixture.t0
        var attempts: [AttemptRecord] = []
        var contacts: [ContactProgress] = []
        for (i, n) in numbers.enumerated() {
            let v = variants.assign(contactID: n, campaignID: def.id)
            let answered = i % 2 == 0
            attempts.append(AttemptRecord(
                attemptID: "\(def.id)#\(n)#1", campaignID: def.id, contactID: n, attemptNumber: 1, variant: v, state: .ended,
                outcome: answered ? .answered : .busy, sipStatus: answered ? 200 : 486, amd: answered ? .human : nil,
                tags: i == 0 ? ["coupon_accepted", "x<y"] : [], startedAt: t, answeredAt: answered ? t : nil,
                endedAt: t.addingTimeInterval(60), amdDecisionMs: answered ? 800 + i * 100 : nil))
            contacts.append(ContactProgress(campaignID: def.id, contactID: n, attemptsMade: 1, status: i == 5 ? .pending : .done,
                                            nextEligibleAt: nil, finalOutcome: i == 5 ? nil : (answered ? .answered : .busy)))
        }
        let report = CampaignReport(campaign: campaign, attempts: attempts, contacts: contacts, state: .running, generatedAt: t)
        #expect(report.attemptCount == 6 && report.finishedContacts == 5)
        #expect(report.attemptOutcomes == ["answered": 3, "busy": 3])
        #expect(report.amdDecisionMs == [800, 1000, 1200])
        #expect(report.results[5].skipReason == "pending" && report.results[5].outcome == nil)
        let csv = report.csv()
        #expect(csv.split(separator: "\r\n").count == 7)
        #expect(csv.contains("coupon_accepted;x<y"))
        let html = report.html()
        #expect(html.contains("<svg") && html.contains("x&lt;y") && !html.contains("x<y"))
        #expect(!html.contains("<script") && !html.contains("src=") && !html.contains("href="), "self-contained")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        #expect(json["campaign_id"] as? String == def.id)
        #expect((json["variants"] as? [[String: Any]])?.count == 2)
        #expect(report.text().contains("amd       decision p50 1000 ms, p95 1200 ms"))
    }
}
