import Foundation
import ParleyCodecs
import ParleyMedia
import ParleyRealtime
import ParleySDP
import ParleySIP
import ParleyStore

/// An outbound INVITE waiting for its final response. Confined to the SIP loop thread
/// (created, read and changed only there), which is what `@unchecked Sendable` rests on;
/// its continuation is resumed once, from there or from a task it starts.
final class OutboundAttempt: @unchecked Sendable {
    let request: OutboundCallRequest
    let callId: String
    let sipCallId: String
    let entry: ScriptCatalog.Entry
    let media: MediaChannelHandle
    var offerAnswer: OfferAnswer
    let startedAtMs: Int64
    let continuation: CheckedContinuation<OutboundCallResult, Never>
    var ringTimer: EventLoopTimerID?
    var ringTimedOut = false

    init(request: OutboundCallRequest, callId: String, sipCallId: String, entry: ScriptCatalog.Entry,
         media: MediaChannelHandle, offerAnswer: OfferAnswer, startedAtMs: Int64,
         continuation: CheckedContinuation<OutboundCallResult, Never>) {
        self.request = request
        self.callId = callId
        self.sipCallId = sipCallId
        self.entry = entry
        self.media = media
        self.offerAnswer = offerAnswer
        self.startedAtMs = startedAtMs
        self.continuation = continuation
    }
}

extension CallManager {
    /// Places an outbound call through a trunk and returns once it has ended (its record
    /// committed): unanswered with the final status, or answered after the dialogue (or
    /// the answer screening's voicemail message or hang-up).
    ///
    /// One codec is offered (the first configured) so the media channel can be opened
    /// before the answer; RTP goes to the callee once its first packet arrives (symmetric RTP).
    public func placeCall(_ request: OutboundCallRequest) async -> OutboundCallResult {
        let config = services.configuration
        func failed(_ why: String) -> OutboundCallResult {
            services.log.warning("outbound call not placed", ["attempt": request.attemptID, "reason": why])
            return OutboundCallResult(sipStatus: nil, answered: false, disposition: "failed")
        }
        guard !isDraining else { return failed("draining") }
        guard let stack = drainState.withLock({ $0.stacks.first }) else { return failed("no SIP stack") }
        guard let trunk = config.trunk(named: request.trunk), let hop = trunk.outboundProxy ?? trunk.address else {
            return failed("unknown trunk or trunk without an address")
        }
        var entry = services.scripts.entry(path: request.scriptPath)
        if entry == nil, case .success(let loaded) = services.scripts.load(paths: [request.scriptPath]) { entry = loaded.first }
        guard let entry else { return failed("script does not load") }
        guard let codec = config.media.codecs.first, let audioCodec = AudioCodec(rawValue: codec.configName) else {
            return failed("no codec")
        }
        let media: MediaChannelHandle
        do {
            media = try services.media.openChannel(MediaChannelConfiguration(
                codec: codec, payloadType: codec.defaultPayloadType, telephoneEventPayloadType: 101,
                ptimeMs: config.media.ptimeMs, remote: nil, mediaTimeoutMs: config.media.timeoutS * 1000,
                listening: channelListening(), pipelineRateHz: 8000,
                jitterBuffer: config.jitterBufferConfiguration(clockRate: codec.rtpClockRateHz),
                cname: "parley@\(config.nodeID)"), prompts: entry.prompts)
        } catch {
            return failed("media: \(error)")
        }
        var oaConfig = offerAnswerConfiguration(rtpPort: media.localAddress.port)
        oaConfig.codecs = [audioCodec]
        var offering = OfferAnswer(configuration: oaConfig)
        guard case .sendOffer(let offer)? = offering.handle(.makeOffer(direction: .sendrecv)).first else {
            media.close()
            return failed("no offer")
        }
        let host = hop.host
        let callerUser = request.callerID ?? trunk.callerID ?? "parley"
        let fromURI = trunk.fromURI.flatMap { try? SIPURI(parsing: $0) }
            ?? SIPURI(user: callerUser, host: config.sip.advertisedAddress ?? stack.configuration.localHost)
        let target = SIPURI(user: request.number, host: host, port: Int(hop.port))
        var headers = [SIPMessage.Header(.init("X-Parley-Attempt"), request.attemptID)]
        if let pai = trunk.pAssertedIdentity { headers.append(SIPMessage.Header(.init("P-Asserted-Identity"), pai)) }
        let outbound = SIPOutboundCall(
            requestURI: target, from: SIPNameAddress(displayName: request.callerID ?? trunk.callerID, uri: fromURI),
            to: SIPNameAddress(uri: target), body: offer.bytes, contentType: "application/sdp",
            credentials: trunk.credentials.map { SIPCredentials(username: $0.username, password: $0.password) },
            extraHeaders: headers, nextHop: SIPPeer(transport: .udp, address: hop))
        let offerAnswer = offering
        let callId = UUID().uuidString.lowercased()
        let started = services.store.clock.nowMs()
        return await withCheckedContinuation { (continuation: CheckedContinuation<OutboundCallResult, Never>) in
            stack.loop.execute { [self] in
                guard let handle = stack.invite(outbound) else {
                    media.close()
                    continuation.resume(returning: OutboundCallResult(sipStatus: nil, answered: false, disposition: "failed"))
                    return
                }
                let sipCallId = stack.session(handle)?.invite?.callID ?? ""
                let attempt = OutboundAttempt(request: request, callId: callId, sipCallId: sipCallId, entry: entry,
                                              media: media, offerAnswer: offerAnswer, startedAtMs: started,
                                              continuation: continuation)
                let key = CallKey(stack: ObjectIdentifier(stack), call: handle)
                outboundAttempts[key] = attempt
                try? services.store.callStarted(CallStart(
                    callId: callId, nodeId: config.nodeID, direction: .outbound, fromURI: fromURI.serialized,
                    toURI: target.serialized, script: entry.script.name, scriptVersion: entry.script.version,
                    variant: request.variant, startedAtMs: started, sipCallId: sipCallId))
                attempt.ringTimer = try? stack.loop.scheduleTimer(afterMs: request.ringTimeoutMs) {
                    attempt.ringTimedOut = true
                    stack.hangup(handle)
                }
            }
        }
    }

