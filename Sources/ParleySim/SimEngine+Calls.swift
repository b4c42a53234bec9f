import ParleyCodecs
import ParleyRTP
import ParleyRealtime
import ParleySIP

/// Per call on the loop: the bot's RTP in (measures, recognizer, echo path), the runner's
/// events and actions, its timers, and the call's end.
extension SimEngine {
    // MARK: receiving the bot

    /// Reads every datagram waiting on the call's RTP socket (level-triggered handler).
    func receive(_ call: SimCall) {
        guard !call.finished else { return }
        while true {
            switch call.socket.receive(into: &datagram) {
            case .datagram(let count, _, let truncated):
                if !truncated { packet(call, byteCount: count, arrivalNs: Monotonic.nowNs()) }
            case .wouldBlock, .failed:
                drainRecognizer(call)
                return
            }
        }
    }

    func packet(_ call: SimCall, byteCount: Int, arrivalNs: UInt64) {
        guard let header = try? RTPHeader(parsing: datagram.span.extracting(0..<byteCount)) else { return }
        let pt = header.payloadType
        call.measures.packet(sequence: header.sequenceNumber, timestamp: header.timestamp, ssrc: header.ssrc,
                             arrivalNs: arrivalNs, payloadBytes: header.payloadLength)
        let isAudio = pt == call.audioPayloadType || (call.audioPayloadType == nil && (pt == 0 || pt == 8))
        guard isAudio, header.payloadLength > 0 else { return }
        let law: G711.Law = pt == 8 ? .aLaw : (pt == 0 ? .muLaw : call.receivedLaw)
        let count = min(header.payloadLength, pcm.count)
        var out = pcm.mutableSpan
        _ = try? G711.decode(law, datagram.span.extracting(header.payloadOffset..<(header.payloadOffset + count)), into: &out)
        if let stream = call.stream {
            for i in 0..<count { _ = stream.botAudio.tryPush(pcm[i]) }
        }
        let arrivalMs = call.ms(arrivalNs)
        call.lastArrivalMs = arrivalMs
        guard call.recognizer != nil else { return }
        if !call.recognizerStarted {
            call.recognizerStarted = true
            call.recognizer?.originMs = arrivalMs - count / 8
            call.expectedTimestamp = header.timestamp
        }
        let offset = Int(Int32(bitPattern: header.timestamp &- call.expectedTimestamp))
        if offset >= 0 && offset <= 8_000 {
            feedSilence(call, samples: offset)
        } else if offset < 0 && offset > -480 {
            return   // late or already covered by silence
        } else {
            // Timestamps jumped (a new stream, or a pause without timestamp advance): place by arrival.
            let gapMs = arrivalMs - count / 8 - (call.recognizer?.nowMs ?? 0)
            if gapMs > 0 { feedSilence(call, samples: gapMs * 8) }
        }
        let samples = pcm
        call.recognizer!.process(samples.span.extracting(0..<count))
        call.expectedTimestamp = header.timestamp &+ UInt32(count)
    }

    func feedSilence(_ call: SimCall, samples: Int) {
        guard call.recognizer != nil else { return }
        var left = samples
        let zeros = self.zeros
        while left > 0 {
            let n = min(left, zeros.count)
            call.recognizer!.process(zeros.span.extracting(0..<n))
            left -= n
        }
        call.expectedTimestamp &+= UInt32(truncatingIfNeeded: samples)
    }

    /// Recognizer events become the runner's prompt events.
    func drainRecognizer(_ call: SimCall) {
        while !call.finished, let event = call.recognizer?.nextEvent() {
            switch event {
            case .started(let s):
                deliver(.promptStarted(name: s.prompt, confidence: s.confidence, atMs: s.startMs), to: call)
            case .ended(let e):
                deliver(.promptEnded(name: e.prompt, interrupted: e.interrupted, atMs: e.endMs), to: call)
            }
        }
    }

    // MARK: every loop tick

    func service(_ call: SimCall, nowNs: UInt64) {
        let now = call.ms(nowNs)
        if let stream = call.stream {
            while !call.finished, let report = stream.reports.tryPop() {
                switch report {
                case .sent(let atNs): deliver(.callerAudioFinished(atMs: call.ms(atNs)), to: call)
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

    // MARK: the runner

    func deliver(_ event: ScenarioRunner.Event, to call: SimCall) {
        guard !call.finished else { return }
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
        call.finished = true
        if call.registered { loop.unregister(fd: call.socket.fileDescriptor) }
        if let slot = call.slot {
            pacer.detach(slot)   // the socket closes when the pacer lets the stream go
        } else {
            call.socket.close()
        }
        call.stream = nil
        call.recognizer = nil
        record(call.record)
    }

    func record(_ record: SimCallRecord) {
        if record.result.verdict == .passed { passed += 1 } else { failed += 1 }
        report.add(record.result)
        report.add(stream: record.stream)
        records.append(record)
    }
}
