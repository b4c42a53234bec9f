import CParleyAllocCounter
import Foundation
import ParleyAudio

extension BenchAudio {
    /// What the pipeline does in a measured case.
    enum State: String {
        /// A prompt plays the whole time (the canceller runs on every frame).
        case playing
        /// Nothing plays (the canceller is idle; the listener APM runs).
        case listening
        /// `mixPromptMs` of prompt, then listening for the rest of each `mixCycleMs` cycle.
        case mix
        /// A prompt plays the whole time to a line that returns digital silence (no echo,
        /// no noise, no caller): the canceller has nothing to work on.
        case quietLine = "playing_quiet_line"
        /// `quietLine` on `interleavedCalls` pipelines run in turn, frame by frame, as a media
        /// thread runs its calls: each call's state has left the caches when its next frame
        /// comes (the listen-only capacity case; one pipeline alone stays in cache).
        case quietLineInterleaved = "playing_quiet_line_x150"
    }

    /// Pipelines of the interleaved case (a media thread's share of 300 calls on 2 threads).
    static let interleavedCalls = 150

    /// The call mix: a 4 s prompt then 6 s of listening (the caller's answer, the end-of-turn
    /// silence, the recognizer's final and the next prompt's choice), i.e. 40 % playing. The
    /// canceller also stays on for the echo tail after each prompt (delay + `tailMs`).
    static let mixCycleMs = 10_000
    static let mixPromptMs = 4_000
    static var mixPlayingShare: Double { Double(mixPromptMs) / Double(mixCycleMs) }