    /// SIP events of an outbound call before it is answered (loop thread).
    func outboundEvent(_ attempt: OutboundAttempt, key: CallKey, stack: SIPStack, call: SIPCallHandle,
                       event: SIPCallEvent) {
        switch event {
        case .established(let ok):
            if let timer = attempt.ringTimer { stack.loop.cancelTimer(timer) }
            outboundAttempts[key] = nil
            var accepted = false
            if let answer = try? SessionDescription(parsing: ok.body) {
                accepted = attempt.offerAnswer.handle(.remoteAnswer(answer)).contains {
                    if case .negotiated = $0 { true } else { false }
                }
            }
            guard accepted else {
                stack.hangup(call)
                unanswered(attempt, status: 488, disposition: "failed")
                return
            }
            answered(attempt, key: key, stack: stack, call: call)
        case .ended(let reason):
            if let timer = attempt.ringTimer { stack.loop.cancelTimer(timer) }
            outboundAttempts[key] = nil
            let status: Int? = switch reason {
            case .rejected(let code), .failed(let code): code
            case .cancelled: 487
            default: nil
            }
            unanswered(attempt, status: status,
                       disposition: OutboundCallResult.failureDisposition(status: status, ringTimedOut: attempt.ringTimedOut))
        case .provisional, .challenged, .requestReceived, .responseReceived:
            break
        }
    }

    func unanswered(_ attempt: OutboundAttempt, status: Int?, disposition: String) {
        attempt.media.close()
        let store = services.store
        let now = store.clock.nowMs()
        Task {
            _ = try? await store.callEnded(callId: attempt.callId, atMs: now, disposition: disposition, tags: [:])
            attempt.continuation.resume(returning: OutboundCallResult(
                sipStatus: status, answered: false, ringTimedOut: attempt.ringTimedOut, callId: attempt.callId,
                sipCallId: attempt.sipCallId, disposition: disposition))
        }
    }

    func answered(_ attempt: OutboundAttempt, key: CallKey, stack: SIPStack, call: SIPCallHandle) {
        let tap = RecognizerTap(sampleRateHz: attempt.media.configuration.pipelineRateHz)
        var variables = attempt.request.variables
        if let variant = attempt.request.variant { variables["variant"] = variant }
        let summary = CallSession.Summary(callId: attempt.callId, direction: .outbound, state: "answered",
                                          script: attempt.entry.script.name, startedAtMs: attempt.startedAtMs)
        let continuation = attempt.continuation
        let session = CallSession(
            callId: attempt.callId, sipCallId: attempt.sipCallId, services: services,
            link: SIPLink(stack: stack, call: call), entry: attempt.entry, media: attempt.media, tap: tap,
            variables: variables, offerAnswer: attempt.offerAnswer, summary: summary, screen: attempt.request.screen,
            onEnded: { [weak self] session in
                self?.ended(session)
                let s = session.summary
                continuation.resume(returning: OutboundCallResult(
                    sipStatus: 200, answered: true, callId: s.callId, sipCallId: session.sipCallId,
                    disposition: s.disposition ?? "unspecified", tags: s.tags, amdVerdict: s.amdVerdict,
                    amdDecisionMs: s.amdDecisionMs, voicemailLeft: s.voicemailLeft, completed: s.completed,
                    answeredAtMs: s.answeredAtMs))
            })
        sessionsByCall[key] = session
        registry.withLock { $0[attempt.callId] = session }
        services.pump.add(attempt.media, tap: tap) { event in session.post(.media(event)) }
        Task { await session.run() }
        session.post(.established)
        services.metrics.callStarted()
        services.log.info("outbound call answered", ["call_id": attempt.callId, "sip_call_id": attempt.sipCallId,
                                                     "script": attempt.entry.script.name])
    }
}
