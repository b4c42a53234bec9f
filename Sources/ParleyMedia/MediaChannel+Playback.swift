import ParleyAudio
import ParleyCodecs
import ParleyRTP
import ParleyRealtime

extension MediaChannel {
    func applyCommand(_ command: MediaCommand) {
        switch command {
        case let .play(prompt, bargeIn, startMs, replace):
            guard Int(prompt) < prompts.count else { return }
            if replace {
                queue.clearPending()
                stopPrompt(reason: .replaced, tellPipeline: true)
            }
            let start = Int32(clamping: Int(max(0, startMs)) * configuration.pipelineRateHz / 1000)
            _ = queue.enqueue(PromptSegment(prompt: prompt, startSamples: start, bargeIn: bargeIn))
        case .stop:
            queue.clearPending()
            stopPrompt(reason: .command, tellPipeline: true)
        case .pause:
            if let current = queue.current, !queue.paused {
                queue.paused = true
                pipeline?.finishPrompt()
                emit(.promptPaused(prompt: current.prompt, offsetSamples: Int32(clamping: queue.offsetSamples), atMs: nowMs))
            }
        case .resume:
            if let current = queue.current, queue.paused {
                queue.paused = false
                startPipelinePrompt(current, fromSamples: queue.offsetSamples)
                emit(.promptResumed(prompt: current.prompt, offsetSamples: Int32(clamping: queue.offsetSamples), atMs: nowMs))
            }
        case .mute(let on):
            muted = on
        case let .sendDTMF(event, durationMs):
            let samples = Int(max(40, durationMs)) * configuration.codec.rtpClockRateHz / 1000
            _ = eventSender.start(event: event, durationSamples: samples, timestamp: currentTimestamp)
        case .listen:
            pipeline?.listen()
        case let .recognizerPartial(words, hint):
            let h: PartialHint = switch hint {
            case .complete: .complete
            case .incomplete: .incomplete
            case .digits: .digits
            }
            pipeline?.recognizerPartial(words: Int(words), hint: h)
        case .recognizerFinal:
            pipeline?.recognizerFinal()
        case .requestStats:
            publishStats()
            emit(.statsReady)
        }
    }

    /// Stops the current prompt now (the next packet is silence or nothing).
    func stopPrompt(reason: PromptStopReason, tellPipeline: Bool) {
        guard let current = queue.current else { return }
        emit(.promptStopped(prompt: current.prompt, offsetSamples: Int32(clamping: queue.offsetSamples),
                            reason: reason, atMs: nowMs))
        if reason == .bargeIn {
            // Kept for a possible false barge-in: the pipeline may ask to resume it.
            stoppedByBargeIn = current
        } else {
            stoppedByBargeIn = nil
        }
        queue.endCurrent()
        if tellPipeline { pipeline?.finishPrompt() }
    }

    func resumeAfterFalseBargeIn(fromMs: Int) {
        guard let segment = stoppedByBargeIn, queue.current == nil else { return }
        stoppedByBargeIn = nil
        var resumed = segment
        resumed.startSamples = Int32(clamping: fromMs * configuration.pipelineRateHz / 1000)
        queue.resumeNow(resumed)
        emit(.promptResumed(prompt: resumed.prompt, offsetSamples: resumed.startSamples, atMs: nowMs))
    }

    func startPipelinePrompt(_ segment: PromptSegment, fromSamples: Int) {
        guard let pipeline else { return }
        var plan = prompts.entries[Int(segment.prompt)].plan
        switch segment.bargeIn {
        case .off: plan.policy = .off
        case .immediate: plan.policy = .immediate
        case let .confirmed(minSpeechMs, minWords):
            plan.policy = .confirmed(minSpeechMs: minSpeechMs >= 0 ? Int(minSpeechMs) : nil,
                                     minWords: minWords >= 0 ? Int(minWords) : nil)
        }
        // The pipeline counts the position from the start of what it is told; a prompt
        // resumed part-way is announced as the remainder.
        plan.lengthMs = max(0, plan.lengthMs - fromSamples * 1000 / configuration.pipelineRateHz)
        pipeline.startPrompt(plan)
    }