    /// Synthetic prompt: a 140 Hz harmonic series with a 4 Hz syllable envelope and pauses.
    /// `playedMs`: which part of each mix cycle the prompt plays (nil: the whole time; an
    /// empty range: never), cycles starting at `cycleStartMs`. The capture carries the prompt's echo (80 ms, ERL 12 dB), so the
    /// echo tail follows the prompt's end.
    static func synthesize(format: AudioFormat, seconds: Int, playedMs: Range<Int>?, cycleStartMs: Int = 0) -> (played: [Int16], capture: [Int16]) {
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
            if let playedMs, !playedMs.contains(cyclePhaseMs(format.ms(samples: Int64(i)), startMs: cycleStartMs)) {
                continue
            }
            let t = Double(i) / rate
            let envelope = max(0, sin(2 * .pi * 4 * t)) * (Int(t) % 3 == 2 ? 0.1 : 1)
            var v = 0.0
            for h in 1...12 where Double(h) * 140 < rate / 2 { v += sin(2 * .pi * 140 * Double(h) * t) / Double(h) }
            played[i] = Int16(max(-32000, min(32000, 5000 * envelope * v)))
        }
        let delay = format.samples(ms: 80)
        for i in 0..<n {
            let t = Double(i) / rate
            let echo = i >= delay ? Double(played[i - delay]) * 0.25 : 0
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

    /// Where `ms` falls in the mix cycle, cycles starting at `startMs` (before it: listening).
    static func cyclePhaseMs(_ ms: Int, startMs: Int) -> Int {
        ms < startMs ? mixCycleMs - startMs + ms : (ms - startMs) % mixCycleMs
    }

    /// One measured pass: CPU per second of audio, allocations per frame after warm-up.
    static func measureOnce(_ c: Case, seconds: Int) throws -> Row {
        let format = c.format
        let playedMs: Range<Int>? = switch c.state {
        case .playing, .quietLine, .quietLineInterleaved: nil
        case .listening: 0..<0
        case .mix: 0..<mixPromptMs
        }
        // The first second is warm-up (not measured); the mix measures whole cycles after it.
        let warmUpMs = 1000
        let total = c.state == .mix ? warmUpMs / 1000 + max(1, seconds * 1000 / mixCycleMs) * mixCycleMs / 1000
            : seconds
        var (played, capture) = synthesize(format: format, seconds: total, playedMs: playedMs, cycleStartMs: warmUpMs)
        if c.state == .quietLine || c.state == .quietLineInterleaved {
            capture = [Int16](repeating: 0, count: capture.count)
        }
        var configuration = ListeningConfiguration()
        configuration.echo = c.setup.echoConfiguration
        configuration.bargeIn = .init()
        let calls = c.state == .quietLineInterleaved ? interleavedCalls : 1
        let pipelines = try (0..<calls).map { _ in
            let pipeline = ListeningPipeline(configuration: configuration)
            try pipeline.prepare(format: format)
            return pipeline
        }
        let n = format.frameSamples
        let promptFrames = mixPromptMs / AudioFormat.frameMs
        // Playing: one prompt longer than the clip. Mix: a 4 s prompt at each cycle's start,
        // which runs out on its own (the pipeline then listens).
        let playing = try PromptPlan(lengthMs: total * 1000 + 1000, policy: .immediate, cuePointsMs: [0])
        let mixPrompt = try PromptPlan(lengthMs: mixPromptMs, policy: .immediate, cuePointsMs: [0])
        if c.state != .listening && c.state != .mix { for pipeline in pipelines { pipeline.startPrompt(playing) } }
        let frames = played.count / n
        var captureFrame = [Int16](repeating: 0, count: n)
        var playedFrame = [Int16](repeating: 0, count: n)
        let silence: [Int16] = []
        let warmUp = c.state == .mix ? warmUpMs / AudioFormat.frameMs : min(warmUpMs / AudioFormat.frameMs, frames / 4)
        var events = 0
        var activeFrames = 0
        // Process CPU time (clock()), not wall time: the figure stays honest on a busy machine.
        var start = clock()
        for f in 0..<frames {
            if f == warmUp {
                // Count heap allocations on this thread from here on (CParleyAllocCounter
                // interposes malloc in the `parley` binary).
                parley_alloc_counting_begin()
                start = clock()
            }
            let phase = cyclePhaseMs(f * AudioFormat.frameMs, startMs: warmUpMs) / AudioFormat.frameMs
            let plays = switch c.state {
            case .playing, .quietLine, .quietLineInterleaved: true
            case .listening: false
            case .mix: phase < promptFrames
            }
            if c.state == .mix && phase == 0 { pipelines[0].startPrompt(mixPrompt) }
            for i in 0..<n {
                captureFrame[i] = capture[f * n + i]
                playedFrame[i] = played[f * n + i]
            }
            let ts = UInt32(truncatingIfNeeded: f * n)
            // The bench plays the prompt on regardless of stop/resume: the CPU case stays as named.
            for pipeline in pipelines {
                if plays {
                    pipeline.process(captureFrame: captureFrame.span, playedFrame: playedFrame.span, rtpTimestamp: ts)
                } else {
                    pipeline.process(captureFrame: captureFrame.span, playedFrame: silence.span, rtpTimestamp: ts)
                }
                if f >= warmUp {
                    events += pipeline.events.count
                    if pipeline.echoCancellerActive { activeFrames += 1 }
                }
            }
        }
        let cpuTicks = clock() - start
        let allocations = frames > warmUp ? parley_alloc_counting_end() : 0
        // Per call: every pipeline processed each frame.
        let measuredFrames = (frames - warmUp) * calls
        let us = Double(cpuTicks) * 1e6 / Double(CLOCKS_PER_SEC)
        let audioSeconds = Double(measuredFrames) / 100
        // Without a working interposer the count is meaningless: report null, not a fake zero.
        let counted: Double? = parley_alloc_counter_is_active() == 0 ? nil
            : Double(allocations) / Double(measuredFrames)
        return Row(name: c.name, cpuUsPerAudioSecond: [us / audioSeconds], allocationsPerFrame: counted,
                   eventsPerSecond: Double(events) / audioSeconds,
                   activeShare: Double(activeFrames) / Double(measuredFrames))
    }
}
