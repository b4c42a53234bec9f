import Testing
import ParleyAudio

/// Measurements over the whole labelled test set, in audio time.
@Suite struct TestSetTests {
    static let promptLengthMs = 9000

    static func plan(_ policy: BargeInPolicy) throws -> PromptPlan {
        try PromptPlan(lengthMs: promptLengthMs, policy: policy, cuePointsMs: [0, 1400, 5200])
    }

    /// Barge-in delay (stop time minus true speech onset, audio time) under `immediate` over
    /// every barge-in clip; no stop on echo-only and noise-only clips; no false-barge-in
    /// resume on real interruptions.
    @Test func bargeInDelayAndFalseBargeIns() throws {
        try Self.checkBargeInSet(ListeningConfiguration(), label: "AEC + NS")
    }

    /// The same per-clip properties with the echo settings the daemon can run: its default
    /// (AEC, noise suppression off) and mobile mode (`echo_cancellation: aecm`, noise
    /// suppression off), the cheaper canceller `parley bench audio` weighs against AEC.
    @Test(arguments: [EchoCanceller.Mode.aec, .aecm])
    func bargeInDelayAndFalseBargeInsWithoutNoiseSuppression(mode: EchoCanceller.Mode) throws {
        let echo = EchoCanceller.Configuration(mode: mode, noiseSuppression: false)
        try Self.checkBargeInSet(ListeningConfiguration(echo: echo), label: "\(mode), NS off")
    }

    static func checkBargeInSet(_ configuration: ListeningConfiguration, label: String) throws {
        let labels = try AudioFixtures.labels()
        var delays: [Int] = []
        var hardDelays: [Int] = []   // ERL 6 dB echo and 10-20 dB SNR noise at once (printed)
        var missed: [String] = []
        var early: [String] = []
        var resumedReal: [String] = []
        var falseOnEcho: [String] = []
        var delayErrors: [Int] = []
        for clip in labels.clips {
            switch clip.kind {
            case "bargeIn":
                let run = try ClipRun.run(clip.name, configuration: configuration, prompt: Self.plan(.immediate))
                let onset = try #require(clip.onsetMs)
                if let stop = run.stops.first {
                    if stop.atMs < onset {
                        early.append("\(clip.name)@\(stop.atMs)")
                    } else {
                        delays.append(stop.atMs - onset)
                        if clip.noise != nil && clip.erlDb == 6 { hardDelays.append(stop.atMs - onset) }
                    }
                } else {
                    missed.append(clip.name)
                }
                if run.resumes > 0 { resumedReal.append(clip.name) }
                print("audio-set [\(label)] \(clip.name) onset \(onset) stop \(run.stops.first?.atMs ?? -1) delay est \(run.metrics?.estimatedDelayMs ?? -1) erl \(run.metrics?.echoReturnLossDb ?? -1) erle \(run.metrics?.echoReturnLossEnhancementDb ?? -1)")
            case "echoOnly", "noiseOnly":
                let run = try ClipRun.run(clip.name, configuration: configuration, prompt: Self.plan(.immediate))
                if !run.stops.isEmpty { falseOnEcho.append("\(clip.name)@\(run.stops.map(\.atMs))") }
                let estimated = run.metrics?.estimatedDelayMs ?? -1
                if let truth = clip.delayMs, estimated >= 0 { delayErrors.append(abs(estimated - truth)) }
            default:
                break
            }
        }
        let p50 = percentile(delays, 50), p95 = percentile(delays, 95)
        print("audio-set [\(label)] barge-in delay ms over \(delays.count) clips: p50=\(p50) p95=\(p95) max=\(delays.max() ?? -1); "
            + "ERL 6 dB + noise: \(hardDelays.sorted()); missed \(missed); early \(early); "
            + "false on echo/noise-only \(falseOnEcho.count); "
            + "delay estimate error max \(delayErrors.max() ?? -1) ms over \(delayErrors.count) clips")
        // Per clip: every interruption stops the prompt, after the caller's onset, and
        // nothing else does.
        #expect(missed.isEmpty, "barge-ins not detected: \(missed)")
        #expect(early.isEmpty, "stopped before the caller spoke: \(early)")
        #expect(resumedReal.isEmpty, "real interruptions taken for false barge-ins: \(resumedReal)")
        #expect(falseOnEcho.isEmpty, "false barge-ins on echo/noise-only clips: \(falseOnEcho)")
        #expect(delays.count == labels.clips.filter { $0.kind == "bargeIn" }.count, "a delay measured per clip")
        // Whole set, audio time (deterministic, not a timing test): p95 within the spec.
        #expect(delays.count >= 20 && p95 <= 100, "barge-in delay p95 \(p95) ms")
        // The one clip over 100 ms: "Stop" over white noise at 20 dB SNR and a 6 dB-ERL echo.
        // Its /s/ (the labelled onset) stays within ~3 dB of the noise in every band; the
        // vowel, 110 ms later, is the first thing that rises over the floor. Bounded so no
        // clip can regress unseen.
        #expect(delays.allSatisfy { $0 <= 160 }, "barge-in delays \(delays.sorted())")
        #expect(delayErrors.count >= 20 && delayErrors.allSatisfy { $0 <= 2 }, "echo delay estimate off")
    }
}

