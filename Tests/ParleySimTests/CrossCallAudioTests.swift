import Foundation
import Testing
@testable import ParleySim

/// Calls placed at the same time against one parleyd keep their audio apart: each
/// simulated caller sends its own tone (bursts at a frequency no other caller uses), and
/// parleyd's call recordings (caller channel: the audio the bot's recognizer got) must each
/// hold exactly one caller's tone. Calls start and end staggered, a second wave after the
/// first has hung up, so the simulator's descriptors and parleyd's channel slots are
/// reused while other calls run (parleyd's RTP ports are not: its pool hands 100 pairs out
/// in FIFO order). Two more callers barge in with speech while a silent caller's offer
/// plays: the silent call's recording must hold no sound, its events no barge-in. Every caller uses the same seed (same
/// SSRC, sequence and timestamp origins), the setting under which overlapping calls were
/// seen to barge in on each other. On the simulator's side, each call must hear one bot
/// stream (one SSRC).
@Suite(.serialized) struct CrossCallAudioTests {
    static let frequenciesHz: [Double] = [500, 800, 1_100, 1_400, 1_700, 2_000]
    /// Per call: start after the first call (ms), silence before the tone, after it. Two
    /// callers say "yes please" into the bot's offer instead (it follows a ~4.6 s greeting;
    /// barge-in: the bot stops its prompt), and the last caller sends no sound at all: it stays silent through its own
    /// offer while the others speak (where a prompt was seen cut by another call's caller).
    static let plan: [(startMs: Int, leadMs: Int, tailMs: Int)] = [
        (0, 400, 200), (300, 700, 100), (600, 300, 900), (900, 500, 300),
        (3_200, 300, 200), (3_600, 600, 400), (200, 5_300, 1_000), (1_000, 5_600, 1_000), (0, 9_000, 0),
    ]
    static let speechCallers: Set<Int> = [6, 7]
    static var silentCaller: Int { plan.count - 1 }
    /// Windows (20 ms) a recording needs of a tone to count as holding it (100 ms).
    static let presentWindows = 5

