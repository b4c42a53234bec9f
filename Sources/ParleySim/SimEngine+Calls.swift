import ParleyCodecs
import ParleyRTP
import ParleyRealtime
import ParleySIP

/// Per call on the loop: the bot's RTP in (measures, recognizer, echo path), the runner's
/// events and actions, its timers, and the call's end.
extension SimEngine {
    // MARK: hearing the bot

    /// Takes what the receive thread read for `call`: measures, the recognizer.
    func drainReceived(_ call: SimCall) {
        let receiver = call.receiver
        while !call.finished, let p = receiver.packets.tryPop() {
            var count = 0
            while count < Int(p.sampleCount), count < pcm.count, let s = receiver.samples.tryPop() {
                pcm[count] = s
                count += 1
            }
            packet(call, p, sampleCount: count)
        }
        drainRecognizer(call)
    }

    func packet(_ call: SimCall, _ p: SimHeardPacket, sampleCount count: Int) {
        call.measures.packet(sequence: p.sequence, timestamp: p.timestamp, ssrc: p.ssrc, arrivalNs: p.wireNs,
                             payloadBytes: Int(p.payloadBytes), marker: p.marker)
        guard count > 0 else { return }
        let arrivalMs = call.ms(p.arrivalNs)
        call.lastArrivalMs = arrivalMs
        guard call.recognizer != nil else { return }
        if !call.recognizerStarted {
            call.recognizerStarted = true
            // The caller hears a packet's first sample when it arrives.
            call.recognizer?.originMs = arrivalMs
            call.firstAudioMs = arrivalMs
            call.expectedTimestamp = p.timestamp
        }
        let offset = Int(Int32(bitPattern: p.timestamp &- call.expectedTimestamp))
        if offset >= 0 && offset <= 8_000 {
            feedSilence(call, samples: offset)
        } else if offset < 0 && offset > -480 {
            return   // late or already covered by silence
        } else {
            // Timestamps jumped (a new stream, or a pause without timestamp advance): place by arrival.
            let gapMs = arrivalMs - (call.recognizer?.nowMs ?? 0)
            if gapMs > 0 { feedSilence(call, samples: gapMs * 8) }
        }
        let samples = pcm
        call.recognizer!.process(samples.span.extracting(0..<count))
        call.heardAudio?.append(contentsOf: samples[0..<count])
        call.expectedTimestamp = p.timestamp &+ UInt32(count)
    }

    func feedSilence(_ call: SimCall, samples: Int) {
        guard call.recognizer != nil else { return }
        var left = samples
        let zeros = self.zeros
        while left > 0 {
            let n = min(left, zeros.count)
            call.recognizer!.process(zeros.span.extracting(0..<n))
            call.heardAudio?.append(contentsOf: zeros[0..<n])
            left -= n
        }
        call.expectedTimestamp &+= UInt32(truncatingIfNeeded: samples)
    }

    /// Recognizer events become the runner's prompt events. An end is held back for
    /// `SimEngine.endHoldMs` of heard audio: when the same prompt is found again in that
    /// time mid-recording (the tracker lost it for a moment: a glitch in the bot's stream,
    /// a pause inside the prompt), the end and the new start are dropped and the prompt
    /// simply goes on.
    func drainRecognizer(_ call: SimCall) {
        while !call.finished, let event = call.recognizer?.nextEvent() {
            switch event {
            case .started(let s):
                if let held = call.heldEnd {
                    call.heldEnd = nil
                    if held.prompt == s.prompt && s.offsetMs >= Self.midPromptOffsetMs { continue }
                    deliver(.promptEnded(name: held.prompt, interrupted: held.interrupted, atMs: held.endMs), to: call)
                }
                // Back-dating is good to a few tens of ms: never before the first audio.
                deliver(.promptStarted(name: s.prompt, confidence: s.confidence, atMs: max(s.startMs, call.firstAudioMs)), to: call)
            case .ended(let e):
                if let held = call.heldEnd {
                    deliver(.promptEnded(name: held.prompt, interrupted: held.interrupted, atMs: held.endMs), to: call)
                }
                call.heldEnd = e
            }
        }
        if let held = call.heldEnd, let heard = call.recognizer?.nowMs, heard - held.detectedMs >= Self.endHoldMs {
            call.heldEnd = nil
            deliver(.promptEnded(name: held.prompt, interrupted: held.interrupted, atMs: held.endMs), to: call)
        }
    }

    /// How long a prompt's end waits for the prompt to be found again (ms of heard audio).
    static let endHoldMs = 700
    /// A match this far into a recording is the prompt going on, not starting over.
    static let midPromptOffsetMs = 600

    // MARK: every loop tick

