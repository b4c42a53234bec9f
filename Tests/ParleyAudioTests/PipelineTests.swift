import Foundation
import Testing
import ParleyAudio

/// The pipeline's frame contract: formats, frame length checks, RTP timestamp wrap, 16 kHz.
@Suite struct PipelineTests {
    @Test func rejectsUnsupportedFormatsAndWrongFrames() throws {
        #expect(throws: AudioError.self) { _ = try AudioFormat(sampleRate: 44100) }
        let pipeline = ListeningPipeline()
        let frame = [Int16](repeating: 0, count: 80)
        // Not prepared yet.
        #expect(pipeline.process(captureFrame: frame.span, playedFrame: frame.span, rtpTimestamp: 0).accepted == false)
        try pipeline.prepare(format: .narrowband)
        let short = [Int16](repeating: 0, count: 79)
        #expect(pipeline.process(captureFrame: short.span, playedFrame: frame.span, rtpTimestamp: 0).accepted == false)
        #expect(pipeline.process(captureFrame: frame.span, playedFrame: frame.span, rtpTimestamp: 0).accepted)
        #expect(pipeline.rejectedFrameCount == 2)
    }

    @Test func sampleTimeSurvivesTimestampWrap() throws {
        let pipeline = ListeningPipeline()
        try pipeline.prepare(format: .narrowband)
        let frame = [Int16](repeating: 0, count: 80)
        let empty: [Int16] = []
        var ts: UInt32 = 0xFFFF_FF00
        for _ in 0..<10 {
            pipeline.process(captureFrame: frame.span, playedFrame: empty.span, rtpTimestamp: ts)
            ts &+= 80
        }
        #expect(pipeline.currentSampleTime == 720)
        #expect(pipeline.withCleanedFrame { $0.count } == 80)
    }

    @Test func wideband16kHzBargeInAndDTMF() throws {
        let labels = try AudioFixtures.labels()
        let clip = try #require(labels.clips.first { $0.name == "barge_d120_erl12" })
        let run = try ClipRun.run(clip.name, rate: .wideband, prompt: TestSetTests.plan(.immediate))
        let stop = try #require(run.stops.first)
        let onset = try #require(clip.onsetMs)
        #expect(stop.atMs >= onset && stop.atMs - onset <= 100)
        let dtmf = try ClipRun.run("dtmf_good", rate: .wideband, prompt: nil)
        let digits = String(dtmf.events.compactMap { if case let .dtmfEnded(d, _, _) = $0 { d } else { nil } })
        #expect(digits == "0123456789*#ABCD")
    }

    /// The AEC told the delay (no delay-agnostic search, short filter): echo alone still
    /// never stops the prompt, a caller still does, and the canceller still removes the echo.
    @Test func knownDelayAECStillCancelsAndHearsTheCaller() throws {
        var configuration = ListeningConfiguration()
        configuration.echo.delayAgnostic = false
        for name in ["echo_d60_erl6", "echo_d200_erl12"] {
            let run = try ClipRun.run(name, configuration: configuration, prompt: TestSetTests.plan(.immediate))
            #expect(run.stops.isEmpty, "\(name) stopped at \(run.stops.map(\.atMs))")
            let erle = try #require(run.metrics?.echoReturnLossEnhancementDb)
            print("audio-set \(name) known-delay AEC: ERLE \(erle) dB")
            #expect(erle >= 15, "\(name): ERLE \(erle) dB")
        }
        let labels = try AudioFixtures.labels()
        let clip = try #require(labels.clips.first { $0.name == "barge_d120_erl12" })
        let run = try ClipRun.run(clip.name, configuration: configuration, prompt: TestSetTests.plan(.immediate))
        let stop = try #require(run.stops.first)
        let onset = try #require(clip.onsetMs)
        #expect(stop.atMs >= onset && stop.atMs - onset <= 100)
    }

    /// A synthetic 80 ms "5" (770 + 1336 Hz) with a voice burst before it, as in the bench.
    @Test func syntheticToneAndVoice() throws {
        let pipeline = ListeningPipeline()
        try pipeline.prepare(format: .narrowband)
        var frame = [Int16](repeating: 0, count: 80)
        let empty: [Int16] = []
        var events: [PipelineEvent] = []
        for f in 0..<300 {
            for i in 0..<80 {
                let t = Double(f * 80 + i) / 8000
                var v = 0.0
                if t >= 1.0 && t < 1.4 {
                    for h in 1...8 { v += sin(2 * .pi * 210 * Double(h) * t) / Double(h) }
                    v *= 6000
                } else if t >= 2.2 && t < 2.28 {
                    v = 6000 * (sin(2 * .pi * 770 * t) + sin(2 * .pi * 1336 * t))
                }
                frame[i] = Int16(v + Double((f * 80 + i) % 7) * 5)
            }
            pipeline.process(captureFrame: frame.span, playedFrame: empty.span, rtpTimestamp: UInt32(f * 80))
            events += pipeline.events
        }
        print("audio-set synthetic events: \(events)")
        #expect(events.contains { if case .dtmfEnded("5", _, _) = $0 { true } else { false } })
        #expect(events.contains { if case .speechStarted = $0 { true } else { false } })
    }

    @Test func promptRunsOutAndNoInputFollows() throws {
        var configuration = ListeningConfiguration()
        configuration.endpointer.noInputMs = 500
        let pipeline = ListeningPipeline(configuration: configuration)
        try pipeline.prepare(format: .narrowband)
        pipeline.startPrompt(try PromptPlan(lengthMs: 300, policy: .immediate))
        let frame = [Int16](repeating: 0, count: 80)
        var events: [PipelineEvent] = []
        for i in 0..<100 {
            pipeline.process(captureFrame: frame.span, playedFrame: frame.span, rtpTimestamp: UInt32(i * 80))
            events += pipeline.events
        }
        #expect(events == [.promptFinished(atMs: 300), .noInput(atMs: 800)])
    }
}

@Suite struct UtteranceFeatureTests {
    /// A synthetic voice at 150 Hz with 4 Hz syllables: pitch and rate come out near truth.
    @Test func pitchAndRateOfASyntheticVoice() {
        var c = UtteranceFeatureCollector(format: .narrowband)
        var frame = [Int16](repeating: 0, count: 80)
        for f in 0..<200 {
            for i in 0..<80 {
                let t = Double(f * 80 + i) / 8000
                let envelope = 0.2 + 0.8 * max(0, sin(2 * Double.pi * 4 * t))
                var v = 0.0
                for h in 1...6 { v += sin(2 * Double.pi * 150 * Double(h) * t) / Double(h) }
                frame[i] = Int16(6000 * envelope * v)
            }
            c.add(frame)
        }
        let f = c.features
        #expect(f.durationMs == 2000)
        #expect(abs(f.pitchMeanHz - 150) < 5)
        #expect(f.voicedRatio > 0.8)
        #expect(f.syllablesPerSecond > 3 && f.syllablesPerSecond < 5)
        #expect(f.energyStdDb > 1)
    }

    @Test func endOfTurnCarriesFeatures() throws {
        let labels = try AudioFixtures.labels()
        let label = try #require(labels.clips.first { $0.kind == "digitsSlow" })
        let run = try ClipRun.run(label.name, prompt: nil, listen: .digits)
        let features = run.events.compactMap { if case let .utteranceFeatures(f) = $0 { f } else { nil } }
        let f = try #require(features.first)
        print("audio-set digits utterance features: \(f)")
        #expect(features.count == 1)
        #expect(f.pitchMeanHz > 70 && f.pitchMeanHz < 250)
        #expect(f.durationMs > 2000)
    }
}