    @Test func concurrentCallsHearOnlyTheirOwnCaller() throws {
        let daemon = try ParleydProcess(extraConfig: "recordings:\n  enabled: true\n")
        defer { daemon.stop() }
        let target = try #require(daemon.sipAddress)
        let folder = daemon.folder.appendingPathComponent("callers").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var scenarios: [Scenario] = []
        for (i, p) in Self.plan.enumerated() {
            let tone = i < Self.frequenciesHz.count
            if tone {
                try ToneWAV.write(ToneWAV.bursts(frequencyHz: Self.frequenciesHz[i], sampleRateHz: 8_000),
                                  sampleRateHz: 8_000, to: folder + "/tone-\(i).wav")
            }
            let say = tone ? "tone-\(i).wav" : Self.speechCallers.contains(i) ? TestPaths.speech("yes-please.wav") : nil
            let turns = say.map { ["silence_ms: \(p.leadMs)", "say: \($0)", "silence_ms: \(p.tailMs)", "hangup"] }
                ?? ["silence_ms: \(p.leadMs)", "hangup"]
            let yaml = """
                scenario: crosscall-\(i)
                script: \(TestPaths.demoScript)
                calls:
                  - name: tone-\(i)
                    variables: {name: Maria, coupon_value: "20"}
                    turns:
                """ + turns.map { "\n          - " + $0 }.joined()
            try yaml.write(toFile: folder + "/call-\(i).yaml", atomically: true, encoding: .utf8)
            scenarios.append(try ScenarioLoader.load(path: folder + "/call-\(i).yaml"))
        }

        let outcomes = Outcomes(count: scenarios.count)
        let group = DispatchGroup()
        let t0 = DispatchTime.now()
        for (i, scenario) in scenarios.enumerated() {
            group.enter()
            let startAt = t0 + .milliseconds(Self.plan[i].startMs)
            Thread.detachNewThread {
                let wait = Int64(startAt.uptimeNanoseconds) - Int64(DispatchTime.now().uptimeNanoseconds)
                if wait > 0 { usleep(UInt32(wait / 1_000)) }
                // The same seed for every caller: identical SSRC and RTP origins on every call.
                // The called user names the caller in parleyd's store (`to_uri`).
                let options = SimRunOptions(target: target, calls: 1, concurrency: 1, calledUser: "tone-\(i)",
                                            loopbackOnly: true, seed: 42)
                do {
                    // The silent caller also tracks the bot's prompts (does it see one cut?).
                    let catalog = i == Self.silentCaller ? Demo.catalog : nil
                    outcomes.set(i, .success(try SimEngine(scenario: scenario, options: options, catalog: catalog).run()))
                } catch {
                    outcomes.set(i, .failure(PeerError(description: "\(error)")))
                }
                group.leave()
            }
        }
        try #require(group.wait(timeout: .now() + 60) == .success, "the calls did not end within 60 s")

        // The simulator's side: every call was answered and heard one bot stream.
        for i in scenarios.indices {
            let run = try outcomes.get(i).get()
            let call = try #require(run.calls.first, "call \(i): no call")
            #expect(call.result.answeredMs != nil, "call \(i) not answered: \(call.result.verdict)")
            #expect(call.stream.packets > 0, "call \(i) heard no RTP")
            #expect(call.stream.ssrcChanges == 0, "call \(i) heard \(call.stream.ssrcChanges + 1) bot SSRCs")
        }

        let silent = try outcomes.get(Self.silentCaller).get().calls.first
        print("the silent caller heard: " + (silent.map(SimParleydTests.describe) ?? "no call"))

        // parleyd's side: one recording per call, each holding exactly its own caller's tone.
        let recordings = daemon.folder.appendingPathComponent("data/recordings").path
        let deadline = Date().addingTimeInterval(15)
        var files: [String] = []
        while Date() < deadline {
            files = ((try? FileManager.default.contentsOfDirectory(atPath: recordings)) ?? []).filter { $0.hasSuffix(".wav") }
            if files.count >= scenarios.count { break }
            usleep(100_000)
        }
        try #require(files.count == scenarios.count, "recordings \(files) in \(recordings)")
        let callers = try Self.callersByCallID(store: daemon.folder.appendingPathComponent("data/parley.sqlite").path)
        var owners = [[String]](repeating: [], count: Self.frequenciesHz.count)
        var table: [String] = []
        for file in files.sorted() {
            let audio = try ToneWAV.read(recordings + "/" + file)
            let counts = ToneDetector.windowCounts(channel: audio.channel(0), sampleRateHz: audio.sampleRateHz,
                                                   frequenciesHz: Self.frequenciesHz)
            let present = counts.indices.filter { counts[$0] >= Self.presentWindows }
            for j in present { owners[j].append(file) }
            let caller = callers[String(file.dropLast(4))]
            if caller == Self.silentCaller {
                let loudest = audio.channel(0).reduce(0) { max($0, abs($1)) }
                table.append("\(file) (silent caller): windows per tone \(counts), loudest sample \(Int(loudest))")
                #expect(loudest < 200, "\(file): the silent caller's channel holds sound (peak \(Int(loudest))): \(counts)")
                continue
            }
            if let caller, Self.speechCallers.contains(caller) {
                table.append("\(file) (caller \(caller), speech)")
                continue
            }
            table.append("\(file) (caller \(caller.map(String.init) ?? "?")): windows per tone \(counts)")
            #expect(caller != nil && present == [caller!], "\(file) of caller \(caller.map(String.init) ?? "?") holds the tones of callers \(present): \(counts)")
            // Not one window of another caller's tone (a burst's edge or the jitter buffer's
            // concealment may blur the caller's own tone, never make another one).
            let foreign = counts.indices.filter { $0 != caller && counts[$0] > 0 }
            #expect(foreign.isEmpty, "\(file) of caller \(caller.map(String.init) ?? "?") has windows of callers \(foreign)' tones: \(counts)")
        }
        print("caller tones in parleyd's recordings (\(Self.frequenciesHz.map { Int($0) }) Hz):\n"
              + table.joined(separator: "\n"))
        let silentEvents = try Self.eventKinds(store: daemon.folder.appendingPathComponent("data/parley.sqlite").path,
                                               calledUser: "tone-\(Self.silentCaller)")
        #expect(!silentEvents.isEmpty && !silentEvents.contains { $0.contains("barge") },
                "the silent caller's call: \(silentEvents)")
        let bargeIns = try Self.sqlite(daemon.folder.appendingPathComponent("data/parley.sqlite").path,
                                       "SELECT count(*) FROM events WHERE kind = 'barge_in'")
        print("barge-ins in the other callers' calls: \(bargeIns.trimmingCharacters(in: .whitespacesAndNewlines)); "
              + "the silent caller's events: \(silentEvents)")
        for (j, files) in owners.enumerated() {
            #expect(files.count == 1, "caller \(j)'s tone is in \(files.count) recordings: \(files)")
        }
    }

    /// parleyd's store: call id → caller number (from `to_uri`, `sip:tone-N@…`), read with
    /// the sqlite3 command-line tool.
    static func callersByCallID(store: String) throws -> [String: Int] {
        var callers: [String: Int] = [:]
        for line in try sqlite(store, "SELECT call_id, to_uri FROM calls").split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count == 2, let r = parts[1].range(of: "tone-"),
                  let n = Int(parts[1][r.upperBound...].prefix { $0.isNumber }) else { continue }
            callers[String(parts[0])] = n
        }
        return callers
    }

    /// Event kinds parleyd stored for the call to `calledUser`, in order.
    static func eventKinds(store: String, calledUser: String) throws -> [String] {
        let query = "SELECT e.kind FROM events e JOIN calls c USING (call_id) WHERE c.to_uri LIKE 'sip:\(calledUser)@%' ORDER BY e.seq"
        return try sqlite(store, query).split(separator: "\n").map(String.init)
    }

    static func sqlite(_ store: String, _ query: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = ["-readonly", "-separator", " ", store, query]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// The detector can fail: a recording holding two callers' tones reports both, and
    /// silence or one tone reports what is there.
    @Test func theDetectorSeesAForeignTone() {
        let own = ToneWAV.bursts(frequencyHz: 800, sampleRateHz: 16_000)
        let foreign = ToneWAV.bursts(frequencyHz: 1_700, sampleRateHz: 16_000)
        let mixed = (own + foreign).map(Double.init)
        let counts = ToneDetector.windowCounts(channel: mixed, sampleRateHz: 16_000, frequenciesHz: Self.frequenciesHz)
        #expect(counts.indices.filter { counts[$0] >= Self.presentWindows } == [1, 4], "\(counts)")
        let single = ToneDetector.windowCounts(channel: own.map(Double.init), sampleRateHz: 16_000,
                                               frequenciesHz: Self.frequenciesHz)
        #expect(single.indices.filter { single[$0] >= Self.presentWindows } == [1], "\(single)")
        let quiet = ToneDetector.windowCounts(channel: [Double](repeating: 0, count: 16_000), sampleRateHz: 16_000,
                                              frequenciesHz: Self.frequenciesHz)
        #expect(quiet.allSatisfy { $0 == 0 })
    }

    /// A second stream on a call's socket shows as an SSRC change in the call's measures.
    @Test func anotherStreamCountsAsAnSSRCChange() {
        var measures = StreamMeasures()
        measures.packet(sequence: 1, timestamp: 160, ssrc: 0xA, arrivalNs: 20_000_000, payloadBytes: 160)
        measures.packet(sequence: 2, timestamp: 320, ssrc: 0xA, arrivalNs: 40_000_000, payloadBytes: 160)
        #expect(measures.ssrcChanges == 0 && measures.ssrc == 0xA)
        measures.packet(sequence: 900, timestamp: 9_000, ssrc: 0xB, arrivalNs: 41_000_000, payloadBytes: 160)
        measures.packet(sequence: 3, timestamp: 480, ssrc: 0xA, arrivalNs: 60_000_000, payloadBytes: 160)
        #expect(measures.ssrcChanges == 2 && measures.ssrc == 0xA)
    }

    /// Per call, what its run gave (set from the call's thread).
    final class Outcomes: @unchecked Sendable {
        private let lock = NSLock()
        private var results: [Result<SimRunResult, PeerError>?]
        init(count: Int) { results = Array(repeating: nil, count: count) }
        func set(_ i: Int, _ r: Result<SimRunResult, PeerError>) { lock.lock(); results[i] = r; lock.unlock() }
        func get(_ i: Int) -> Result<SimRunResult, PeerError> {
            lock.lock(); defer { lock.unlock() }
            return results[i] ?? .failure(PeerError(description: "call \(i) did not run"))
        }
    }
}

