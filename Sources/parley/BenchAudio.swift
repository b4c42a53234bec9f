import CParleyAllocCounter
import Foundation
import ParleyAudio

/// `parley bench audio [--json] [--seconds N] [--only CASE|bargein]` — CPU per call per second
/// of audio for the whole listening pipeline (echo canceller on while a prompt plays, off while
/// listening; 8 kHz and 16 kHz), the implied calls per core, allocations per frame after
/// warm-up, and the barge-in delay over the labelled audio test set (`BenchAudioBargeIn`).
/// CPU is process CPU time (`clock()`). Input is synthetic (speech-like harmonics with syllable-rate modulation, its echo at
/// 80 ms / ERL 12 dB, line noise, short caller bursts and DTMF so barge-in, resume, VAD and
/// DTMF events fire), generated before timing starts.
enum BenchAudio {
    struct Row {
        let name: String
        let cpuUsPerAudioSecond: Double
        var callsPerCore: Double { cpuUsPerAudioSecond > 0 ? 1_000_000 / cpuUsPerAudioSecond : 0 }
        let usPerFrame: Double
        let allocationsPerFrame: Double?
        let eventsPerSecond: Double
    }

    static func run(_ arguments: [String]) -> Int32 {
        let json = arguments.contains("--json")
        var seconds = 20
        if let i = arguments.firstIndex(of: "--seconds"), i + 1 < arguments.count, let s = Int(arguments[i + 1]) {
            seconds = max(1, s)
        }
        var only: String?
        if let i = arguments.firstIndex(of: "--only"), i + 1 < arguments.count { only = arguments[i + 1] }
        var rows: [Row] = []
        let bargeIn = only == nil || only == "bargein" ? BenchAudioBargeIn.run() : nil
        do {
            for format in [AudioFormat.narrowband, AudioFormat.wideband] {
                let k = format.sampleRate / 1000
                for mode in [EchoCanceller.Mode.aec, .aecm] {
                    let tag = mode == .aec ? "aec" : "aecm"
                    let name = "\(k)k_playing_\(tag)"
                    if only == nil || only == name {
                        rows.append(try measure(name, format: format, mode: mode, playing: true, seconds: seconds))
                    }
                }
                // The AEC told the delay (no delay-agnostic search, short filter): the CPU it saves.
                if format == .narrowband, only == nil || only == "8k_aec_known_delay" {
                    rows.append(try measure("8k_aec_known_delay", format: format, mode: .aec, playing: true,
                                            seconds: seconds, delayAgnostic: false))
                }
                if only == nil || only == "\(k)k_listening" {
                    rows.append(try measure("\(k)k_listening", format: format, mode: .aec, playing: false, seconds: seconds))
                }
            }
        } catch {
            FileHandleOutput.error("parley bench audio: \(error)")
            return 1
        }
        if json {
            var parts: [String] = []
            for r in rows {
                parts.append("\"\(r.name)_cpu_us_per_s\": \(String(format: "%.1f", r.cpuUsPerAudioSecond))")
                parts.append("\"\(r.name)_calls_per_core\": \(Int(r.callsPerCore))")
                parts.append("\"\(r.name)_allocs_per_frame\": \(r.allocationsPerFrame.map { String(format: "%.3f", $0) } ?? "null")")
                parts.append("\"\(r.name)_events_per_s\": \(String(format: "%.2f", r.eventsPerSecond))")
            }
            if only == nil || only == "bargein" { parts += BenchAudioBargeIn.jsonMembers(bargeIn) }
            print("{" + parts.joined(separator: ", ") + "}")
        } else {
            if only != "bargein" {
                print("listening pipeline, \(seconds) s of audio per row (release build expected)")
                print("case                    CPU µs/s audio  µs/frame  calls/core  events/s  allocs/frame")
                for r in rows {
                    let allocs = r.allocationsPerFrame.map { String(format: "%.3f", $0) } ?? "n/a"
                    print(r.name.padding(toLength: 24, withPad: " ", startingAt: 0)
                          + String(format: "%14.1f  %8.2f  %10.0f  %8.2f  %@", r.cpuUsPerAudioSecond, r.usPerFrame,
                                   r.callsPerCore, r.eventsPerSecond, allocs))
                }
                print("goal: >= 500 calls per core at 8 kHz (pipeline without the recognizer)")
            }
            if only == nil || only == "bargein" {
                print("")
                BenchAudioBargeIn.printTable(bargeIn)
            }
        }
        return 0
    }

