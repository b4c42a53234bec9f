import Foundation
import ParleyCall
import ParleyStore
import Testing

/// `recordings.enabled`: a stereo file per call, the caller on the left, the bot on the right.
@Suite(.serialized) struct RecordingTests {
    /// RMS amplitude (0…1) of one channel of a sound file, from sox's `stat`.
    static func rms(_ path: String, channel: Int) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        process.arguments = [path, "-n", "remix", String(channel), "stat"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("RMS     amplitude") })
        return try #require(Double(line.split(separator: " ").last.map(String.init) ?? ""))
    }

    @Test func aRecordedCallHasTheCallerLeftAndTheBotRight() async throws {
        let (daemon, directory) = try await TestDaemon.make("recording-test", rtpPortStart: 33400) { config in
            config.recordings = RecordingConfiguration(enabled: true, directory: config.dataDirectory + "/rec", format: .wav)
        }
        // The caller: 3 s of a 440 Hz tone at -12 dBFS (μ-law, headerless, as SIPp plays it).
        let tone = directory + "/tone.ulaw"
        let sox = Process()
        sox.executableURL = URL(fileURLWithPath: "/usr/bin/sox")
        sox.arguments = ["-n", "-r", "8000", "-c", "1", "-e", "u-law", "-t", "raw", tone, "synth", "3", "sine", "440", "vol", "0.25"]
        try sox.run()
        sox.waitUntilExit()
        let scenario = SIPpUAC.lateOffer(ackWithAnswer: true)
            .replacingOccurrences(of: "<pause milliseconds=\"1500\"/>",
                                  with: "<nop><action><exec rtp_stream=\"\(tone),1,0\"/></action></nop><pause milliseconds=\"3000\"/>")
        let (status, _) = try InboundOfferTests.runUAC(scenario, daemon: daemon, directory: directory)
        let row = try await InboundOfferTests.endedCall(daemon)
        let events = try await daemon.services.store.events(callId: row?.callId ?? "")
        await daemon.shutdown()
        #expect(status == 0)
        let event = try #require(events.first { $0.kind == "recording" })
        let path = directory + "/rec/" + (row?.callId ?? "") + ".wav"
        #expect(event.json.contains(row?.callId ?? "-"))
        #expect(FileManager.default.fileExists(atPath: path))
        let caller = try Self.rms(path, channel: 1), bot = try Self.rms(path, channel: 2)
        #expect(caller > 0.05, "the caller's tone is on the left (rms \(caller))")
        #expect(bot > 0.02, "the greeting is on the right (rms \(bot)); events: \(events.map(\.kind))")
        // The caller's stream as the bot heard it, on disk with the call: 3 s of tone is ~150 packets.
        let media = try #require(events.first { $0.kind == "media" }, "\(events.map(\.kind))")
        let received = media.json.split(separator: ";").first { $0.hasPrefix("PR=") }.flatMap { Int($0.dropFirst(3)) }
        #expect((received ?? 0) >= 140 && media.json.contains("DROP="), "\(media.json)")
    }
}
