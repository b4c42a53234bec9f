import Foundation
import ParleyDialogue
import ParleyMedia
import ParleySDP
import ParleySIP
import ParleyStore

extension CallSession {
    // MARK: SIP events

    func sipEvent(_ event: SIPCallEvent) async {
        switch event {
        case .requestReceived(let request):
            await inDialogRequest(request)
        case .responseReceived(let response):
            guard response.cseq?.method == .refer, let disposition = pendingTransfer else { return }
            pendingTransfer = nil
            let code = response.statusCode ?? 500
            recordEvent("transfer_answer", ["status": String(code)])
            await finish(disposition: (200..<300).contains(code) ? disposition : "transfer_failed", sendBye: true)
        case .ended(let reason):
            callerHungUp = true
            if reason == .sessionExpired {
                // The stack sent the BYE (RFC 4028 §10): no refresh came in time.
                await finish(disposition: "session_expired", sendBye: false)
                return
            }
            if established {
                await apply(engine.handle(.callerHungUp))
                if !finished { await finish(disposition: engine.disposition ?? "hung_up", sendBye: false) }
            } else {
                let disposition = switch reason {
                case .cancelled: "cancelled"
                case .ackTimeout: "ack_timeout"
                default: "failed"
                }
                await finish(disposition: disposition, sendBye: false)
            }
        case .established, .provisional, .challenged:
            break
        }
    }

    func inDialogRequest(_ request: SIPMessage) async {
        switch request.method {
        case .info:
            if let relay = DTMFRelay(body: request.body) {
                link.respond(to: request, statusCode: 200)
                await dtmf(relay.signal, source: "sip_info")
            } else {
                link.respond(to: request, statusCode: 415)
            }
        case .invite, .update:
            // A session refresh or a new offer: answer with our current description.
            guard !request.body.isEmpty, case .success(let offer) = OfferParsing.parse(request.body) else {
                if request.method == .invite, let last = offerAnswer.lastSent {
                    link.respond(to: request, statusCode: 200, body: last.bytes, contentType: "application/sdp")
                } else {
                    link.respond(to: request, statusCode: 200)
                }
                return
            }
            var answerBody: [UInt8]?
            var rejectStatus = 488
            for action in offerAnswer.handle(.remoteOffer(offer)) {
                switch action {
                case .sendAnswer(let answer): answerBody = answer.bytes
                case .reject(let error): rejectStatus = error.sipStatus
                case .negotiated, .sendOffer: break
                }
            }
            if let answerBody {
                link.respond(to: request, statusCode: 200, body: answerBody, contentType: "application/sdp")
            } else {
                link.respond(to: request, statusCode: rejectStatus)
            }
        case .notify, .message:
            link.respond(to: request, statusCode: 200)
        default:
            link.respond(to: request, statusCode: 603)
        }
    }

    // MARK: The end of the call

