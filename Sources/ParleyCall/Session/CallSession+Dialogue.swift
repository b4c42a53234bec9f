import Foundation
import ParleyDialogue
import ParleyMedia
import ParleySIP
import ParleyStore

extension CallSession {
    /// Carries out the engine's actions in order.
    func apply(_ actions: [DialogueAction]) async {
        for action in actions {
            guard !finished else { return }
            switch action {
            case .play(let p):
                startPlayback(p)
            case .stopPlayback:
                media.send(.stop)
                playback = nil
            case .listen(let spec):
                listening = spec
                slotDigits = ""
                media.send(.listen)
                tap.arm()
            case .stopListening:
                listening = nil
                waitingForDecoder = nil
                if utterance != nil { endUtterance(cancel: true) }
                tap.disarm()
            case .setVariable:
                break
            case .addTag(let tag):
                recordEvent("tag", ["tag": tag])
            case let .webhook(name, url, _, payload):
                triggerWebhook(name: name, scriptURL: url, payload: payload)
            case let .transfer(uri, disposition):
                transfer(to: uri, disposition: disposition)
            case .hangUp(let disposition):
                await finish(disposition: disposition, sendBye: true)
            case .callEnded(let disposition):
                await finish(disposition: disposition, sendBye: false)
            case let .startTimer(timer, delayMs):
                timers[timer]?.cancel()
                timers[timer] = Task { [weak self] in
                    try? await Task.sleep(for: .milliseconds(delayMs))
                    guard !Task.isCancelled else { return }
                    self?.post(.timerFired(timer))
                }
            case .cancelTimer(let timer):
                timers.removeValue(forKey: timer)?.cancel()
            case .enteredState(let name):
                stateName = name
                summaryCell.withLock { $0.state = name }
                recordEvent("state", ["state": name])
            case .followed:
                break
            }
        }
    }

    // MARK: Playback

    func startPlayback(_ p: DialoguePlayback) {
        rollTurn(prompt: p.prompts.map(\.name).joined(separator: "+"))
        var indices: [(UInt16, BargeInMode)] = []
        for prompt in p.prompts {
            let mode = Self.bargeInMode(prompt.bargeIn)
            var offsetMs = 0
            for file in prompt.files {
                guard let index = entry.promptIndex(of: file) else {
                    services.log.warning("recording not loaded", logFields.merging(["prompt": prompt.name]) { a, _ in a })
                    continue
                }
                let lengthMs = entry.prompts.entries[Int(index)].samples.count * 1000 / max(1, entry.prompts.sampleRateHz)
                // A file inside a locked stretch of its prompt cannot be interrupted.
                let locked = prompt.locked.contains { $0.fromMs <= offsetMs && $0.toMs >= offsetMs + lengthMs }
                indices.append((index, locked ? .off : mode))
                offsetMs += lengthMs
            }
        }
        guard !indices.isEmpty else {
            // Nothing to play (no recording found): the playback is over at once.
            playback = PlaybackProgress(id: p.id, remaining: 0, started: true)
            post(.playbackEnded(playbackID: p.id))
            return
        }
        // A prompt that may not be interrupted (barge_in: off) is not cut by the next one
        // either: the new playback queues behind it (e.g. "one moment" before the answer
        // of a webhook that came back at once).
        if let current = playback, current.uninterruptible, current.remaining > 0 {
            for (index, mode) in indices { media.play(index, bargeIn: mode, replace: false) }
            playback = PlaybackProgress(id: p.id, remaining: current.remaining + indices.count, started: current.started,
                                        uninterruptible: indices.allSatisfy { $0.1 == .off })
            return
        }
        for (i, (index, mode)) in indices.enumerated() {
            media.play(index, bargeIn: mode, replace: i == 0)
        }
        playback = PlaybackProgress(id: p.id, remaining: indices.count,
                                    uninterruptible: indices.allSatisfy { $0.1 == .off })
    }

    static func bargeInMode(_ policy: DialogueBargeInPolicy) -> BargeInMode {
        switch policy {
        case .off: .off
        case .immediate: .immediate
        case let .confirmed(minSpeechMs, minWords):
            .confirmed(minSpeechMs: Int32(clamping: minSpeechMs), minWords: Int32(clamping: minWords))
        }
    }

    // MARK: Turns

    /// A new prompt begins a new turn: the previous one is written now, or once its
    /// response time is known.
    func rollTurn(prompt: String) {
        if let turn = currentTurn {
            if answeredSpeechEndMs != nil, answeredTurn == nil {
                answeredTurn = turn
            } else {
                services.store.turnRecorded(callId: callId, turn: turn)
            }
        }
        turnSeq += 1
        currentTurn = TurnRecord(seq: turnSeq, state: stateName, prompt: prompt)
    }

    /// The first packet of a new playback went out: the answered turn's response time.
    func firstAudio(atMs: Int64) {
        guard var turn = answeredTurn else { return }
        if let end = answeredSpeechEndMs, atMs >= end {
            turn.responseMs = Int(atMs - end)
            services.metrics.responseLatency(ms: Int(atMs - end))
        }
        services.store.turnRecorded(callId: callId, turn: turn)
        answeredTurn = nil
        answeredSpeechEndMs = nil
    }

    // MARK: Webhooks and transfer

    func triggerWebhook(name: String, scriptURL: String, payload: [String: String]) {
        webhookCount += 1
        let endpoint = services.configuration.webhook(named: name)
        let url = endpoint?.url ?? scriptURL
        var body = payload
        body["call_id"] = callId
        body["webhook"] = name
        body["script"] = entry.script.name
        let json = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]))
            .flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
        let request = WebhookRequest(endpoint: name, url: url, idempotencyKey: "\(callId):\(name):\(webhookCount)",
                                     payloadJSON: json)
        recordEvent("webhook", ["webhook": name, "key": request.idempotencyKey])
        let hub = services.webhooks
        let timeoutMs = endpoint?.timeoutMs ?? 5000
        Task { [weak self] in
            let ok = await hub.deliverAndWait(request, timeoutMs: timeoutMs + 500)
            self?.post(.webhookAnswered(name: name, ok: ok))
        }
    }

    func transfer(to uri: String, disposition: String) {
        recordEvent("transfer", ["disposition": disposition])
        pendingTransfer = disposition
        link.send(.refer, extraHeaders: [SIPMessage.Header(.init("Refer-To"), "<\(uri)>"),
                                         SIPMessage.Header(.init("Referred-By"), "<sip:parley@\(services.configuration.nodeID)>")])
    }
}
