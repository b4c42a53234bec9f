import Foundation
import Testing
@testable import ParleyCampaign

/// The crash test with a real process and a real SQLite file: `parley campaign run-local`
/// runs a campaign against simulated called parties that append every dial to a log
/// before the call starts; it is killed with SIGKILL while calls are in flight, started
/// again over the same data directory, and runs to the end.
struct CampaignCrashProcessTests {
    static let campaignYAML = """
        campaign:
          id: crash-test
          script: script.yaml
          trunk: carrier-a
          caller_id: "+14155550000"
          contacts: contacts.csv
          time_zone: UTC
          pacing: { max_concurrent_calls: 5, calls_per_second: 20 }
          windows:
            - { days: [mon, tue, wed, thu, fri, sat, sun], start: "00:00", end: "24:00" }
          retry:
            max_attempts: 4
            on:
              busy:      { delay_sec: 1, max_attempts: 4 }
              no_answer: { delay_sec: 1, max_attempts: 3 }
              unknown:   { delay_sec: 1, max_attempts: 4 }
          do_not_call: ["+14155559999"]
        """

    /// 40 contacts: a third busy twice then answer, a third never answer, a third answer.
    static let spec = """
        # number-specific rules first; the rest answer
        \((0..<40).filter { $0 % 3 == 0 }.map { "+1415555\(String(format: "%04d", $0)) busy,busy,answered 300" }.joined(separator: "\n"))
        \((0..<40).filter { $0 % 3 == 1 }.map { "+1415555\(String(format: "%04d", $0)) noAnswer 300" }.joined(separator: "\n"))
        * answered 300
        """

    func launch(_ dir: String) throws -> Process {
        let binary = CampaignCheckCommandTests.repo.appendingPathComponent(".build/debug/parley").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw CampaignCheckCommandTests.CheckError(message: "\(binary) is missing: run `swift build --product parley` first")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["campaign", "run-local", "\(dir)/campaign.yaml", "--simulate", "\(dir)/spec.txt",
                             "--data-dir", "\(dir)/data", "--dial-log", "\(dir)/dials.log"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    static func dialedIDs(_ dir: String) -> [String] {
        let text = (try? String(contentsOfFile: "\(dir)/dials.log", encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { $0.split(separator: "\t").first.map(String.init) }
    }

    /// Waits (up to `timeoutSec`) until `condition` holds, checking every 20 ms.
    static func wait(timeoutSec: Double, _ condition: () -> Bool) -> Bool {
        let limit = Date().addingTimeInterval(timeoutSec)
        while Date() < limit {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    @Test func sigkillMidCampaignThenRestartDialsNoAttemptTwice() throws {
        let dir = try RunnerFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let numbers = Fixture.numbers(40) + ["+14155559999"]
        try Data(Self.campaignYAML.utf8).write(to: URL(fileURLWithPath: "\(dir)/campaign.yaml"))
        try Data("start: {}\n".utf8).write(to: URL(fileURLWithPath: "\(dir)/script.yaml"))
        try Data(("number,name\n" + numbers.enumerated().map { "\($0.element),n\($0.offset)" }.joined(separator: "\n") + "\n").utf8)
            .write(to: URL(fileURLWithPath: "\(dir)/contacts.csv"))
        try Data(Self.spec.utf8).write(to: URL(fileURLWithPath: "\(dir)/spec.txt"))

        // First run: kill it once 25 dials have started (5 are in flight at 300 ms each).
        let first = try launch(dir)
        let reached = Self.wait(timeoutSec: 60) { Self.dialedIDs(dir).count >= 25 || !first.isRunning }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        #expect(reached && first.terminationReason == .uncaughtSignal, "the first run was not killed mid-campaign")

        let store = try CampaignSQLiteStore(dataDirectory: "\(dir)/data")
        let strandedIDs = Set(try store.attempts(campaignID: "crash-test").filter(\.isInFlight).map(\.attemptID))
        #expect(!strandedIDs.isEmpty, "no attempt was in flight at the kill")
        let dialedBeforeKill = Self.dialedIDs(dir)

        // Second run over the same data directory: finishes.
        let second = try launch(dir)
        let ended = Self.wait(timeoutSec: 120) { !second.isRunning }
        if !ended { kill(second.processIdentifier, SIGKILL) }
        second.waitUntilExit()
        #expect(ended && second.terminationStatus == 0)

        let dialed = Self.dialedIDs(dir)
        #expect(dialed.count > dialedBeforeKill.count)
        #expect(Set(dialed).count == dialed.count, "an attempt id was dialled twice")
        let attempts = try store.attempts(campaignID: "crash-test")
        let byID = Dictionary(uniqueKeysWithValues: attempts.map { ($0.attemptID, $0) })
        for id in dialed { #expect(byID[id] != nil, "dialled \(id) without an attempt record") }
        #expect(attempts.allSatisfy { !$0.isInFlight })
        // The attempts in flight at the kill became unknown and were retried.
        for id in strandedIDs { #expect(byID[id]?.outcome == .unknown) }
        // Attempts that were never dialled are only those persisted just before the kill.
        for a in attempts where !dialed.contains(a.attemptID) { #expect(strandedIDs.contains(a.attemptID)) }

        // Every contact has exactly the attempts the policy allows for its outcomes.
        let policy = try CampaignDefinitionLoader.load(path: "\(dir)/campaign.yaml").retry
        let contacts = Dictionary(uniqueKeysWithValues: try store.contacts(campaignID: "crash-test").map { ($0.contactID, $0) })
        for n in numbers.prefix(40) {
            let mine = attempts.filter { $0.contactID == n }.sorted { $0.attemptNumber < $1.attemptNumber }
            #expect(mine.map(\.attemptNumber) == Array(1...max(1, mine.count)))
            for (i, a) in mine.enumerated() {
                let retried = policy.retryDelaySec(after: a.outcome ?? .unknown, attemptsMade: i + 1) != nil
                #expect(retried == (i < mine.count - 1), "contact \(n.suffix(2)) attempt \(i + 1) \(a.outcome?.rawValue ?? "-")")
            }
            #expect(contacts[n]?.status == .done && contacts[n]?.finalOutcome == mine.last?.outcome)
        }
        #expect(contacts["+14155559999"]?.skipReason == "do_not_call")
        #expect(!attempts.contains { $0.contactID == "+14155559999" })
        // The results file lists every contact.
        let csv = try String(contentsOfFile: "\(dir)/data/campaigns/crash-test/results.csv", encoding: .utf8)
        #expect(csv.split(separator: "\r\n").count == numbers.count + 1)
    }
}