    /// Ends the call once: stops media and recognition, writes the call's end (with its
    /// result webhooks, in one transaction) and only then sends our BYE or the 200 to the
    /// caller's, so an ended call is on disk before its BYE transaction completes.
    func finish(disposition: String, sendBye: Bool) async {
        guard !finished else { return }
        finished = true
        for timer in timers.values { timer.cancel() }
        timers.removeAll()
        if utterance != nil { endUtterance(cancel: true) }
        tap.disarm()
        media.send(.stop)
        services.pump.remove(media)
        media.close()
        await recordMediaStats()
        let dropped = Int(media.recognizerFramesDropped)
        if dropped > 0 { services.metrics.ringDrops(ring: "recognizer", count: dropped) }
        if let recorder = tap.recorder {
            let config = services.configuration
            do {
                let path = try recorder.write(directory: config.recordingsDirectory, name: callId,
                                              format: config.recordings.format)
                recordEvent("recording", ["path": path])
            } catch {
                services.log.error("recording not written", logFields.merging(["error": "\(error)"]) { a, _ in a })
            }
        }
        if let turn = answeredTurn { services.store.turnRecorded(callId: callId, turn: turn) }
        if let turn = currentTurn { services.store.turnRecorded(callId: callId, turn: turn) }
        answeredTurn = nil
        currentTurn = nil

        let endedAt = services.store.clock.nowMs()
        let tagList = engine.tags
        let completed = engine.isFinished && engine.disposition == disposition && !callerHungUp
        let summary = summaryCell.withLock { s -> Summary in
            s.endedAtMs = endedAt
            s.disposition = disposition
            s.tags = tagList
            s.completed = completed || s.voicemailLeft
            s.state = "ended"
            return s
        }
        var tags: [String: String] = [:]
        for tag in engine.tags { tags[tag] = "true" }
        for (name, value) in engine.variables where name.hasPrefix("variant_") { tags[name] = value }
        do {
            try await services.store.callEnded(callId: callId, atMs: endedAt, disposition: disposition, tags: tags,
                                               variant: variantSummary, webhooks: resultWebhooks(summary: summary, tags: engine.tags))
        } catch {
            services.log.error("call record not written", logFields.merging(["error": "\(error)"]) { a, _ in a })
        }
        services.webhooks.wakeDeliverer()
        // The caller's BYE (if that is how the call ended) is answered only now.
        link.completeBye()
        if sendBye {
            let quoted = disposition.replacingOccurrences(of: "\"", with: "")
            link.hangup(extraHeaders: [SIPMessage.Header(.init("X-Parley-Disposition"), quoted),
                                       SIPMessage.Header(.init("Reason"), "SIP;cause=200;text=\"\(quoted)\"")])
        }
        services.metrics.callEnded(disposition: disposition, durationMs: endedAt - summary.startedAtMs)
        services.log.info("call ended", logFields.merging(["disposition": disposition]) { a, _ in a })
        continuation.finish()
        onEnded(self)
    }

    /// The A/B arms this call heard (`variant_<prompt>` values, by prompt name, comma-joined);
    /// an outbound call's campaign variant when no prompt had one.
    var variantSummary: String? {
        let variants = engine.variables.filter { $0.key.hasPrefix("variant_") }.sorted { $0.key < $1.key }.map(\.value)
        return variants.isEmpty ? variables["variant"] : variants.joined(separator: ",")
    }

    /// The channel's last counters, published by its media thread as it takes the channel
    /// off (within a tick of `close`; waited for at most 200 ms), feed the RTP metrics and
    /// the `media` event: the caller's stream as the bot heard it (loss, jitter, late,
    /// concealed and dropped frames, in `X-RTP-Stat` form). Before the call's end is written,
    /// so the event is committed with it.
    func recordMediaStats() async {
        var stats = media.latestStats()
        var waitedMs = 0
        while stats?.isFinal != true, waitedMs < 200 {
            try? await Task.sleep(for: .milliseconds(5))
            waitedMs += 5
            stats = media.latestStats()
        }
        guard let stats else { return }
        let jitterMs = Double(stats.reception.jitter) * 1000 / Double(max(1, media.configuration.codec.rtpClockRateHz))
        services.metrics.rtpReception(packetsLost: Int(max(0, stats.reception.cumulativeLost)), jitterMs: jitterMs)
        if let summary = media.statSummary() { recordEvent("media", ["rtp_stat": summary.value]) }
    }

    /// The per-call result for every configured endpoint that is not a script webhook's.
    func resultWebhooks(summary: Summary, tags: [String]) -> [WebhookRequest] {
        let scriptHooks = Set(entry.script.webhooks.map(\.name))
        let endpoints = services.configuration.webhooks.filter { !scriptHooks.contains($0.name) }
        guard !endpoints.isEmpty else { return [] }
        var body: [String: Any] = [
            "event": "call.ended", "call_id": callId, "sip_call_id": sipCallId,
            "node_id": services.configuration.nodeID, "direction": summary.direction.rawValue,
            "script": entry.script.name, "script_version": entry.script.version,
            "disposition": summary.disposition ?? "", "tags": tags,
            "started_at": summary.startedAtMs,
        ]
        if let answered = summary.answeredAtMs { body["answered_at"] = answered }
        if let ended = summary.endedAtMs { body["ended_at"] = ended }
        if let variant = variantSummary { body["variant"] = variant }
        let json = (try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]))
            .flatMap { String(data: $0, encoding: .utf8) } ?? "{}"
        return endpoints.map {
            WebhookRequest(endpoint: $0.name, url: $0.url, idempotencyKey: "\(callId):call.ended", payloadJSON: json)
        }
    }
}

extension SessionDescription {
    /// The description as an SDP body.
    var bytes: [UInt8] { Array(text.utf8) }
}
