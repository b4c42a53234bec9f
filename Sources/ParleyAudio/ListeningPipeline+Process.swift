import Foundation

extension ListeningPipeline {
    /// One 10 ms frame. `captureFrame`: what the caller sent (decoded); `playedFrame`: what
    /// Parley played in the same tick (empty when nothing); `rtpTimestamp`: the frame's media
    /// time (RTP timestamp units = samples), shared by both. Writes this tick's events into
    /// `events` (playback actions first) and returns the status.
    @discardableResult
    public func process(captureFrame: Span<Int16>, playedFrame: Span<Int16>, rtpTimestamp: UInt32) -> PipelineStatus {
        clearEvents()
        guard let format, let echo, captureFrame.count == format.frameSamples,
              playedFrame.count == 0 || playedFrame.count == format.frameSamples else {
            rejectedFrameCount += 1
            return status(accepted: false, verdict: .silence, echoActive: false, energyDbfs: -100, correlation: -1, captureDbfs: -100, apmVoice: false)
        }
        advanceTime(rtpTimestamp)
        let n = format.frameSamples
        // Copied through spans (one uniqueness check per frame, not per sample); the energy
        // is summed in sample order, and not at all for a frame of zeros (its sum is +0).
        var any: Int16 = 0
        for i in 0..<n { any |= captureFrame[i] }
        // Zeros again (a line of digital silence): `capture` already holds them.
        if any != 0 || !captureIsZero {
            withMutableSpan(&capture) { out in
                for i in 0..<n { out[i] = captureFrame[i] }
            }
            captureIsZero = any == 0
        }
        var captureEnergy: Float = 0
        if any != 0 {
            for i in 0..<n {
                let v = Float(captureFrame[i])
                captureEnergy += v * v
            }
        }
        captureEnergy /= Float(n)
        let playedIsSilent = playedFrame.count == 0
        if !playedIsSilent {
            withMutableSpan(&played) { out in
                for i in 0..<n { out[i] = playedFrame[i] }
            }
        }

        let frameMs = format.ms(samples: sampleTime)
        let endMs = frameMs + AudioFormat.frameMs
        applyControlInputs(atMs: frameMs)

        echo.process(capture: capture, played: played, playedIsSilent: playedIsSilent, sampleTime: sampleTime,
                     nearEndActive: voiceActivity.state != .quiet, captureIsZero: captureIsZero)
        let echoExpected = echo.isActive
        let energyDbfs = echo.outputEnergyDbfs()
        let correlation = echoExpected ? echo.echoCorrelation(captureEnergy: captureEnergy) : nil
        let verdict = classifier.classify(
            captureEnergy: captureEnergy, cleanedDbfs: energyDbfs, apmVoice: echo.hasVoice,
            echoExpected: echoExpected, echoCorrelation: correlation,
            maxPlayedEnergy: echoExpected ? echo.maxPlayedEnergyInEchoWindow : 0,
            expectedEchoEnergy: echoExpected ? echo.expectedEchoEnergy() : 0,
            residualEnergy: echo.linearResidualEnergy,
            expectedResidualEcho: echoExpected ? echo.expectedResidualEchoEnergy() : 0,
            lowBandEnergy: echo.lowBandResidualEnergy,
            unknownDelayEchoRatio: echo.unknownDelayEchoRatio(assumed: classifier.configuration.unknownDelayEchoRatio,
                                                              captureEnergy: captureEnergy))
        if echoExpected && verdict != .voiced {
            echo.learnEcho(captureEnergy: captureEnergy, cleanedDbfs: energyDbfs, correlation: correlation)
            echo.learnCoupling(captureEnergy: captureEnergy)
        }

        // Once the prompt has stopped (barge-in, or its end), a frame the echo gate holds back
        // keeps speech going rather than ending it: it is the caller going on or the stopped
        // prompt's echo tail, which lasts no longer than the echo window. Otherwise a caller
        // quieter than the prompt was cut in two by the window ("yes" … "please").
        let continuesSpeech = verdict == .echo && !promptHoldsTheFloor && voiceActivity.isSpeaking
        let voiceActions = voiceActivity.handle(.frame(voiced: verdict == .voiced || continuesSpeech, atMs: frameMs,
                                                       durationMs: AudioFormat.frameMs))
        // By index: `for in` copies the whole inline list into its iterator, most frames for nothing.
        for index in 0..<voiceActions.count {
            let action = voiceActions[index]
            switch action {
            case let .speechStarted(onsetMs, confirmedAtMs):
                emit(.speechStarted(onsetMs: onsetMs, atMs: confirmedAtMs))
                if plan != nil {
                    apply(bargeIn.handle(.speechStarted(onsetMs: onsetMs, atMs: confirmedAtMs,
                                                        positionMs: promptPositionMs)), atMs: endMs)
                }
                if !promptHoldsTheFloor {
                    apply(endpointer.handle(.speechStarted(onsetMs: onsetMs, atMs: confirmedAtMs)))
                }
            case let .speechStopped(_, speechEndMs, decidedAtMs):
                emit(.speechStopped(endMs: speechEndMs, atMs: decidedAtMs))
                if plan != nil { apply(bargeIn.handle(.speechStopped(endMs: speechEndMs, atMs: decidedAtMs)), atMs: endMs) }
                if !promptHoldsTheFloor {
                    apply(endpointer.handle(.speechStopped(endMs: speechEndMs, atMs: decidedAtMs)))
                }
            }
        }
        if case .speaking = voiceActivity.state, !promptHoldsTheFloor { features?.add(echo.output) }
        if plan != nil {
            let speaking = if case .speaking = voiceActivity.state { true } else { false }
            apply(bargeIn.handle(.tick(atMs: endMs, positionMs: promptPositionMs, speaking: speaking)), atMs: endMs)
            if playing, let length = plan?.lengthMs, promptPositionMs + AudioFormat.frameMs >= length {
                if let next = nextPlan {
                    // The prompt's next file began inside this frame, at this plan's end.
                    nextPlan = nil
                    let end = playbackStartSampleTime + Int64(format.samples(ms: length - playbackOffsetMs))
                    load(next, startSampleTime: min(max(end, sampleTime), sampleTime + Int64(n)), atMs: endMs)
                } else {
                    promptRanOut(atMs: endMs)
                }
            }
        }
        apply(endpointer.handle(.tick(atMs: endMs)))

        if dtmf != nil {
            // A frame our own prompt's echo explains (correlation with what was played at the
            // known delay) carries no caller tones: the detector hears silence instead. Speech
            // echo set it off ("talk-off": digits 4, 1, 5 on a silent caller's line at 6 dB
            // ERL, which sent a coupon). A caller's tone over the echo pulls the correlation
            // well down, so it still gets through.
            let echoOnly = echoExpected && (correlation ?? 0) >= Self.dtmfEchoCorrelation
            // Mutated in place through the optional; the list is walked only when it holds a digit.
            let digits = dtmf?.process(echoOnly ? silentFrame : capture, atMs: frameMs) ?? FixedList()
            if !digits.isEmpty {
                for event in digits {
                    switch event {
                    case let .digitStarted(digit, atMs): emit(.dtmfStarted(digit, atMs: atMs))
                    case let .digitEnded(digit, startMs, endMs): emit(.dtmfEnded(digit, startMs: startMs, endMs: endMs))
                    }
                }
            }
        }
        var result = status(accepted: true, verdict: verdict, echoActive: echo.isActive, energyDbfs: energyDbfs,
                            correlation: correlation ?? -1,
                            captureDbfs: captureEnergy > 0 ? 10 * log10(captureEnergy / 1073741824) : -100,
                            apmVoice: echo.hasVoice)
        let residual = echo.linearResidualEnergy
        result.residualDbfs = residual > 0 ? 10 * log10(residual / 1073741824) : -100
        return result
    }