    /// Synthetic prompt: a 140 Hz harmonic series with a 4 Hz syllable envelope and pauses.
    /// `withEcho`: the capture carries the prompt's echo (a prompt is playing).
    static func synthesize(format: AudioFormat, seconds: Int, withEcho: Bool) -> (played: [Int16], capture: [Int16]) {
        let n = format.sampleRate * seconds
        var played = [Int16](repeating: 0, count: n)
        var capture = [Int16](repeating: 0, count: n)
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func noise() -> Double {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Double(Int64(bitPattern: seed >> 11) % 2000 - 1000) / 1000
        }
        let rate = Double(format.sampleRate)
        for i in 0..<n {
            let t = Double(i) / rate
            let envelope = max(0, sin(2 * .pi * 4 * t)) * (Int(t) % 3 == 2 ? 0.1 : 1)
            var v = 0.0
            for h in 1...12 where Double(h) * 140 < rate / 2 { v += sin(2 * .pi * 140 * Double(h) * t) / Double(h) }
            played[i] = Int16(max(-32000, min(32000, 5000 * envelope * v)))
        }
        let delay = format.samples(ms: 80)
        for i in 0..<n {
            let t = Double(i) / rate
            let echo = withEcho && i >= delay ? Double(played[i - delay]) * 0.25 : 0
            // The caller: a 210 Hz voice for 0.4 s every 3 s (short: barge-ins turn out false
            // and the prompt resumes) and a DTMF "5" (770 + 1336 Hz, 80 ms) every 3 s.
            let phase = t.truncatingRemainder(dividingBy: 3)
            var near = 0.0
            if phase >= 1.0 && phase < 1.4 {
                for h in 1...8 where Double(h) * 210 < rate / 2 { near += sin(2 * .pi * 210 * Double(h) * t) / Double(h) }
                near *= 6000
            } else if phase >= 2.2 && phase < 2.28 {
                near = 6000 * (sin(2 * .pi * 770 * t) + sin(2 * .pi * 1336 * t))
            }
            capture[i] = Int16(max(-32000, min(32000, echo + near + 30 * noise())))
        }
        return (played, capture)
    }

    static func measure(_ name: String, format: AudioFormat, mode: EchoCanceller.Mode, playing: Bool,
                        seconds: Int, delayAgnostic: Bool = true) throws -> Row {
        // Warm-up: one whole clip on a throwaway pipeline first, so one-time process-wide
        // initialisation (runtime metadata for each event kind, library statics) happens
        // before anything is counted. The measured pass then counts only per-frame work.
        _ = try measureOnce(name, format: format, mode: mode, playing: playing, seconds: min(seconds, 5),
                            delayAgnostic: delayAgnostic)
        return try measureOnce(name, format: format, mode: mode, playing: playing, seconds: seconds,
                               delayAgnostic: delayAgnostic)
    }

    static func measureOnce(_ name: String, format: AudioFormat, mode: EchoCanceller.Mode, playing: Bool,
                            seconds: Int, delayAgnostic: Bool = true) throws -> Row {
        let (played, capture) = synthesize(format: format, seconds: seconds, withEcho: playing)
        var configuration = ListeningConfiguration()
        configuration.echo.mode = mode
        configuration.echo.delayAgnostic = delayAgnostic
        configuration.bargeIn = .init()
        let pipeline = ListeningPipeline(configuration: configuration)
        try pipeline.prepare(format: format)
        let plan = try PromptPlan(lengthMs: seconds * 1000 + 1000, policy: .immediate, cuePointsMs: [0])
        if playing { pipeline.startPrompt(plan) }
        let n = format.frameSamples
        let frames = played.count / n
        var captureFrame = [Int16](repeating: 0, count: n)
        var playedFrame = [Int16](repeating: 0, count: n)
        let silence: [Int16] = []
        let warmUp = min(100, frames / 4)
        var events = 0
        // Process CPU time (clock()), not wall time: the figure stays honest on a busy machine.
        var start = clock()
        for f in 0..<frames {
            if f == warmUp {
                // Count heap allocations on this thread from here on (CParleyAllocCounter
                // interposes malloc in the `parley` binary).
                parley_alloc_counting_begin()
                start = clock()
            }
            for i in 0..<n {
                captureFrame[i] = capture[f * n + i]
                playedFrame[i] = played[f * n + i]
            }
            let ts = UInt32(truncatingIfNeeded: f * n)
            // The bench plays the prompt on regardless of stop/resume: the CPU case stays "playing".
            if playing {
                pipeline.process(captureFrame: captureFrame.span, playedFrame: playedFrame.span, rtpTimestamp: ts)
            } else {
                pipeline.process(captureFrame: captureFrame.span, playedFrame: silence.span, rtpTimestamp: ts)
            }
            if f >= warmUp { events += pipeline.events.count }
        }
        let cpuTicks = clock() - start
        let allocations = frames > warmUp ? parley_alloc_counting_end() : 0
        let measuredFrames = frames - warmUp
        let us = Double(cpuTicks) * 1e6 / Double(CLOCKS_PER_SEC)
        let audioSeconds = Double(measuredFrames) / 100
        // Without a working interposer the count is meaningless: report null, not a fake zero.
        let counted: Double? = parley_alloc_counter_is_active() == 0 ? nil
            : Double(allocations) / Double(measuredFrames)
        return Row(name: name, cpuUsPerAudioSecond: us / audioSeconds, usPerFrame: us / Double(measuredFrames),
                   allocationsPerFrame: counted, eventsPerSecond: Double(events) / audioSeconds)
    }
}