    /// Prepares the packet for `tick` (sent at its start): RFC 4733 event, prompt audio,
    /// silence, or nothing.
    func preparePacket(forTick tick: UInt64) {
        let timestamp = timestamp(ofTick: tick)
        if eventSender.isActive, let te = configuration.telephoneEventPayloadType, let packet = eventSender.nextPacket() {
            var payload = InlineArray<4, UInt8>(repeating: 0)
            var span = payload.mutableSpan
            let n = packet.payload.write(into: &span, at: 0)
            transmit(payloadType: te, marker: packet.marker, timestamp: packet.timestamp,
                     payload: span.span.extracting(0..<n))
            return
        }
        if queue.current == nil, let next = queue.startNextIfIdle() {
            startPipelinePrompt(next, fromSamples: queue.offsetSamples)
        }
        if let current = queue.current, !queue.paused {
            let samples = prompts.entries[Int(current.prompt)].samples
            let n = pipelineSamplesPerPacket
            let offset = queue.offsetSamples
            let silent = muted
            withMutableSpan(&played) { out in
                for i in 0..<n {
                    let k = offset + i
                    out[i] = silent || k >= samples.count ? 0 : samples[k]
                }
            }
            preparedHasAudio = true
            if !queue.started {
                queue.started = true
                queue.firstTimestamp = timestamp
                preparedStart = .promptStarted(prompt: current.prompt, rtpTimestamp: timestamp,
                                               atMs: Int64(tick) * Int64(tickMs))
            }
            withSpan(played) { encodeAndSend(pcm: $0.extracting(0..<n), timestamp: timestamp) }
            queue.framesSent += 1
            queue.lastTimestamp = timestamp
            queue.offsetSamples = offset + n
            if queue.offsetSamples >= samples.count {
                preparedFinish = .promptFinished(prompt: current.prompt, frames: queue.framesSent,
                                                 lastRTPTimestamp: timestamp, atMs: Int64(tick) * Int64(tickMs))
                queue.endCurrent()
                if queue.pendingCount == 0 { pipeline?.finishPrompt() }
            }
            return
        }
        if configuration.sendSilenceWhenIdle {
            let n = pipelineSamplesPerPacket
            withSpan(silence) { encodeAndSend(pcm: $0.extracting(0..<n), timestamp: timestamp) }
        } else {
            talkspurt = false
        }
    }

    private func encodeAndSend(pcm: Span<Int16>, timestamp: UInt32) {
        // The payload is encoded in place after the RTP header in `prepared`.
        let headerSize = RTPHeader.fixedSize
        var encoded = 0
        withMutableSpan(&prepared) { packet in
            if let downsampler {
                let need = encoder.samplesPerFrame
                withMutableSpan(&encodeInput) { input in
                    let written = (try? downsampler.process(pcm, into: &input)) ?? 0
                    if written < need { for i in written..<need { input[i] = 0 } }
                    encoded = (try? encoder.encode(input.span.extracting(0..<need), into: &packet, at: headerSize)) ?? 0
                }
            } else {
                encoded = (try? encoder.encode(pcm, into: &packet, at: headerSize)) ?? 0
            }
            guard encoded > 0 else { return }
            let header = RTPHeader(marker: !talkspurt, payloadType: configuration.payloadType,
                                   sequenceNumber: sequenceNumber, timestamp: timestamp, ssrc: ssrc)
            _ = header.write(into: &packet)
        }
        guard encoded > 0 else { return }
        sequenceNumber &+= 1
        preparedLength = headerSize + encoded
        preparedPayloadBytes = encoded
        preparedIsEvent = false
        talkspurt = true
    }

    /// Prepares a packet from a separate payload (RFC 4733 events).
    private func transmit(payloadType: UInt8, marker: Bool, timestamp: UInt32, payload: Span<UInt8>) {
        let header = RTPHeader(marker: marker, payloadType: payloadType, sequenceNumber: sequenceNumber,
                               timestamp: timestamp, ssrc: ssrc)
        let size = withMutableSpan(&prepared) { header.writePacket(into: &$0, payload: payload) }
        guard size > 0 else { return }
        sequenceNumber &+= 1
        preparedLength = size
        preparedPayloadBytes = payload.count
        preparedIsEvent = true
    }
}