    /// Echo correlation from which a frame is the prompt's echo for the DTMF detector.
    static let dtmfEchoCorrelation: Float = 0.8

    /// Speech during a playing prompt belongs to barge-in, not to the caller's turn.
    private var promptHoldsTheFloor: Bool { plan != nil && playing }

    private func advanceTime(_ timestamp: UInt32) {
        if firstTimestamp == nil {
            firstTimestamp = timestamp
            sampleTime = 0
        } else {
            sampleTime += Int64(Int32(bitPattern: timestamp &- lastTimestamp))
        }
        lastTimestamp = timestamp
    }

    private func applyControlInputs(atMs: Int) {
        if let newPlan = pendingPlan {
            pendingPlan = nil
            load(newPlan, startSampleTime: sampleTime, atMs: atMs)
        }
        if pendingPromptFinished {
            pendingPromptFinished = false
            nextPlan = nil
            if plan != nil { promptRanOut(atMs: atMs) }
        }
        if plan == nil, let next = nextPlan {
            // The file before ended early (or nothing was playing): the next starts now.
            nextPlan = nil
            load(next, startSampleTime: sampleTime, atMs: atMs)
        }
        if let mode = pendingListenMode {
            pendingListenMode = nil
            apply(endpointer.handle(.listen(atMs: atMs, mode: mode)))
        }
        if let words = pendingWords {
            pendingWords = nil
            if plan != nil { apply(bargeIn.handle(.words(count: words, atMs: atMs)), atMs: atMs) }
        }
        if let hint = pendingHint {
            pendingHint = nil
            apply(endpointer.handle(.partial(hint, atMs: atMs)))
        }
        if pendingFinal {
            pendingFinal = false
            apply(endpointer.handle(.finalResult(atMs: atMs)))
        }
    }

