import Foundation
import ParleyStore
import Testing
@testable import ParleyCampaign

/// Campaigns through the daemon's call plane against SIPp as the called parties (loopback): one SIPp UAS
/// (Fixtures/sipp/uas_called_parties.xml) plays every contact by its number's last digit —
/// 0 answer (silence), 1 busy 486, 2 reject 603, 3 no answer, 4 human greeting, 5 voicemail
/// greeting with a beep. The campaign runs in parleyd (started with `parley campaign start`
/// through its admin API) and, as a second case, in `parley campaign run-local
/// --daemon-config` (the same call plane in the CLI process); it is watched and reported
/// with `parley campaign` over the admin API. Pacing and concurrency are measured from
/// SIPp's log.
struct CampaignSIPpTests {
    static let repo = CampaignCheckCommandTests.repo
    static let fixtures = repo.appendingPathComponent("Tests/ParleyCampaignTests/Fixtures/sipp").path

    struct Child {
        let process: Process
        let reader: CampaignAdminCommandTests.LineReader
        func stop() {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }
    }

    static func launch(_ binary: String, _ arguments: [String], cwd: String, stderr: String) throws -> Child {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = arguments
        p.currentDirectoryURL = URL(fileURLWithPath: cwd)
        let out = Pipe()
        p.standardOutput = out
        _ = FileManager.default.createFile(atPath: stderr, contents: nil)
        p.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: stderr))
        try p.run()
        return Child(process: p, reader: .init(out.fileHandleForReading))
    }

    static func freeUDPPort() -> Int {
        for _ in 0..<200 {
            let port = 40_000 + 2 * Int.random(in: 0..<5_000)
            let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            var a = sockaddr_in()
            a.sin_family = sa_family_t(AF_INET)
            a.sin_port = in_port_t(UInt16(port).bigEndian)
            a.sin_addr.s_addr = inet_addr("127.0.0.1")
            let ok = withUnsafePointer(to: &a) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            close(fd)
            if ok { return port }
        }
        return 41_000
    }

    /// `[clock_tick] INVITE|ANSWERED|END <call number> <kind> …` lines of the UAS log.
    struct SIPpEvent { var ms: Int; var kind: String; var call: Int; var digit: String }

    static func events(_ path: String) -> [SIPpEvent] {
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            let f = line.split(separator: " ")
            guard f.count >= 4, let ms = Int(f[0]), let call = Int(f[2]) else { return nil }
            return SIPpEvent(ms: ms, kind: String(f[1]), call: call, digit: String(f[3]))
        }
    }

    static func tail(_ path: String) -> String {
        String(((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").suffix(2000))
    }

    @Test(arguments: ["parleyd", "run-local"])
    func outcomesRetriesAndPacingAgainstSIPpCalledParties(host: String) throws {
        let dir = try RunnerFixture.temporaryDirectory()
        // Media for the answering parties, from the labelled AMD clips (u-law, headerless), each
        // followed by silence so the callee keeps sending RTP while the bot talks.
        let amd = AMDFixtureTests.fixturesDirectory().path
        let pcm = ["-t", "raw", "-r", "8000", "-e", "signed", "-b", "16", "-c", "1"]
        for (clip, name, padSec) in [("human-0-0", "human", 40), ("machine-0-0", "voicemail", 15), ("silence-0", "silence", 40)] {
            let sox = Process()
            sox.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
            sox.arguments = pcm + ["\(amd)/\(clip).raw"] + pcm + ["\(amd)/silence-0.raw"]
                + ["-t", "raw", "-e", "u-law", "\(dir)/\(name).ulaw", "pad", "0", "\(padSec)"]
            try sox.run()
            sox.waitUntilExit()
            try #require(sox.terminationStatus == 0, "sox \(clip)")
        }
        // The demo script with a `voicemail` prompt (what is played after the beep).
        let script = try String(contentsOfFile: "\(Self.repo.path)/examples/demo/member-care.yaml", encoding: .utf8)
            .replacingOccurrences(of: "prompt_dir: prompts", with: "prompt_dir: \(Self.repo.path)/examples/demo/prompts")
            .replacingOccurrences(of: "prompts:\n  hello:", with: "prompts:\n  voicemail:\n    file: no-response.wav\n"
                                  + "    text: \"Sorry we missed you.\"\n  hello:")
        try Data(script.utf8).write(to: URL(fileURLWithPath: "\(dir)/member-care-vm.yaml"))
        let sippPort = Self.freeUDPPort(), mediaPort = Self.freeUDPPort()
        let sipp = try Self.launch("/usr/bin/sipp", [
            "-sf", "\(Self.fixtures)/uas_called_parties.xml", "-i", "127.0.0.1", "-p", "\(sippPort)",
            "-mi", "127.0.0.1", "-mp", "\(mediaPort)", "-nostdin", "-trace_logs", "-log_file", "\(dir)/uas.log",
            "-trace_err", "-error_file", "\(dir)/uas-errors.log"], cwd: dir, stderr: "\(dir)/sipp.stderr")
        defer { sipp.stop() }

        let rtp = 20_000 + 2 * Int.random(in: 0..<10_000)
        let config = """
            node_id: campaign-test
            sip: {limits: {max_calls: 20, rate_limit_per_second: 0}}
            trunks:
              - {name: carrier-a, address: "127.0.0.1:\(sippPort)"}
            rtp: {bind_address: 127.0.0.1, port_range: {start: \(rtp), end: \(rtp + 99)}}
            media: {codecs: [pcmu], ptime_ms: 20, timeout_s: 20}
            routing: {default_script: "\(dir)/member-care-vm.yaml"}
            recognizer: {engine: embedded}
            data_dir: "\(dir)/data"
            """
        try Data(config.utf8).write(to: URL(fileURLWithPath: "\(dir)/parleyd.yaml"))
        // One contact per behaviour; busy and no answer are retried once after 2 s.
        let numbers = (0..<6).map { "+141555501\(String(format: "%02d", $0))" }
        try Data(("number,name,coupon_value\n" + numbers.map { "\($0),Alice,20" }.joined(separator: "\n") + "\n").utf8)
            .write(to: URL(fileURLWithPath: "\(dir)/contacts.csv"))
        let cps = 2, maxConcurrent = 3
        try Data("""
            campaign:
              id: sipp-test
              script: \(dir)/member-care-vm.yaml
              trunk: carrier-a
              caller_id: "+14155550000"
              contacts: contacts.csv
              time_zone: UTC
              pacing: { max_concurrent_calls: \(maxConcurrent), calls_per_second: \(cps), ring_timeout_sec: 5 }
              windows:
                - { days: [mon, tue, wed, thu, fri, sat, sun], start: "00:00", end: "24:00" }
              retry:
                max_attempts: 2
                on:
                  busy:      { delay_sec: 2, max_attempts: 2 }
                  no_answer: { delay_sec: 2, max_attempts: 2 }
              amd: { leave_voicemail: true }
            """.utf8).write(to: URL(fileURLWithPath: "\(dir)/campaign.yaml"))

        let runner: Child
        let admin: [String]
        if host == "parleyd" {
            // The daemon: the campaign is started through its admin API.
            runner = try Self.launch(Self.repo.appendingPathComponent(".build/debug/parleyd").path,
                                     ["--config", "\(dir)/parleyd.yaml", "--sip-listen", "127.0.0.1:0",
                                      "--admin-listen", "127.0.0.1:0", "--data-dir", "\(dir)/data"],
                                     cwd: dir, stderr: "\(dir)/host.stderr")
            let ready = try #require(runner.reader.waitForLine(prefix: "parleyd: ready ", timeoutSec: 60),
                                     "parleyd did not start: \(Self.tail("\(dir)/host.stderr"))")
            let field = try #require(ready.split(separator: " ").first { $0.hasPrefix("admin=") })
            admin = ["--admin", "http://" + field.dropFirst("admin=".count)]
            let (status, body) = try CampaignCheckCommandTests.run(["campaign", "start", "\(dir)/campaign.yaml"] + admin)
            #expect(status == 0 && body.contains("\"id\":\"sipp-test\""), "\(body)")
        } else {
            // `parley campaign run-local --daemon-config`: the same call plane in the CLI process.
            runner = try Self.launch(Self.repo.appendingPathComponent(".build/debug/parley").path,
                                     ["campaign", "run-local", "\(dir)/campaign.yaml", "--daemon-config",
                                      "\(dir)/parleyd.yaml", "--sip-listen", "127.0.0.1:0",
                                      "--admin-listen", "127.0.0.1:0", "--keep-serving"], cwd: dir, stderr: "\(dir)/host.stderr")
            let line = try #require(runner.reader.waitForLine(prefix: "parley: admin=", timeoutSec: 60),
                                    "no admin line: \(Self.tail("\(dir)/host.stderr"))")
            admin = ["--admin", "http://" + line.dropFirst("parley: admin=".count)]
        }
        defer { runner.stop() }
        var (status, body) = try CampaignCheckCommandTests.run(["campaign", "status", "sipp-test"] + admin)
        #expect(status == 0 && body.contains("\"state\":\"running\""), "\(body)")
        let limit = Date().addingTimeInterval(150)
        var finished = false
        while Date() < limit {
            (status, body) = try CampaignCheckCommandTests.run(["campaign", "status", "sipp-test"] + admin)
            if body.contains("\"state\":\"finished\"") { finished = true; break }
            if !runner.process.isRunning { break }
            usleep(500_000)
        }
        #expect(finished, "campaign did not finish: \(body)\n\(Self.tail("\(dir)/host.stderr"))")
        (status, body) = try CampaignCheckCommandTests.run(["campaign", "report", "sipp-test", "--csv"] + admin)
        #expect(status == 0 && body.split(separator: "\r\n").count == numbers.count + 1, "\(body)")

        let store = try CampaignSQLiteStore(dataDirectory: "\(dir)/data")
        let attempts = try store.attempts(campaignID: "sipp-test")
        func mine(_ digit: Int) -> [AttemptRecord] {
            attempts.filter { $0.contactID.hasSuffix(String(digit)) }.sorted { $0.attemptNumber < $1.attemptNumber }
        }
        #expect(mine(1).map(\.outcome) == [.busy, .busy] && mine(1).allSatisfy { $0.sipStatus == 486 })
        #expect(mine(2).map(\.outcome) == [.rejected] && mine(2).first?.sipStatus == 603)
        #expect(mine(3).map(\.outcome) == [.noAnswer, .noAnswer] && mine(3).allSatisfy { $0.sipStatus == 487 })
        for a in mine(3) { #expect(abs(a.endedAt!.timeIntervalSince(a.startedAt) - 5) < 1, "ring timeout 5 s") }
        #expect(mine(4).map(\.outcome) == [.answered] && mine(4).first?.amd == .human, "\(mine(4))")
        #expect(mine(0).map(\.outcome) == [.answered] && mine(0).first?.amd == .unknown, "\(mine(0))")
        #expect(mine(5).map(\.outcome) == [.voicemail] && mine(5).first?.amd == .machine
                && mine(5).first?.disposition == "voicemail_left", "\(mine(5))")
        for a in mine(0) + mine(4) + mine(5) { #expect((a.amdDecisionMs ?? 9999) <= 2500, "AMD decided in \(a.amdDecisionMs ?? -1) ms") }
        // Next attempts: a retry starts 2 s after the first attempt ended — or, when every
        // slot was taken then, as the first slot freed.
        func inFlight(at t: Date) -> Int { attempts.filter { $0.startedAt <= t && $0.endedAt! > t }.count }
        for a in [mine(1), mine(3)] where a.count == 2 {
            let due = a[0].endedAt!.addingTimeInterval(2)
            #expect(a[1].startedAt >= due.addingTimeInterval(-0.05), "retried before its time")
            if a[1].startedAt > due.addingTimeInterval(0.3) {
                #expect(inFlight(at: due) == 3, "retry late although a slot was free")
                #expect(attempts.contains { e in e.endedAt! <= a[1].startedAt && e.endedAt! >= a[1].startedAt.addingTimeInterval(-0.3) },
                        "retry late but not when a slot freed")
            }
        }
        // The voicemail message started after the beep: the screen's action (the `amd` event)
        // came when the tone ended (4568 ms into the greeting), not at the decision.
        let calls = try Database(path: "\(dir)/data/parley.sqlite", options: .init(mode: .readOnly))
        let vm = try calls.query("""
            SELECT e.at - c.answered_at AS after_answer_ms FROM events e JOIN calls c USING (call_id)
            WHERE e.kind = 'amd' AND c.call_id = ?
            """, [mine(5).first?.callID ?? ""])
        let actionMs = try #require(vm.first?["after_answer_ms"].int)
        #expect(actionMs >= 4568 && actionMs <= 4568 + 500, "message started \(actionMs) ms after answer; beep ends at 4568")

        // Pacing and concurrency as SIPp saw them.
        let ev = Self.events("\(dir)/uas.log")
        let invites = ev.filter { $0.kind == "INVITE" }.map(\.ms).sorted()
        #expect(invites.count == attempts.count)
        var worst = 0
        for (i, t) in invites.enumerated() { worst = max(worst, invites[i...].prefix { $0 < t + 1000 }.count) }
        #expect(worst <= cps, "\(worst) INVITEs within one second at SIPp")
        var open = 0, maxOpen = 0
        for e in ev.sorted(by: { ($0.ms, $0.kind == "END" ? 0 : 1) < ($1.ms, $1.kind == "END" ? 0 : 1) }) {
            if e.kind == "INVITE" { open += 1 } else if e.kind == "END" { open -= 1 }
            maxOpen = max(maxOpen, open)
        }
        #expect(maxOpen <= maxConcurrent, "\(maxOpen) calls at once at SIPp")
        print("campaign via SIPp (\(host)): \(invites.count) INVITEs, max \(worst) per second (cps \(cps)), max \(maxOpen) at once (limit \(maxConcurrent))")
    }
}