extension TestSetTests {
    /// Backchannels and coughs over the prompt: under `confirmed` nothing stops it; under
    /// `immediate` a stop is followed by a false barge-in and a resume from the last cue.
    @Test func backchannelsAndCoughsIgnoredUnderConfirmed() throws {
        let labels = try AudioFixtures.labels()
        let clips = labels.clips.filter { $0.kind == "backchannel" || $0.kind == "cough" }
        #expect(clips.count == 9)
        var stoppedUnderConfirmed: [String] = []
        var ignoredReports = 0
        var immediateStops = 0
        var resumed = 0
        for clip in clips {
            let confirmed = try ClipRun.run(clip.name, prompt: Self.plan(.confirmed(minSpeechMs: 800, minWords: 2)))
            if !confirmed.stops.isEmpty { stoppedUnderConfirmed.append(clip.name) }
            ignoredReports += confirmed.events.filter {
                if case .bargeIn(.ignored(_, _, .unconfirmed)) = $0 { true } else { false }
            }.count
            let immediate = try ClipRun.run(clip.name, prompt: Self.plan(.immediate))
            immediateStops += immediate.stops.count
            for e in immediate.events {
                if case let .resumePlayback(_, from) = e {
                    resumed += 1
                    #expect(from == 1400, "\(clip.name): resumes from the last cue point before the stop")
                }
            }
            print("audio-set \(clip.name) confirmed stops \(confirmed.stops.count); immediate stops \(immediate.stops.map(\.atMs)) events \(immediate.events.count)")
        }
        print("audio-set backchannels/coughs: stopped under confirmed \(stoppedUnderConfirmed.count)/\(clips.count), ignored reports \(ignoredReports), immediate stops \(immediateStops), false barge-in resumes \(resumed)")
        #expect(stoppedUnderConfirmed.isEmpty, "confirmed policy stopped on \(stoppedUnderConfirmed)")
        #expect(ignoredReports >= clips.count - 1, "speech heard and deliberately ignored")
        #expect(resumed == immediateStops, "every immediate stop on a backchannel/cough is resumed")
    }

    /// Confirmed policy still stops on real interruptions (after the minimum speech time).
    @Test func confirmedPolicyStopsRealInterruptions() throws {
        let labels = try AudioFixtures.labels()
        var delays: [Int] = []
        for clip in labels.clips where clip.kind == "bargeIn" && clip.noise == nil {
            let run = try ClipRun.run(clip.name, prompt: Self.plan(.confirmed(minSpeechMs: 800, minWords: 2)))
            let onset = try #require(clip.onsetMs)
            let stop = try #require(run.stops.first, "\(clip.name): no stop under confirmed")
            delays.append(stop.atMs - onset)
        }
        print("audio-set confirmed(800 ms) stop delay: p50 \(percentile(delays, 50)) p95 \(percentile(delays, 95))")
        #expect(delays.allSatisfy { $0 >= 800 && $0 <= 1500 })
    }

