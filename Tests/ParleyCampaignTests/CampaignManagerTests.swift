import Foundation
import Testing
@testable import ParleyCampaign

/// The node's campaigns: create from a file, refuse a second start, resume from the store
/// after a restart, and count dials of campaigns running together against frequency caps.
struct CampaignManagerTests {
    static func write(_ dir: String, id: String, numbers: [String], cap: Bool = false) throws -> String {
        try Data("start: {}\n".utf8).write(to: URL(fileURLWithPath: "\(dir)/script.yaml"))
        try Data(("number,name\n" + numbers.map { "\($0),x" }.joined(separator: "\n") + "\n").utf8)
            .write(to: URL(fileURLWithPath: "\(dir)/\(id).csv"))
        let path = "\(dir)/\(id).yaml"
        try Data("""
            campaign:
              id: \(id)
              script: script.yaml
              trunk: carrier-a
              caller_id: "+14155550000"
              contacts: \(id).csv
              time_zone: UTC
              pacing: { max_concurrent_calls: 2, calls_per_second: 50 }
              windows:
                - { days: [mon, tue, wed, thu, fri, sat, sun], start: "00:00", end: "24:00" }
            \(cap ? "  frequency_cap: { max_calls: 1, period_days: 7 }" : "")
            """.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test func createRefuseTwiceAndResumeAfterRestart() async throws {
        let dir = try RunnerFixture.temporaryDirectory()
        let path = try Self.write(dir, id: "resumable", numbers: Fixture.numbers(3))
        let store = try CampaignSQLiteStore(dataDirectory: "\(dir)/data")
        let placer = try SimulatedCallPlacer(rules: SimulatedCallPlacer.parseRules("* answered 10"))
        let first = CampaignManager(store: store, placer: placer, configuration: .init(resultsDirectory: "\(dir)/results"))
        let created = try await first.create(path: path, paused: true)
        #expect(created.state == .paused && created.contacts == 3)
        await #expect(throws: CampaignManagerError.self) { try await first.create(path: path) }
        await #expect(throws: CampaignManagerError.self) { try await first.create(path: "\(dir)/missing.yaml") }
        await #expect(throws: CampaignManagerError.self) { try await first.create(json: Array("{\"nope\":1}".utf8)) }
        #expect(try store.campaigns().map(\.state) == ["paused"])
        #expect(try store.campaigns().first?.definitionPath == path)

        // "Restart": a new manager over the same store resumes the paused campaign, paused.
        let second = CampaignManager(store: store, placer: placer, configuration: .init(resultsDirectory: "\(dir)/results"))
        let resumed = await second.resumeFromStore()
        #expect(resumed.resumed == ["resumable"] && resumed.errors.isEmpty)
        #expect(try await second.snapshot(id: "resumable").state == .paused)
        _ = try await second.resume(id: "resumable")
        #expect(await second.waitUntilDone(id: "resumable") == .finished)
        #expect(try store.campaigns().map(\.state) == ["finished"])
        let csv = try String(contentsOfFile: "\(dir)/results/resumable/results.csv", encoding: .utf8)
        #expect(csv.split(separator: "\r\n").count == 4)
        #expect(await second.resumeFromStore().resumed.isEmpty, "a finished campaign is not resumed")
    }

    @Test func aNumberAnotherCampaignJustCalledWaitsForTheCapPeriod() async throws {
        let dir = try RunnerFixture.temporaryDirectory()
        let shared = Fixture.numbers(1)
        let a = try Self.write(dir, id: "first", numbers: shared, cap: true)
        let b = try Self.write(dir, id: "second", numbers: shared, cap: true)
        let store = try CampaignSQLiteStore(dataDirectory: "\(dir)/data")
        let placer = try SimulatedCallPlacer(rules: SimulatedCallPlacer.parseRules("* answered 10"))
        let manager = CampaignManager(store: store, placer: placer, configuration: .init(resultsDirectory: "\(dir)/results"))
        _ = try await manager.create(path: a)
        #expect(await manager.waitUntilDone(id: "first") == .finished)
        _ = try await manager.create(path: b)
        // The number was called by `first` moments ago: `second` must wait 7 days.
        let snapshot = try await manager.snapshot(id: "second")
        #expect(snapshot.placedByThisRun == 0 && snapshot.state == .running)
        #expect(try store.attempts(campaignID: "second").isEmpty)
        #expect(try store.dialTimes(contactID: shared[0], since: .distantPast).count == 1)
        _ = try await manager.stop(id: "second")
        #expect(await manager.waitUntilDone(id: "second") == .stopped)
    }
}
