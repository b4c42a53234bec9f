import Foundation
import Synchronization
import Testing
@testable import ParleyCampaign

/// `parley campaign start|status|pause|resume|stop|report` against a real admin API:
/// `parley campaign run-local --admin-listen 127.0.0.1:0` serves the campaign routes
/// (the same AdminServer and routes as the daemon) over its CampaignManager.
struct CampaignAdminCommandTests {
    static func campaignYAML(id: String, cps: Double) -> String {
        """
        campaign:
          id: \(id)
          script: script.yaml
          trunk: carrier-a
          caller_id: "+14155550000"
          contacts: contacts.csv
          time_zone: UTC
          pacing: { max_concurrent_calls: 2, calls_per_second: \(cps) }
          windows:
            - { days: [mon, tue, wed, thu, fri, sat, sun], start: "00:00", end: "24:00" }
          ab:
            - { name: short_offer, weight: 50 }
            - { name: long_offer, weight: 50 }
          conversion_tag: variant_short_offer
        """
    }

    /// Reads lines from a pipe on a thread; `waitForLine` waits with a timeout.
    final class LineReader: Sendable {
        let lines = Mutex<[String]>([])
        let signal = DispatchSemaphore(value: 0)

        init(_ handle: FileHandle) {
            Thread.detachNewThread { [self] in
                var buffer = Data()
                while true {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    buffer.append(chunk)
                    while let nl = buffer.firstIndex(of: 0x0A) {
                        let line = String(decoding: buffer[buffer.startIndex..<nl], as: UTF8.self)
                        buffer.removeSubrange(buffer.startIndex...nl)
                        lines.withLock { $0.append(line) }
                        signal.signal()
                    }
                }
                signal.signal()
            }
        }

        func waitForLine(prefix: String, timeoutSec: Double) -> String? {
            let limit = Date().addingTimeInterval(timeoutSec)
            while true {
                if let line = lines.withLock({ $0.first { $0.hasPrefix(prefix) } }) { return line }
                let left = limit.timeIntervalSinceNow
                if left <= 0 { return nil }
                _ = signal.wait(timeout: .now() + left)
            }
        }
    }

    func cli(_ arguments: [String]) throws -> (status: Int32, stdout: String) {
        try CampaignCheckCommandTests.run(["campaign"] + arguments)
    }

    @Test func startStatusPauseResumeStopAndReportThroughTheAdminAPI() throws {
        let dir = try RunnerFixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let numbers = Fixture.numbers(30)
        try Data(Self.campaignYAML(id: "slow-one", cps: 2).utf8).write(to: URL(fileURLWithPath: "\(dir)/slow.yaml"))
        try Data(Self.campaignYAML(id: "second", cps: 1).utf8).write(to: URL(fileURLWithPath: "\(dir)/second.yaml"))
        try Data("start: {}\n".utf8).write(to: URL(fileURLWithPath: "\(dir)/script.yaml"))
        try Data(("number,name\n" + numbers.map { "\($0),x" }.joined(separator: "\n") + "\n").utf8)
            .write(to: URL(fileURLWithPath: "\(dir)/contacts.csv"))
        try Data("* answered 100\n".utf8).write(to: URL(fileURLWithPath: "\(dir)/spec.txt"))

        let binary = CampaignCheckCommandTests.repo.appendingPathComponent(".build/debug/parley").path
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["campaign", "run-local", "\(dir)/slow.yaml", "--simulate", "\(dir)/spec.txt",
                             "--data-dir", "\(dir)/data", "--admin-listen", "127.0.0.1:0", "--token", "s3cret"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }
        let reader = LineReader(out.fileHandleForReading)
        let line = try #require(reader.waitForLine(prefix: "parley: admin=", timeoutSec: 30))
        let admin = ["--admin", "http://" + line.dropFirst("parley: admin=".count), "--token", "s3cret"]

        // Without the token: refused.
        #expect(try cli(["status", "slow-one", "--admin", admin[1]]).status == 1)
        var (status, body) = try cli(["status", "slow-one"] + admin)
        #expect(status == 0)
        #expect(body.contains("\"state\":\"running\""), "\(body)")
        (status, body) = try cli(["pause", "slow-one"] + admin)
        #expect(status == 0 && body.contains("\"state\":\"paused\""), "\(body)")
        (status, body) = try cli(["resume", "slow-one"] + admin)
        #expect(status == 0 && body.contains("\"state\":\"running\""), "\(body)")

        // A second campaign started through the API runs beside the first.
        (status, body) = try cli(["start", "\(dir)/second.yaml"] + admin)
        #expect(status == 0 && body.contains("\"id\":\"second\""), "\(body)")
        #expect(try cli(["start", "\(dir)/second.yaml"] + admin).status == 1, "a running campaign cannot start twice")
        (status, body) = try cli(["status"] + admin)
        #expect(status == 0 && body.contains("\"slow-one\"") && body.contains("\"second\""), "\(body)")
        #expect(try cli(["status", "nope"] + admin).status == 1)

        (status, body) = try cli(["report", "slow-one", "--json"] + admin)
        #expect(status == 0 && body.contains("\"campaign_id\":\"slow-one\""), "\(body)")
        (status, body) = try cli(["report", "slow-one"] + admin)
        #expect(status == 0 && body.hasPrefix("{"))
        let html = "\(dir)/report.html"
        (status, _) = try cli(["report", "slow-one", "--html", "-o", html] + admin)
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(status == 0 && page.contains("<svg") && page.contains("short_offer") && !page.contains("<script"))
        (status, body) = try cli(["report", "slow-one", "--csv"] + admin)
        #expect(status == 0 && body.hasPrefix("number,variant,outcome,attempts,tags,skip_reason,finished_at"))

        (status, body) = try cli(["stop", "second"] + admin)
        #expect(status == 0 && body.contains("\"state\":\"stopped\""), "\(body)")
        // The stop that ends run-local's campaign is answered before it exits.
        (status, body) = try cli(["stop", "slow-one"] + admin)
        #expect(status == 0 && body.contains("\"state\":\"stopped\""), "\(body)")
        // run-local returns once its campaign has stopped and its calls have ended.
        let limit = Date().addingTimeInterval(30)
        while process.isRunning && Date() < limit { usleep(20_000) }
        #expect(!process.isRunning && process.terminationStatus == 0)
        let store = try CampaignSQLiteStore(dataDirectory: "\(dir)/data")
        #expect(try store.campaigns().map(\.state).sorted() == ["stopped", "stopped"])
        let attempts = try store.attempts(campaignID: "slow-one")
        #expect(!attempts.isEmpty && attempts.count < numbers.count && attempts.allSatisfy { !$0.isInFlight })
    }

    @Test func usageErrorsExitTwo() throws {
        #expect(try cli(["pause"]).status == 2)
        #expect(try cli(["report", "x", "--pdf"]).status == 2)
        #expect(try cli(["run-local", "x.yaml"]).status == 2)
    }
}
