import ParleyCodecs
import ParleyRealtime
import ParleySDP
import ParleySIP

/// The SIP side of a run: the INVITE with its SDP offer and variables, the answer, the
/// bot's BYE (its `X-Parley-Disposition` read off the wire) and failures.
extension SimEngine: SIPStackDelegate {
    public static let dispositionHeader = SIPHeaderName("X-Parley-Disposition")

    /// Places call number `started` holding pacing `slot` (reserved): binds its RTP socket,
    /// offers PCMU/PCMA and telephone-event, sends the INVITE.
    func startCall(slot: Int32, nowNs: UInt64) {
        let index = started
        started += 1
        let call = scenario.pick(roll: random.unit())
        let runner = ScenarioRunner(call: call, timeouts: scenario.timeouts, uninterruptible: uninterruptible)
        let host = options.localHost
        let socket: UDPSocket
        do {
            guard let local = SocketAddress(host: host, port: 0) else { throw SimRunError("bad local address") }
            socket = try UDPSocket.bind(to: local, receiveBufferBytes: 1 << 18)
        } catch {
            pacer.release(slot)
            var result = runner.result
            result.verdict = .failed("no RTP socket: \(error)")
            record(SimCallRecord(index: index, startOffsetMs: Int((nowNs - runStartNs) / 1_000_000), result: result,
                                 stream: StreamMeasures()))
            return
        }
        let ipv6 = host.contains(":")
        var offerAnswer = OfferAnswer(configuration: OfferAnswer.Configuration(
            codecs: [.pcmu, .pcma], telephoneEvent: true, localAddress: host, localAddressType: ipv6 ? .ip6 : .ip4,
            localRTPPort: socket.localAddress.port, username: "parley-sim", sessionID: random.next() >> 1,
            sessionName: "parley sim"))
        var body: [UInt8] = []
        for case .sendOffer(let offer) in offerAnswer.handle(.makeOffer(direction: .sendrecv)) { body = Array(offer.text.utf8) }
        let sim = SimCall(index: index, t0Ns: nowNs, startOffsetMs: Int((nowNs - runStartNs) / 1_000_000), runner: runner,
                          offerAnswer: offerAnswer, socket: socket, recognizer: recognizerTemplate,
                          lineEchoes: lineConfiguration.echo != nil)
        sim.slot = slot
        if options.recordDirectory != nil { sim.heardAudio = [] }
        active.append(sim)
        let receiver = sim.receiver, clock = arrivalClock
        do {
            try rxLoop.register(fd: socket.fileDescriptor, interest: .readable) { _ in receiver.receive(clock: clock) }
            sim.registered = true
        } catch {
            deliver(.started(atMs: 0), to: sim)
            deliver(.callFailed(status: 0, reason: "RTP socket not watched: \(error)", atMs: 0), to: sim)
            return
        }
        let targetHost = options.target.family == .ipv6 ? "[\(options.target.host)]" : options.target.host
        let uri = SIPURI(user: options.calledUser, host: targetHost, port: Int(options.target.port))
        let from = SIPNameAddress(uri: SIPURI(user: "sim-\(index)", host: ipv6 ? "[\(host)]" : host))
        let headers = call.sipHeaders.map { SIPMessage.Header(SIPHeaderName($0.name), $0.value) }
        deliver(.started(atMs: 0), to: sim)
        guard let handle = stack.invite(SIPOutboundCall(
            requestURI: uri, from: from, to: SIPNameAddress(uri: uri), body: body, contentType: "application/sdp",
            extraHeaders: headers, nextHop: SIPPeer(transport: .udp, address: options.target))) else {
            deliver(.callFailed(status: 0, reason: "no route to \(options.target)", atMs: 0), to: sim)
            return
        }
        sim.handle = handle
        byHandle[handle] = sim
        if let id = stack.session(handle)?.invite?.callID {
            sim.sipCallID = id
            byCallID[id] = sim
        }
    }

    public func sipStack(_ stack: SIPStack, incomingCall call: SIPCallHandle, invite: SIPMessage) {
        stack.reject(call, statusCode: 486, reason: "Simulator Places Calls Only")
    }

    public func sipStack(_ stack: SIPStack, call handle: SIPCallHandle, event: SIPCallEvent) {
        guard let call = byHandle[handle] else { return }
        let now = call.ms(Monotonic.nowNs())
        switch event {
        case .provisional, .challenged, .responseReceived:
            break
        case .established(let ok):
            guard !call.finished else { return }
            answered(call, ok: ok, atMs: now)
        case .requestReceived(let request):
            respond(to: request, in: call, handle: handle)
        case .ended(let reason):
            call.sipEnded = true
            byHandle[handle] = nil
            if let id = call.sipCallID { byCallID[id] = nil }
            switch reason {
            case .remoteBye:
                deliver(.byeReceived(disposition: call.byeDisposition, reason: call.byeReason, atMs: now), to: call)
            case .rejected(let status), .failed(let status):
                deliver(.callFailed(status: status, reason: call.failureReason ?? Self.reasonPhrase(status), atMs: now), to: call)
            case .localBye, .cancelled:
                deliver(.callFailed(status: 0, reason: "ended by the simulator", atMs: now), to: call)
            case .ackTimeout:
                deliver(.callFailed(status: 0, reason: "no ACK for the 2xx", atMs: now), to: call)
            case .sessionExpired:
                deliver(.callFailed(status: 0, reason: "session timer expired", atMs: now), to: call)
            }
        }
    }