/// Counts 20 ms windows dominated by one of a set of tones (Goertzel power at the tone
/// over the window's energy), in windows louder than a floor.
enum ToneDetector {
    static func windowCounts(channel: [Double], sampleRateHz: Int, frequenciesHz: [Double]) -> [Int] {
        let n = sampleRateHz / 50
        var counts = [Int](repeating: 0, count: frequenciesHz.count)
        var start = 0
        while start + n <= channel.count {
            let window = channel[start..<(start + n)]
            start += n
            let energy = window.reduce(0) { $0 + $1 * $1 }
            guard energy / Double(n) > 200 * 200 else { continue }   // RMS above ~-44 dBFS
            for (j, f) in frequenciesHz.enumerated() {
                let coefficient = 2 * cos(2 * Double.pi * f / Double(sampleRateHz))
                var s1 = 0.0, s2 = 0.0
                for x in window {
                    let s0 = x + coefficient * s1 - s2
                    s2 = s1
                    s1 = s0
                }
                let power = s1 * s1 + s2 * s2 - coefficient * s1 * s2
                // A pure tone on the bin gives 1.
                if 2 * power / (Double(n) * energy) > 0.5 { counts[j] += 1 }
            }
        }
        return counts
    }
}

/// 16-bit PCM WAV written and read by hand (tones for the callers, parleyd's stereo
/// recordings), so the test needs no codec module.
enum ToneWAV {
    /// Five 240 ms bursts 160 ms apart (2 s), 5 ms ramps, at about -12 dBFS.
    static func bursts(frequencyHz: Double, sampleRateHz: Int) -> [Int16] {
        let on = sampleRateHz * 240 / 1_000, off = sampleRateHz * 160 / 1_000, ramp = sampleRateHz * 5 / 1_000
        var out: [Int16] = []
        for _ in 0..<5 {
            for k in 0..<on {
                let gain = Double(min(k, on - 1 - k, ramp)) / Double(ramp)
                out.append(Int16(8_000 * min(1, gain) * sin(2 * Double.pi * frequencyHz * Double(k) / Double(sampleRateHz))))
            }
            out += [Int16](repeating: 0, count: off)
        }
        return out
    }