    /// Confirmed by recognizer words: a stop arrives as soon as 2 words are in.
    @Test func confirmedByWordsStopsEarly() throws {
        let clip = "barge_d60_erl12"
        let labels = try AudioFixtures.labels()
        let label = try #require(labels.clips.first { $0.name == clip })
        let onset = try #require(label.onsetMs)
        let run = try ClipRun.run(clip, prompt: Self.plan(.confirmed(minSpeechMs: 2000, minWords: 2)),
                                  before: { ms, pipeline in
            if ms == onset + 300 { pipeline.recognizerPartial(words: 2, hint: .complete) }
        })
        let stop = try #require(run.stops.first)
        #expect(stop.atMs >= onset + 300 && stop.atMs <= onset + 320)
        #expect(run.events.contains { if case .bargeIn(.bargeIn(_, _, _, .words)) = $0 { true } else { false } })
    }

    /// A slowly read 11-digit number: no end of turn inside it, one after it.
    @Test func noEndOfTurnInsideSlowDigits() throws {
        let labels = try AudioFixtures.labels()
        let label = try #require(labels.clips.first { $0.kind == "digitsSlow" })
        let times = try #require(label.digitTimesMs)
        #expect(times.count == 11)
        let lastEnd = times.last![1]
        // Digits listen mode.
        let byMode = try ClipRun.run(label.name, prompt: nil, listen: .digits)
        // Normal mode, recognizer partials say "digits" 300 ms after each digit.
        let byPartials = try ClipRun.run(label.name, prompt: nil, listen: .normal, before: { ms, pipeline in
            if times.contains(where: { $0[0] + 200 == ms }) { pipeline.recognizerPartial(words: 1, hint: .digits) }
        })
        // Normal mode without hints: the ordinary silence timeout does cut in (shows the test can fail).
        let plain = try ClipRun.run(label.name, prompt: nil, listen: .normal)
        func turns(_ run: ClipRun) -> [Int] {
            run.events.compactMap { if case let .endOfTurn(at, _, _) = $0 { at } else { nil } }
        }
        print("audio-set digits: EOT by mode \(turns(byMode)), by partials \(turns(byPartials)), plain \(turns(plain)); last digit ends \(lastEnd)")
        for run in [byMode, byPartials] {
            let eots = turns(run)
            #expect(eots.count == 1)
            #expect(eots.allSatisfy { $0 > lastEnd && $0 < lastEnd + 3300 })
        }
        #expect(turns(plain).contains { $0 < lastEnd })
    }

    /// DTMF within Q.24 limits detected; too short, twisted or off-frequency rejected.
    @Test func dtmfWithinQ24Limits() throws {
        let labels = try AudioFixtures.labels()
        var summary: [String] = []
        for clip in labels.clips where clip.kind == "dtmf" {
            let run = try ClipRun.run(clip.name, prompt: nil)
            var digits = ""
            var durations: [Int] = []
            for e in run.events {
                if case let .dtmfEnded(d, start, end) = e {
                    digits.append(d)
                    durations.append(end - start)
                }
            }
            let keys = try #require(clip.keys)
            summary.append("\(clip.name)=\(digits.isEmpty ? "-" : digits)")
            if clip.expectDetected == true {
                #expect(digits == keys, "\(clip.name): detected \(digits), sent \(keys)")
            } else {
                #expect(digits.isEmpty, "\(clip.name): detected \(digits), expected rejection")
            }
        }
        print("audio-set dtmf: \(summary.joined(separator: " "))")
        #expect(summary.count == 11)
    }
}
