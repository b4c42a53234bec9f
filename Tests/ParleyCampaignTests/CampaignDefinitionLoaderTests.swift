import Foundation
import Testing
import ParleyYAML
@testable import ParleyCampaign

/// Campaign YAML → `CampaignDefinition`: the shipped example, one malformed fixture per
/// validation rule with its exact diagnostics, and the contact list's errors in the CSV.
struct CampaignDefinitionLoaderTests {
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/campaigns").path

    @Test func exampleLoadsWithExpectedValues() throws {
        let path = Self.repo.appendingPathComponent("examples/campaigns/member-care.yaml").path
        let loaded = try CampaignDefinitionLoader.loadCampaign(path: path)
        let d = loaded.definition
        #expect(d.id == "member-care-coupon")
        #expect(d.script == Self.repo.appendingPathComponent("examples/demo/member-care.yaml").path)
        #expect(d.contacts == Self.repo.appendingPathComponent("examples/campaigns/contacts.csv").path)
        #expect(d.trunk == "carrier-a")
        #expect(d.callerID == "+14155550000")
        #expect(d.defaultTimeZone.identifier == "America/New_York")
        #expect(d.maxConcurrentCalls == 20 && d.callsPerSecond == 2 && d.ringTimeoutSec == 30)
        #expect(d.schedule.windows == [
            try CallingWindow(weekdays: [2, 3, 4, 5, 6], startMinute: 540, endMinute: 1200),
            try CallingWindow(weekdays: [7], startMinute: 600, endMinute: 1080),
        ])
        #expect(d.retry == RetryPolicy.standard)
        #expect(d.doNotCall == ["+14155550199"])
        #expect(d.frequencyCap == (try FrequencyCap(maxCalls: 3, periodDays: 7)))
        #expect(d.variants?.variants == [.init(name: "short_offer", weight: 50), .init(name: "long_offer", weight: 50)])
        #expect(d.leaveVoicemail)
        #expect(d.conversionTag == "coupon_accepted")
        #expect(loaded.contacts.contacts.count == 6)
        #expect(try CampaignDefinitionLoader.load(path: path) == d)
    }

    @Test func fullFixtureCoversEveryOptionalForm() throws {
        let loaded = try CampaignDefinitionLoader.loadCampaign(path: Self.fixtures + "/valid-full.yaml")
        let d = loaded.definition
        #expect(d.script == Self.fixtures + "/script.yaml")
        #expect(d.callerID == "+14155550000")
        #expect(d.maxConcurrentCalls == 10_000 && d.callsPerSecond == 10_000 && d.ringTimeoutSec == 5)
        #expect(d.schedule.windows == [
            try CallingWindow(weekdays: [1], startMinute: 0, endMinute: 1),
            try CallingWindow(weekdays: [2, 3], startMinute: 1439, endMinute: 1440),
        ])
        #expect(d.retry == (try RetryPolicy(maxAttempts: 1, rules: [
            .rejected: .init(delaySec: 0, maxAttempts: 1), .invalidNumber: .init(delaySec: 86_400, maxAttempts: 1),
        ])))
        #expect(d.doNotCall == ["+14155550199", "+14155550198", "+14155550197"])
        #expect(loaded.doNotCallFile == Self.fixtures + "/dnc.txt")
        #expect(d.frequencyCap == (try FrequencyCap(maxCalls: 1, periodDays: 30)))
        #expect(d.variants?.totalWeight == 1)
        #expect(!d.leaveVoicemail && d.conversionTag == "paid")
        var amd = AMDConfiguration()
        amd.totalAnalysisMs = 4000
        amd.initialSilenceMs = 3000
        amd.greetingMs = 1500
        amd.afterGreetingSilenceMs = 800
        #expect(d.amd == amd)
        #expect(loaded.contacts.contacts.map(\.number) == ["+14155550101", "+4930123456789", "+14155550199"])
    }

    @Test func minimalFixtureTakesDefaults() throws {
        let d = try CampaignDefinitionLoader.load(path: Self.fixtures + "/valid-minimal.yaml")
        #expect(d.ringTimeoutSec == CampaignDefinitionLoader.defaultRingTimeoutSec)
        #expect(d.retry == RetryPolicy.standard)
        #expect(d.doNotCall.isEmpty && d.frequencyCap == nil && d.variants == nil && !d.leaveVoicemail && d.conversionTag == nil)
        #expect(d.amd == AMDConfiguration())
        #expect(d.callsPerSecond == 0.5)
    }

    /// Fixture → its diagnostics; `$D` is the fixtures directory.
    static let malformed: [(String, [String])] = [
        ("unknown-keys.yaml", [
            "$D/unknown-keys.yaml:8:11: error: missing key 'max_concurrent_calls' in campaign.pacing",
            "$D/unknown-keys.yaml:8:13: error: unknown key 'max_concurent_calls' in campaign.pacing; did you mean 'max_concurrent_calls'?",
            "$D/unknown-keys.yaml:10:52: error: unknown key 'ends' in campaign.windows[1]; did you mean 'end'?",
            "$D/unknown-keys.yaml:11:3: error: unknown key 'retrys' in campaign; did you mean 'retry'?",
            "$D/unknown-keys.yaml:12:1: error: unknown key 'compaign' in the file; did you mean 'campaign'?",
        ]),
        ("wrong-types.yaml", [
            "$D/wrong-types.yaml:2:7: error: campaign.id: expected a string, found a sequence",
            "$D/wrong-types.yaml:8:35: error: campaign.pacing.max_concurrent_calls: expected an integer, found 'many'",
            "$D/wrong-types.yaml:8:59: error: campaign.pacing.calls_per_second: expected a number, found '2'",
            "$D/wrong-types.yaml:9:12: error: campaign.windows: expected a sequence, found a mapping",
            "$D/wrong-types.yaml:10:27: error: campaign.amd.leave_voicemail: expected true or false, found 'yes'",
            "$D/wrong-types.yaml:11:19: error: campaign.conversion_tag: expected a string, found a mapping",
        ]),
        ("bad-times.yaml", [
            "$D/bad-times.yaml:10:29: error: time '9:00' is not HH:MM",
            "$D/bad-times.yaml:11:43: error: time '25:00' is not HH:MM",
            "$D/bad-times.yaml:12:43: error: start must be before end, within one day",
            "$D/bad-times.yaml:13:29: error: time '0800' is not HH:MM",
        ]),
        ("bad-weekdays.yaml", [
            "$D/bad-weekdays.yaml:10:21: error: unknown day 'thur' in campaign.windows[1].days: use mon, tue, wed, thu, fri, sat, sun; did you mean 'thu'?",
            "$D/bad-weekdays.yaml:11:15: error: unknown day 'funday' in campaign.windows[2].days: use mon, tue, wed, thu, fri, sat, sun",
            "$D/bad-weekdays.yaml:12:15: error: campaign.windows[3].days must name at least one day",
        ]),
        ("bad-time-zone.yaml", [
            "$D/bad-time-zone.yaml:7:14: error: unknown time zone 'America/New_Yrok'; did you mean 'America/New_York'?",
        ]),
        ("bad-retry.yaml", [
            "$D/bad-retry.yaml:12:19: error: retry.max_attempts must be at least 1",
            "$D/bad-retry.yaml:14:7: error: an answered call is never retried",
            "$D/bad-retry.yaml:15:26: error: retry rule for busy: delay ≥ 0, max_attempts ≥ 1",
            "$D/bad-retry.yaml:16:7: error: unknown key 'no_anwser' in campaign.retry.on; did you mean 'no_answer'?",
            "$D/bad-retry.yaml:17:46: error: retry rule for failed: delay ≥ 0, max_attempts ≥ 1",
            "$D/bad-retry.yaml:18:18: error: missing key 'delay_sec' in campaign.retry.on.voicemail",
            "$D/bad-retry.yaml:18:20: error: unknown key 'delay' in campaign.retry.on.voicemail",
        ]),
        ("bad-weights.yaml", [
            "$D/bad-weights.yaml:12:26: error: variant weights must be ≥ 0 and not all 0",
            "$D/bad-weights.yaml:13:26: error: campaign.ab[2].weight: expected an integer, found '1.5'",
            "$D/bad-weights.yaml:14:15: error: variant names must be unique: 'a' is also at line 12, column 15",
        ]),
        ("zero-weights.yaml", ["$D/zero-weights.yaml:12:5: error: variant weights must be ≥ 0 and not all 0"]),
        ("bad-dnc-entries.yaml", [
            "$D/bad-dnc-entries.yaml:13:7: error: do_not_call entry 2 is not E.164",
            "$D/bad-dnc-entries.yaml:14:7: error: do_not_call entry 3 is not E.164",
        ]),
        ("bad-dnc-file.yaml", [
            "$D/bad-dnc.txt:4:3: error: do-not-call number is not E.164 (+ and 8 to 15 digits)",
            "$D/bad-dnc.txt:5:1: error: do-not-call number is not E.164 (+ and 8 to 15 digits)",
        ]),
        ("bad-frequency-cap.yaml", ["$D/bad-frequency-cap.yaml:11:47: error: frequency cap: max_calls ≥ 1 and period_days ≥ 1"]),
        ("bad-amd.yaml", [
            "$D/bad-amd.yaml:12:27: error: campaign.amd.decision_deadline_ms must be from 1000 to 10000, found 900",
            "$D/bad-amd.yaml:13:18: error: campaign.amd.greeting_ms: expected an integer, found '1.5'",
            "$D/bad-amd.yaml:14:5: error: unknown key 'after_greeting_silence' in campaign.amd; did you mean 'after_greeting_silence_ms'?",
        ]),
        ("bad-amd-order.yaml", [
            "$D/bad-amd-order.yaml:11:58: error: campaign.amd.initial_silence_ms (2500) must not be longer than decision_deadline_ms (2000)",
        ]),
        ("bad-definition-values.yaml", [
            "$D/bad-definition-values.yaml:2:7: error: id must be letters, digits, '-' or '_'",
            "$D/bad-definition-values.yaml:5:14: error: caller_id is not E.164",
            "$D/bad-definition-values.yaml:8:35: error: max_concurrent_calls must be 1 … 10000",
            "$D/bad-definition-values.yaml:8:56: error: calls_per_second must be in (0, 10000]",
            "$D/bad-definition-values.yaml:8:77: error: ring_timeout_sec must be 5 … 300",
        ]),
        ("missing-keys.yaml", [
            "$D/missing-keys.yaml:2:3: error: missing key 'script' in campaign",
            "$D/missing-keys.yaml:2:3: error: missing key 'trunk' in campaign",
            "$D/missing-keys.yaml:2:3: error: missing key 'caller_id' in campaign",
            "$D/missing-keys.yaml:2:3: error: missing key 'contacts' in campaign",
            "$D/missing-keys.yaml:2:3: error: missing key 'time_zone' in campaign",
            "$D/missing-keys.yaml:3:11: error: missing key 'max_concurrent_calls' in campaign.pacing",
            "$D/missing-keys.yaml:3:11: error: missing key 'calls_per_second' in campaign.pacing",
            "$D/missing-keys.yaml:5:7: error: missing key 'start' in campaign.windows[1]",
            "$D/missing-keys.yaml:5:7: error: missing key 'end' in campaign.windows[1]",
        ]),
        ("missing-files.yaml", [
            "$D/missing-files.yaml:3:11: error: script file '$D/no-such-script.yaml' does not exist",
            "$D/missing-files.yaml:6:13: error: cannot read contact list '$D/no-such-contacts.csv'",
            "$D/missing-files.yaml:11:24: error: cannot read do-not-call file '$D/no-such-dnc.txt'",
        ]),
        ("bad-contacts.yaml", [
            "$D/bad-contacts.yaml:7:14: error: unknown time zone 'Europe/Berlinn'; did you mean 'Europe/Berlin'?",
            "$D/bad-contacts.csv:3:1: error: the number is not E.164 (+ and 8 to 15 digits)",
        ]),
        ("syntax-error.yaml", ["$D/syntax-error.yaml:4:1: error: did not find expected ',' or '}' while parsing a flow mapping"]),
        ("empty.yaml", ["$D/empty.yaml:1:1: error: the file is empty: expected a 'campaign' mapping"]),
    ]

    @Test(arguments: 0..<malformed.count)
    func malformedFixtureGivesExactDiagnostics(_ index: Int) {
        let (name, expected) = Self.malformed[index]
        let want = expected.map { $0.replacingOccurrences(of: "$D", with: Self.fixtures) }
        do throws(CampaignLoadError) {
            _ = try CampaignDefinitionLoader.load(path: Self.fixtures + "/" + name)
            Issue.record("\(name) loaded without errors")
        } catch {
            #expect(error.diagnostics.map(\.description) == want, "\(name)")
        }
    }

    @Test func csvErrorsCarryTheCSVPathLineAndCode() {
        do throws(CampaignLoadError) {
            _ = try CampaignDefinitionLoader.load(path: Self.fixtures + "/bad-contacts.yaml")
            Issue.record("loaded")
        } catch {
            let csv = error.diagnostics.last
            #expect(csv?.mark == YAMLMark(path: Self.fixtures + "/bad-contacts.csv", line: 3, column: 1))
            #expect(csv?.code == .campaign(.invalidNumber))
        }
    }

    @Test func textIsResolvedAgainstItsPathAndRelativePathsStayRelative() throws {
        let text = try String(contentsOfFile: Self.fixtures + "/valid-minimal.yaml", encoding: .utf8)
        let d = try CampaignDefinitionLoader.load(text: text, path: Self.fixtures + "/elsewhere.yaml")
        #expect(d.contacts == Self.fixtures + "/contacts.csv")
        #expect(CampaignYAMLReader.resolve("../demo/x.yaml", against: "examples/campaigns") == "examples/demo/x.yaml")
        #expect(CampaignYAMLReader.resolve("./c.csv", against: "") == "c.csv")
        #expect(CampaignYAMLReader.resolve("/abs/c.csv", against: "a/b") == "/abs/c.csv")
        #expect(CampaignYAMLReader.directory(of: "member-care.yaml") == "")
    }

    @Test func initializerErrorsMapToTheNodeTheyName() throws {
        let root = try YAMLLoader.parse("campaign:\n  id: x\n  pacing: { max_concurrent_calls: 0 }\n  do_not_call: [\"1\"]\n", path: "f.yaml")
        let c = try YAMLMappingReader(try #require(root["campaign"]), allowedKeys: CampaignDefinitionLoader.campaignKeys)
        let reader = CampaignYAMLReader(baseDirectory: "")
        let window = try CallingWindow(weekdays: [2], startMinute: 0, endMinute: 60)
        func thrown(_ body: () throws(CampaignError) -> CampaignDefinition) -> CampaignError? {
            do throws(CampaignError) { _ = try body(); return nil } catch { return error }
        }
        let concurrency = try #require(thrown { () throws(CampaignError) in
            try CampaignDefinition(id: "x", script: "s", trunk: "t", callerID: "+14155550000", contacts: "c",
                                   maxConcurrentCalls: 0, callsPerSecond: 1, defaultTimeZone: "UTC",
                                   schedule: CallingSchedule(windows: [window]), retry: .standard)
        })
        #expect(reader.mark(for: concurrency, in: c) == YAMLMark(path: "f.yaml", line: 3, column: 35))
        let dnc = try #require(thrown { () throws(CampaignError) in
            try CampaignDefinition(id: "x", script: "s", trunk: "t", callerID: "+14155550000", contacts: "c",
                                   maxConcurrentCalls: 1, callsPerSecond: 1, defaultTimeZone: "UTC",
                                   schedule: CallingSchedule(windows: [window]), retry: .standard, doNotCall: ["1"])
        })
        #expect(reader.mark(for: dnc, in: c) == YAMLMark(path: "f.yaml", line: 4, column: 16))
    }
}
