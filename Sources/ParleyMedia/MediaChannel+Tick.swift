import ParleyAudio
import ParleyCodecs
import ParleyRTP
import ParleyRealtime

extension MediaChannel {
    /// Start of a tick, for every channel of the thread before any other work: sends the
    /// packet prepared for this tick, so send times depend on the clock, not on how long
    /// other calls' receive and decode took. First the send timeline catches up with the
    /// media clock over ticks the thread missed (`followClock`).
    func sendPhase(_ scratch: MediaThreadScratch) {
        followClock(tickIndex: scratch.tickIndex)
        guard tickCount % UInt64(ticksPerPacket) == 0 else { return }
        if preparedLength == 0 { startPromptAskedSinceLastTick() }
        if preparedLength > 0, let destination {
            let result = withSpan(prepared) { rtpSocket.send($0.extracting(0..<preparedLength), to: destination) }
            switch result {
            case .sent:
                counters.packetsSent &+= 1
                counters.octetsSent &+= UInt64(preparedPayloadBytes)
            case .wouldBlock, .failed:
                counters.sendErrors &+= 1
            }
        }
        // In the order they happened: a file that ran out before the next one began in the
        // same packet finishes first. (The control plane counts a playback's finishes from
        // its first start: a stopped prompt's next file reported first made the finish of the
        // file before count for the playback that followed, which then ended at once.)
        if preparedStartFollowsFinish, let event = preparedFinish { emit(event) }
        if let event = preparedStart { emit(event) }
        if !preparedStartFollowsFinish, let event = preparedFinish { emit(event) }
        preparedStart = nil
        preparedFinish = nil
        preparedStartFollowsFinish = false
        swap(&played, &sentAudio)
        sentAudioValid = preparedHasAudio
        preparedLength = 0
        preparedHasAudio = false
        preparedIsEvent = false
    }

    /// One media tick for this call (after `sendPhase`): commands, receive, playout →
    /// pipeline (barge-in acted on at once) → recognizer ring, then the next packet is
    /// encoded, and RTCP. No allocation, lock, log or await.
    func tick(_ scratch: MediaThreadScratch) {
        let slot = Int(tickCount % UInt64(ticksPerPacket))
        _ = commands.popAll { applyCommand($0) }
        receiveRTP(scratch)
        if slot == 0 { playout(scratch) }
        listen(slot: slot)
        if (tickCount + 1) % UInt64(ticksPerPacket) == 0 { preparePacket(forTick: tickCount + 1) }
        checkTimers(nowNs: scratch.nowNs)
        if tickCount >= nextRTCPTick {
            nextRTCPTick = tickCount + UInt64(max(1, configuration.rtcpIntervalMs / tickMs))
            sendRTCP(scratch)
            drainRTCP(scratch)
        }
        tickCount &+= 1
    }

    /// One packet's worth of caller audio at the pipeline rate into `caller`.
    private func playout(_ scratch: MediaThreadScratch) {
        let count = decoder.samplesPerFrame
        withMutableSpan(&scratch.payload) { payloadSpan in
            // A level above target is brought down in the caller's pauses, never mid-word: a
            // dropped frame of speech (after a stalled sender's burst) cost whole words.
            let output = jitter.get(into: &payloadSpan, mayShrink: pipeline?.callerIsQuiet ?? true)
            withMutableSpan(&decoded) { pcm in
                switch output {
                case .frame(let frame):
                    let written = (try? decoder.decode(payloadSpan.span.extracting(0..<frame.payloadBytes), into: &pcm)) ?? 0
                    if written < count { for i in written..<count { pcm[i] = 0 } }
                    concealer?.good(&pcm)
                case .conceal:
                    if concealer != nil {
                        let written = concealer!.conceal(into: &pcm)
                        if written < count { for i in written..<count { pcm[i] = 0 } }
                    } else if !concealFromFEC(payload: &payloadSpan, into: &pcm),
                              (try? decoder.decodeLoss(into: &pcm)) == nil {
                        for i in 0..<count { pcm[i] = 0 }
                    }
                case .buffering:
                    for i in 0..<count { pcm[i] = 0 }
                }
            }
        }
        let n = pipelineSamplesPerPacket
        withSpan(decoded) { pcm in
            withMutableSpan(&caller) { out in
                if let upsampler {
                    let written = (try? upsampler.process(pcm, into: &out)) ?? 0
                    if written < n { for i in written..<n { out[i] = 0 } }
                } else {
                    for i in 0..<n { out[i] = pcm[i] }
                }
            }
        }
    }

