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
        guard var current = queue.current else { return }
        var offset = queue.offsetSamples
        if reason == .bargeIn, let previous = queue.previous, pipeline?.nextPromptQueued == true {
            // The pipeline was still on the file before (the packet prepared last carries the
            // end of that file and the start of this one): that file was interrupted.
            current = previous
            offset = prompts.entries[Int(previous.prompt)].samples.count
        }
        emit(.promptStopped(prompt: current.prompt, offsetSamples: Int32(clamping: offset),
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
        pipeline?.startPrompt(pipelinePlan(segment, fromSamples: fromSamples))
    }

    /// The barge-in plan of `segment` played from `fromSamples`.
    private func pipelinePlan(_ segment: PromptSegment, fromSamples: Int) -> PromptPlan {
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
        return plan
    }

    /// Nothing to send this tick and no prompt playing (send phase): a prompt asked for
    /// since the last tick goes out in this tick's packet, not the next one. The control
    /// plane's answer to the end of a caller's turn arrives a few ms after the tick that
    /// ended it; waiting for the next tick to prepare the packet added a packet time (20 ms)
    /// to every response. Costs one packet's encoding in this channel's send slot, once per
    /// prompt (a slot is already allowed one channel's work late).
    func startPromptAskedSinceLastTick() {
        guard mayStartPromptInSendPhase else { return }
        _ = commands.popAll { applyCommand($0) }
        guard queue.current == nil, queue.pendingCount > 0 else { return }
        preparePacket(forTick: tickCount)
    }

    /// Commands are waiting and nothing plays: `startPromptAskedSinceLastTick` may send.
    var mayStartPromptInSendPhase: Bool {
        queue.current == nil && !queue.finishOwed && !eventSender.isActive && !commands.isEmpty
    }

    /// Prepares the packet for `tick` (sent at its start): RFC 4733 event, prompt audio,
    /// silence, or nothing. A prompt's files play back to back: when one runs out, the next
    /// starts in the same packet, on the sample after it.
    func preparePacket(forTick tick: UInt64) {
        let timestamp = timestamp(ofTick: tick)
        if queue.finishOwed {
            // The packet with the prompt's last samples has been through the pipeline.
            queue.finishOwed = false
            if queue.current == nil { pipeline?.finishPrompt() }
        }
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
            let n = pipelineSamplesPerPacket
            let used = fillPlayed(current, at: 0, count: n)
            preparedHasAudio = true
            if !queue.started {
                queue.started = true
                queue.firstTimestamp = timestamp
                preparedStart = .promptStarted(prompt: current.prompt, rtpTimestamp: timestamp,
                                               atMs: Int64(tick) * Int64(tickMs))
            }
            queue.framesSent += 1
            queue.lastTimestamp = timestamp
            if queue.offsetSamples >= prompts.entries[Int(current.prompt)].samples.count {
                preparedFinish = .promptFinished(prompt: current.prompt, frames: queue.framesSent,
                                                 lastRTPTimestamp: timestamp, atMs: Int64(tick) * Int64(tickMs))
                queue.endCurrent()
                if queue.pendingCount == 0 {
                    queue.finishOwed = true
                } else {
                    startNextFile(after: current, packetSamplesUsed: used, tick: tick, timestamp: timestamp)
                }
            }
            withSpan(played) { encodeAndSend(pcm: $0.extracting(0..<n), timestamp: timestamp) }
            return
        }
        if configuration.sendSilenceWhenIdle {
            let n = pipelineSamplesPerPacket
            withSpan(silence) { encodeAndSend(pcm: $0.extracting(0..<n), timestamp: timestamp) }
        } else {
            talkspurt = false
        }
    }

    /// The prompt's next file follows `previous`, which ran out after `used` samples of the
    /// packet being prepared: the pipeline gets its plan now (it takes over where the last
    /// one ends), and its first samples fill the rest of the packet. A file that would also
    /// end inside this packet, or a packet that already started a file (one start and one
    /// finish report per packet), leaves the rest silent and the file starts with the next
    /// packet (files shorter than a packet only).
    private func startNextFile(after previous: PromptSegment, packetSamplesUsed used: Int, tick: UInt64,
                               timestamp: UInt32) {
        guard let next = queue.startNextIfIdle() else { return }
        queue.previous = previous
        pipeline?.continuePrompt(with: pipelinePlan(next, fromSamples: queue.offsetSamples))
        let n = pipelineSamplesPerPacket
        let remaining = prompts.entries[Int(next.prompt)].samples.count - queue.offsetSamples
        guard used < n, preparedStart == nil, remaining > n - used else { return }
        _ = fillPlayed(next, at: used, count: n - used)
        let rate = configuration.pipelineRateHz
        let startStamp = timestamp &+ UInt32(truncatingIfNeeded: used * configuration.codec.rtpClockRateHz / rate)
        queue.started = true
        queue.firstTimestamp = startStamp
        queue.framesSent = 1
        queue.lastTimestamp = timestamp
        preparedStartFollowsFinish = true
        preparedStart = .promptStarted(prompt: next.prompt, rtpTimestamp: startStamp,
                                       atMs: Int64(tick) * Int64(tickMs) + Int64(used * 1000 / rate))
    }

    /// Writes `count` samples of `segment` from the queue's offset into `played` at `at`
    /// (zeros past its end or while muted) and advances the offset; returns the samples of
    /// the file used.
    private func fillPlayed(_ segment: PromptSegment, at: Int, count: Int) -> Int {
        let samples = prompts.entries[Int(segment.prompt)].samples
        let offset = queue.offsetSamples
        let used = max(0, min(count, samples.count - offset))
        let silent = muted
        withMutableSpan(&played) { out in
            for i in 0..<count {
                let k = offset + i
                out[at + i] = silent || k >= samples.count ? 0 : samples[k]
            }
        }
        queue.offsetSamples = offset + used
        return used
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