    /// The 2xx: accept the SDP answer, start sending, tell the runner.
    func answered(_ call: SimCall, ok: SIPMessage, atMs now: Int) {
        let media: NegotiatedMedia
        do {
            let answer = try SessionDescription(parsing: ok.body)
            var negotiated: NegotiatedMedia?
            var refusal: String?
            for action in call.offerAnswer.handle(.remoteAnswer(answer)) {
                if case .negotiated(let m) = action { negotiated = m }
                if case .reject(let e) = action { refusal = "\(e.code.rawValue) \(e.context)" }
            }
            guard let negotiated else { throw SimRunError(refusal ?? "no media") }
            media = negotiated
        } catch {
            deliver(.answered(atMs: now), to: call)
            if let h = call.handle { stack.hangup(h) }
            deliver(.callFailed(status: 200, reason: "unusable SDP answer: \(error)", atMs: now), to: call)
            return
        }
        let law: G711.Law = media.codec == .pcma ? .aLaw : .muLaw
        call.receivedLaw = law
        call.audioPayloadType = media.payloadType
        call.telephoneEventPayloadType = media.telephoneEventPayloadType
        var refusal: String?
        if let remote = SocketAddress(host: media.remoteAddress, port: media.remoteRTPPort) {
            // The bot's RTP comes from where its SDP says (symmetric RTP, RFC 4961); on a
            // shared host, a port this socket got from the kernel may still be the target of
            // another program's stream, which would read as this call's loss.
            let connected = (try? call.socket.connect(to: remote)) != nil
            let stream = SimMediaStream(socket: call.socket, remote: remote, connected: connected,
                                        payloadType: media.payloadType, law: law,
                                        telephoneEventPayloadType: media.telephoneEventPayloadType,
                                        botAudio: call.receiver.botAudio, clips: clips,
                                        line: lineConfiguration, seed: options.seed &+ UInt64(call.index))
            // The call reserved its slot when it started; only a full control ring (which
            // has room for every slot's attach and detach) could refuse it.
            if let slot = call.slot, pacer.attach(stream, slot: slot) {
                call.stream = stream
            } else {
                refusal = "no RTP pacing slot free (\(options.concurrency) calls at once)"
            }
        } else {
            refusal = "cannot send RTP to \(media.remoteAddress):\(media.remoteRTPPort)"
        }
        deliver(.answered(atMs: now), to: call)
        if let refusal {
            if let h = call.handle { stack.hangup(h) }
            deliver(.callFailed(status: 200, reason: refusal, atMs: now), to: call)
        }
    }

    /// In-dialog requests from the bot: re-INVITE answered from our offer/answer, the rest 200.
    func respond(to request: SIPMessage, in call: SimCall, handle: SIPCallHandle) {
        if request.method == .invite, !request.body.isEmpty, let offer = try? SessionDescription(parsing: request.body) {
            for action in call.offerAnswer.handle(.remoteOffer(offer)) {
                if case .sendAnswer(let answer) = action {
                    stack.respond(handle, to: request, statusCode: 200, body: Array(answer.text.utf8), contentType: "application/sdp")
                    return
                }
                if case .reject(let e) = action {
                    stack.respond(handle, to: request, statusCode: e.sipStatus)
                    return
                }
            }
        }
        stack.respond(handle, to: request, statusCode: 200)
    }

    /// Reads what the stack does not pass up: the bot's BYE headers and the reason phrase
    /// of a failure response. Wraps the transport's frame handler (loop thread).
    func installPeek() {
        let inner = transport.onFrame
        let me = LoopRef(self)
        let parser = SIPParser()
        transport.onFrame = { bytes, peer, framing in
            if bytes.count > 12 {
                let isBye = bytes[0] == 0x42 && bytes[1] == 0x59 && bytes[2] == 0x45 && bytes[3] == 0x20   // "BYE "
                let isFailure = bytes[0] == 0x53 && bytes[7] == 0x20 && bytes[8] >= 0x33 && bytes[8] <= 0x36  // "SIP/2.0 3xx-6xx"
                if isBye || isFailure, let message = parser.parse(bytes, framing: framing).message {
                    me.value.peeked(message)
                }
            }
            inner?(bytes, peer, framing)
        }
    }

    func peeked(_ message: SIPMessage) {
        guard let id = message.callID, let call = byCallID[id] else { return }
        if message.method == .bye {
            call.byeDisposition = message.value(Self.dispositionHeader)
            call.byeReason = message.value(.reason)
        } else if let code = message.statusCode, code >= 300, message.cseq?.method == .invite {
            call.failureReason = message.reasonPhrase
        }
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 404: "Not Found"
        case 408: "Request Timeout"
        case 480: "Temporarily Unavailable"
        case 486: "Busy Here"
        case 487: "Request Terminated"
        case 488: "Not Acceptable Here"
        case 500: "Server Internal Error"
        case 503: "Service Unavailable"
        case 603: "Decline"
        default: "no reason phrase"
        }
    }
}