    func service(_ call: SimCall, nowNs: UInt64) {
        // Without a recognizer the bot's packets only feed the measures, which take each
        // packet's own kernel receive time: they wait in the ring (10 s deep) for a few
        // ticks, and a call's ring is read once per 20 ms instead of every tick (counted
        // per call, so a loop that falls behind still reads every ring in turn).
        if call.recognizer != nil || tickCount &- call.drainedTick >= Self.measureOnlyDrainTicks {
            call.drainedTick = tickCount
            drainReceived(call)
        }
        let now = call.ms(nowNs)
        if let stream = call.stream {
            while !call.finished, let report = stream.reports.tryPop() {
                switch report {
                case .sent(let atNs): deliver(.callerAudioFinished(atMs: call.ms(atNs)), to: call)
                case .inputStarted(let atNs): deliver(.callerInputStarted(atMs: call.ms(atNs)), to: call)
                }
            }
        }
        // The bot went quiet (no packets): the recognizer hears silence up to 60 ms ago.
        if call.recognizerStarted, now - call.lastArrivalMs > 100, let heard = call.recognizer?.nowMs, now - 60 - heard >= 20 {
            feedSilence(call, samples: (now - 60 - heard) * 8)
            drainRecognizer(call)
        }
        while !call.finished, let i = call.timers.indices.min(by: { call.timers[$0].dueMs < call.timers[$1].dueMs }),
              call.timers[i].dueMs <= now {
            let t = call.timers.remove(at: i)
            deliver(.timerFired(t.timer, atMs: t.dueMs), to: call)
        }
    }

    /// Ticks between reads of a recognizer-less call's packets (4 × 5 ms: one packet).
    static let measureOnlyDrainTicks: UInt64 = 4

    // MARK: the runner

    func deliver(_ event: ScenarioRunner.Event, to call: SimCall) {
        guard !call.finished else { return }
        call.runner.clockMs = call.ms(Monotonic.nowNs())
        let actions = call.runner.handle(event)
        perform(actions, for: call)
        while !call.finished, !call.deferred.isEmpty {
            let next = call.deferred.removeFirst()
            perform(call.runner.handle(next), for: call)
        }
    }

    func perform(_ actions: [ScenarioRunner.Action], for call: SimCall) {
        let now = call.ms(Monotonic.nowNs())
        for action in actions {
            switch action {
            case .sendAudio(let file):
                if let stream = call.stream, let clip = clips.indexByPath[file] {
                    _ = stream.commands.tryPush(.play(clip: Int32(clip), notify: true))
                } else {
                    call.deferred.append(.callerAudioFinished(atMs: now))
                }
            case .sendDTMF(let digits, let method):
                sendDTMF(digits, method: method, call: call, nowMs: now)
            case .startTimer(let timer, let afterMs):
                call.timers.append((timer, now + afterMs))
            case .hangUp:
                if let handle = call.handle, !call.sipEnded { stack.hangup(handle) }
            case .record:
                break
            case .finish:
                complete(call)
            }
        }
    }

    /// RFC 4733 events on the call's stream (100 ms each, 100 ms apart) when negotiated,
    /// else one SIP INFO per digit.
    func sendDTMF(_ digits: String, method: CallerTurn.DTMFMethod, call: SimCall, nowMs: Int) {
        let codes = digits.compactMap { TelephoneEvent.code(for: $0) }
        if method == .rfc4733, let stream = call.stream, stream.telephoneEventPayloadType != nil, !codes.isEmpty {
            for (i, code) in codes.enumerated() {
                _ = stream.commands.tryPush(.dtmf(event: code, durationMs: 100, notify: false))
                _ = stream.commands.tryPush(.gap(ms: 100, notify: i == codes.count - 1))
            }
            return
        }
        if let handle = call.handle, !call.sipEnded {
            for digit in digits {
                let relay = DTMFRelay(signal: String(digit), durationMs: 160)
                stack.send(handle, method: .info, body: relay.body, contentType: DTMFRelay.contentType)
            }
        }
        call.deferred.append(.callerAudioFinished(atMs: nowMs))
    }

    /// The runner finished: stop the media, keep the result.
    func complete(_ call: SimCall) {
        guard !call.finished else { return }
        // A call without a recognizer reads its packets only every few ticks: what the bot's
        // stream delivered before the call ended still counts in its measures.
        if call.recognizer == nil { drainReceived(call) }
        call.finished = true
        activeHasFinished = true
        if call.registered {
            let rx = rxLoop, fd = call.socket.fileDescriptor
            rx.execute { rx.unregister(fd: fd) }
        }
        if let slot = call.slot, call.stream != nil {
            pacer.detach(slot)   // the slot frees and the socket closes when the pacer lets the stream go
        } else {
            if let slot = call.slot { pacer.release(slot) }   // reserved, never attached
            closeSocket(call.socket)
        }
        call.slot = nil
        call.stream = nil
        call.recognizer = nil
        if let audio = call.heardAudio, let folder = options.recordDirectory {
            try? AudioFileWriter.write(audio, channelCount: 1, sampleRateHz: 8_000, container: .wav,
                                       to: folder + "/call-\(call.index)-heard.wav")
        }
        record(call.record)
    }

    /// Closes a call's RTP socket on the receive thread, after its unregistration.
    func closeSocket(_ socket: UDPSocket) {
        rxLoop.execute { socket.close() }
    }

    func record(_ record: SimCallRecord) {
        if record.result.verdict == .passed { passed += 1 } else { failed += 1 }
        report.add(record.result)
        report.add(stream: record.stream)
        records.append(record)
    }
}