    /// Opus: a frame was lost and the one after it has arrived: decodes the lost frame
    /// from that packet's in-band FEC (LBRR). false when FEC is off, the loss was a
    /// stretch, the next packet is not there yet, or decoding failed.
    private func concealFromFEC(payload: inout MutableSpan<UInt8>, into pcm: inout MutableSpan<Int16>) -> Bool {
        guard configuration.opusFECOnLoss, jitter.lastGetWasLoss, let n = jitter.peekNext(into: &payload) else {
            return false
        }
        let count = decoder.samplesPerFrame
        guard let written = try? decoder.decodeFEC(from: payload.span.extracting(0..<n), into: &pcm), written > 0 else {
            return false
        }
        if written < count { for i in written..<count { pcm[i] = 0 } }
        counters.fecRecovered &+= 1
        return true
    }

    /// Runs this tick's slice of caller audio through the pipeline in 10 ms frames and
    /// forwards the cleaned audio to the recognizer ring.
    private func listen(slot: Int) {
        let base = slot * pipelineSamplesPerTick
        let streaming = latch.latchedSource != nil
        let frames = pipelineSamplesPerTick / frame10Samples
        let referenceBase = base
        for f in 0..<frames {
            let start = base + f * frame10Samples
            let sampleTime = Int64(tickCount) * Int64(pipelineSamplesPerTick) + Int64(f * frame10Samples)
            if let pipeline {
                let refStart = referenceBase + f * frame10Samples
                let hasReference = sentAudioValid
                let status = withSpan(caller) { callerSpan in
                    withSpan(sentAudio) { playedSpan in
                        let capture = callerSpan.extracting(start..<(start + frame10Samples))
                        let reference = hasReference
                            ? playedSpan.extracting(refStart..<(refStart + frame10Samples))
                            : playedSpan.extracting(0..<0)
                        return pipeline.process(captureFrame: capture, playedFrame: reference,
                                                rtpTimestamp: UInt32(truncatingIfNeeded: sampleTime))
                    }
                }
                // Most frames have no event: the list (a copy of inline storage) is not read.
                if status.eventCount > 0 { handlePipelineEvents(pipeline) }
                if streaming {
                    if pipeline.cleanedFrameIsZero {
                        pushRecognizerZeros(count: frame10Samples, sampleTime: sampleTime)
                    } else {
                        pipeline.withCleanedFrame { pushRecognizer($0, sampleTime: sampleTime) }
                    }
                }
            } else if streaming {
                withSpan(caller) { pushRecognizer($0.extracting(start..<(start + frame10Samples)), sampleTime: sampleTime) }
            }
        }
    }

    private func pushRecognizer(_ samples: Span<Int16>, sampleTime: Int64) {
        if !recognizerAudio.tryPush(samples, sampleTime: sampleTime) { counters.recognizerFramesDropped &+= 1 }
    }

    /// `pushRecognizer` of `count` zeros (a silent line's cleaned frame): no samples written.
    private func pushRecognizerZeros(count: Int, sampleTime: Int64) {
        if !recognizerAudio.tryPushSilence(count: count, sampleTime: sampleTime) { counters.recognizerFramesDropped &+= 1 }
    }

    /// Playback actions first (the pipeline orders them so), then the reports.
    private func handlePipelineEvents(_ pipeline: ListeningPipeline) {
        for event in pipeline.events {
            switch event {
            case .stopPlayback:
                // The whole playback stops in this tick, not just the file playing: the
                // files queued after it would otherwise start before the control plane
                // can say stop (a false barge-in resumes only the interrupted file).
                queue.clearPending()
                stopPrompt(reason: .bargeIn, tellPipeline: false)
            case .resumePlayback(_, let fromPositionMs):
                resumeAfterFalseBargeIn(fromMs: fromPositionMs)
            case .bargeIn(let report):
                switch report {
                case let .bargeIn(atMs, onsetMs, positionMs, _):
                    emit(.bargeIn(onsetMs: Int32(clamping: onsetMs), atMs: Int32(clamping: atMs),
                                  positionMs: Int32(clamping: positionMs)))
                case let .falseBargeIn(atMs, resumeFromMs):
                    emit(.falseBargeIn(atMs: Int32(clamping: atMs), fromPositionMs: Int32(clamping: resumeFromMs)))
                case .ignored:
                    break
                }
            case let .speechStarted(onsetMs, atMs):
                emit(.speechStarted(onsetMs: Int32(clamping: onsetMs), atMs: Int32(clamping: atMs)))
            case let .speechStopped(endMs, atMs):
                emit(.speechStopped(endMs: Int32(clamping: endMs), atMs: Int32(clamping: atMs)))
            case let .endOfTurn(atMs, speechEndMs, _):
                emit(.endOfTurn(atMs: Int32(clamping: atMs), speechEndMs: Int32(clamping: speechEndMs)))
            case let .noInput(atMs):
                emit(.noInput(atMs: Int32(clamping: atMs)))
            case let .dtmfStarted(symbol, _):
                if let code = TelephoneEvent.code(for: symbol) { emit(.dtmf(event: code, source: .inBand, atMs: nowMs)) }
            case .promptFinished, .utteranceFeatures, .dtmfEnded:
                break
            }
        }
    }
}