    /// Loads `newPlan` as the playing prompt, position 0 at `startSampleTime`.
    private func load(_ newPlan: PromptPlan, startSampleTime: Int64, atMs: Int) {
        plan = newPlan
        playing = true
        playbackStartSampleTime = startSampleTime
        playbackOffsetMs = 0
        apply(bargeIn.handle(.promptStarted(newPlan, atMs: atMs)), atMs: atMs)
        apply(endpointer.handle(.cancel))
        features?.reset()
    }

    private func promptRanOut(atMs: Int) {
        frozenPositionMs = promptPositionMs
        playing = false
        plan = nil
        nextPlan = nil
        _ = bargeIn.handle(.promptFinished(atMs: atMs))
        emit(.promptFinished(atMs: atMs))
        apply(endpointer.handle(.listen(atMs: atMs, mode: endpointer.mode)))
    }

    private func apply(_ actions: FixedList<BargeInController.Action>, atMs: Int) {
        for index in 0..<actions.count {
            let action = actions[index]
            switch action {
            case let .stopPlayback(stopMs, positionMs):
                frozenPositionMs = positionMs
                playing = false
                emitFirst(.stopPlayback(atMs: stopMs, positionMs: positionMs))
                // The interrupting speech is the caller's turn.
                if case let .speaking(onsetMs) = voiceActivity.state {
                    apply(endpointer.handle(.speechStarted(onsetMs: onsetMs, atMs: stopMs)))
                } else if case let .stopping(onsetMs, _) = voiceActivity.state {
                    apply(endpointer.handle(.speechStarted(onsetMs: onsetMs, atMs: stopMs)))
                }
            case let .resumePlayback(resumeMs, fromMs):
                // The media engine resumes only the interrupted file (the rest was dropped).
                nextPlan = nil
                playing = true
                playbackOffsetMs = fromMs
                playbackStartSampleTime = sampleTime + Int64(format?.frameSamples ?? 0)
                emitFirst(.resumePlayback(atMs: resumeMs, fromPositionMs: fromMs))
                apply(endpointer.handle(.cancel))
            case let .report(report):
                emit(.bargeIn(report))
            }
        }
    }

    private func apply(_ actions: FixedList<Endpointer.Action>) {
        for index in 0..<actions.count {
            let action = actions[index]
            switch action {
            case let .endOfTurn(atMs, speechEndMs, reason):
                emit(.endOfTurn(atMs: atMs, speechEndMs: speechEndMs, reason: reason))
                if let collected = features?.features, collected.durationMs > 0 { emit(.utteranceFeatures(collected)) }
                features?.reset()
            case let .noInput(atMs):
                emit(.noInput(atMs: atMs))
            }
        }
    }

    private func status(accepted: Bool, verdict: SpeechFrameClassifier.Verdict, echoActive: Bool,
                        energyDbfs: Float, correlation: Float, captureDbfs: Float, apmVoice: Bool) -> PipelineStatus {
        let playback: PipelineStatus.Playback = plan == nil ? .none : (playing ? .playing : .stoppedByBargeIn)
        return PipelineStatus(eventCount: events.count, playback: playback, promptPositionMs: promptPositionMs,
                              isSpeaking: voiceActivity.isSpeaking, echoCancellerActive: echoActive,
                              verdict: verdict, energyDbfs: energyDbfs, echoCorrelation: correlation,
                              captureDbfs: captureDbfs, apmVoice: apmVoice,
                              accepted: accepted)
    }
}