    static func write(_ samples: [Int16], sampleRateHz: Int, to path: String) throws {
        var d = Data()
        func u32(_ v: Int) { withUnsafeBytes(of: UInt32(v).littleEndian) { d.append(contentsOf: $0) } }
        func u16(_ v: Int) { withUnsafeBytes(of: UInt16(v).littleEndian) { d.append(contentsOf: $0) } }
        d.append(contentsOf: Array("RIFF".utf8)); u32(36 + samples.count * 2)
        d.append(contentsOf: Array("WAVEfmt ".utf8)); u32(16); u16(1); u16(1); u32(sampleRateHz); u32(sampleRateHz * 2)
        u16(2); u16(16)
        d.append(contentsOf: Array("data".utf8)); u32(samples.count * 2)
        for s in samples { withUnsafeBytes(of: s.littleEndian) { d.append(contentsOf: $0) } }
        try d.write(to: URL(fileURLWithPath: path))
    }

    struct Audio {
        var sampleRateHz: Int
        var channels: Int
        var interleaved: [Int16]
        func channel(_ c: Int) -> [Double] { stride(from: c, to: interleaved.count, by: channels).map { Double(interleaved[$0]) } }
    }

    static func read(_ path: String) throws -> Audio {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        func u32(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 | Int(bytes[o + 2]) << 16 | Int(bytes[o + 3]) << 24 }
        func u16(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 }
        guard bytes.count >= 12, Array(bytes[0..<4]) == Array("RIFF".utf8), Array(bytes[8..<12]) == Array("WAVE".utf8) else {
            throw PeerError(description: "\(path): not a WAV file")
        }
        var offset = 12
        var rate = 0, channels = 0, bits = 0
        while offset + 8 <= bytes.count {
            let id = String(decoding: bytes[offset..<(offset + 4)], as: UTF8.self)
            let size = u32(offset + 4)
            let body = offset + 8
            if id == "fmt " {
                channels = u16(body + 2)
                rate = u32(body + 4)
                bits = u16(body + 14)
            } else if id == "data" {
                guard bits == 16, channels > 0 else { throw PeerError(description: "\(path): \(bits)-bit, \(channels) channels") }
                let end = min(bytes.count, body + size)
                var samples: [Int16] = []
                samples.reserveCapacity((end - body) / 2)
                var o = body
                while o + 1 < end {
                    samples.append(Int16(bitPattern: UInt16(u16(o))))
                    o += 2
                }
                return Audio(sampleRateHz: rate, channels: channels, interleaved: samples)
            }
            offset = body + size + (size & 1)
        }
        throw PeerError(description: "\(path): no data chunk")
    }
}
