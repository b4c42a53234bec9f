import ParleyRealtime

extension SIPStack {
    // MARK: application API (loop thread)

    /// 1xx for an incoming call (180 Ringing, 183 with early-media SDP).
    public func ring(_ call: SIPCallHandle, statusCode: Int = 180, body: [UInt8] = [], contentType: String? = nil) {
        sessionEvent(call.rawValue, .ring(statusCode: statusCode, body: body, contentType: contentType))
    }

    /// 200 OK for an incoming call (retransmitted until the ACK).
    public func answer(_ call: SIPCallHandle, body: [UInt8], contentType: String?, extraHeaders: [SIPMessage.Header] = []) {
        sessionEvent(call.rawValue, .answer(body: body, contentType: contentType, extraHeaders: extraHeaders))
    }

    /// A final non-2xx for an incoming call (486, 488, 603…).
    public func reject(_ call: SIPCallHandle, statusCode: Int, reason: String? = nil,
                       extraHeaders: [SIPMessage.Header] = []) {
        sessionEvent(call.rawValue, .reject(statusCode: statusCode, reason: reason, extraHeaders: extraHeaders))
    }

    /// Answers an in-dialog request delivered as `.requestReceived`.
    public func respond(_ call: SIPCallHandle, to request: SIPMessage, statusCode: Int, body: [UInt8] = [],
                        contentType: String? = nil) {
        sessionEvent(call.rawValue, .respond(to: request, statusCode: statusCode, body: body, contentType: contentType))
    }

    /// Sends an in-dialog request: re-INVITE (hold/unhold with an SDP offer), UPDATE, INFO,
    /// REFER, NOTIFY, OPTIONS. The final response comes back as `.responseReceived`.
    public func send(_ call: SIPCallHandle, method: SIPMethod, body: [UInt8] = [], contentType: String? = nil,
                     extraHeaders: [SIPMessage.Header] = []) {
        guard let state = calls[call.rawValue] else { return }
        sessionEvent(call.rawValue, .send(method, via: newVia(state.transport), body: body, contentType: contentType,
                                          extraHeaders: extraHeaders))
    }

    /// Ends the call: BYE when confirmed, CANCEL before a final response (UAC), 480 (UAS).
    /// `extraHeaders` go on the BYE (e.g. `Reason`, `X-Parley-Disposition`).
    public func hangup(_ call: SIPCallHandle, extraHeaders: [SIPMessage.Header] = []) {
        guard let state = calls[call.rawValue] else { return }
        sessionEvent(call.rawValue, .hangup(via: newVia(state.transport), extraHeaders: extraHeaders))
    }

    /// Places an outbound call. Returns nil when no next hop is known.
    public func invite(_ outbound: SIPOutboundCall) -> SIPCallHandle? {
        var hop = outbound.nextHop ?? configuration.outboundProxy
        if hop == nil, let address = SocketAddress(host: outbound.requestURI.hostAddress,
                                                  port: UInt16(clamping: outbound.requestURI.port ?? 5060)) {
            hop = SIPPeer(transport: outbound.requestURI.transport == "tcp" ? .tcp : .udp, address: address)
        }
        guard let hop else {
            counters.unroutableSends += 1
            return nil
        }
        let localTag = randomToken(10)
        var from = outbound.from
        from.parameters.set("tag", localTag)
        let contact = localContact(hop.transport)
        var extra = outbound.extraHeaders
        if let ua = configuration.userAgent { extra.append(SIPMessage.Header(.userAgent, ua)) }
        let request = SIPMessage.outOfDialogRequest(
            .invite, requestURI: outbound.requestURI, from: from, to: outbound.to,
            callID: randomToken(24) + "@" + configuration.localHost, cseq: 1, via: newVia(hop.transport),
            contact: contact, body: outbound.body, contentType: outbound.contentType, extraHeaders: extra)
        let id = nextCallID
        nextCallID += 1
        var state = SIPCallState(session: InviteSession(role: .uac, localTag: localTag, localContact: contact), peer: hop)
        state.digest = outbound.credentials.map { DigestClient(username: $0.username, password: $0.password) }
        calls[id] = state
        counters.callsStarted += 1
        sessionEvent(id, .outgoingInvite(request))
        return SIPCallHandle(rawValue: id)
    }

    /// The session state of a call (for inspection), nil once it ended.
    public func session(_ call: SIPCallHandle) -> InviteSession? { calls[call.rawValue]?.session }

    // MARK: incoming calls

    func newIncomingCall(_ invite: SIPMessage, key: TransactionKey, peer: SIPPeer) {
        let id = nextCallID
        nextCallID += 1
        let session = InviteSession(role: .uas, localTag: randomToken(10), localContact: localContact(peer.transport))
        calls[id] = SIPCallState(session: session, peer: peer)
        incomingInvites[Self.inviteIdentity(invite)] = id
        serverTransactions[key]?.call = id
        counters.callsStarted += 1
        sessionEvent(id, .incomingInvite(invite))
        delegate?.sipStack(self, incomingCall: SIPCallHandle(rawValue: id), invite: invite)
    }

    static func inviteIdentity(_ invite: SIPMessage) -> String {
        "\(invite.callID ?? "")|\(invite.from?.tag ?? "")|\(invite.cseq?.sequence ?? 0)"
    }

    /// An INVITE retransmitted after its server transaction ended with a 2xx: resend the
    /// 2xx (if still unacknowledged) instead of starting a new call. True when absorbed.
    func absorbLateInviteRetransmission(_ invite: SIPMessage) -> Bool {
        guard let call = incomingInvites[Self.inviteIdentity(invite)], let state = calls[call] else { return false }
        if let r = state.retransmitter { transport.send(r.response, to: state.retransmitPeer ?? state.peer) }
        return true
    }

    /// The session decides whether this ACK ends a 2xx retransmission (the INVITE's or a
    /// re-INVITE's) and says so with `.stopRetransmission`.
    func ackReceived(call: Int, ack: SIPMessage) {
        guard calls[call] != nil else { return }
        sessionEvent(call, .request(ack))
    }

    func retransmitterTimerFired(call: Int, _ timer: TransactionTimer) {
        guard var state = calls[call], var r = state.retransmitter else { return }
        let actions = r.handle(.timerFired(timer))
        state.retransmitter = r
        calls[call] = state
        for action in actions {
            switch action {
            case let .send(m): transport.send(m, to: state.retransmitPeer ?? state.peer)
            case let .startTimer(t, delayMs): startTimer(TimerRef(owner: .call(call), timer: t), delayMs: delayMs)
            case let .cancelTimer(t): cancelTimer(TimerRef(owner: .call(call), timer: t))
            case .timeout:
                calls[call]?.retransmitter = nil
                sessionEvent(call, .ackTimeout(via: newVia(state.transport)))
            default: break
            }
        }
    }

    // MARK: responses to our requests

    func responseForCall(_ call: Int, _ response: SIPMessage) {
        guard var state = calls[call] else { return }
        if let code = response.statusCode, code == 401 || code == 407, response.cseq?.method == .invite,
           state.session.state == .calling || state.session.state == .early,
           var digest = state.digest, let invite = state.session.invite,
           let challenge = DigestChallenge.challenges(in: response).first, digest.accept(challenge),
           let auth = digest.authorization(method: .invite, uri: invite.requestURIText ?? "", cnonce: randomToken(12)) {
            let retry = invite.retried(via: newVia(state.transport), authorization: auth)
            state.digest = digest
            state.session = InviteSession(role: .uac, localTag: state.session.localTag,
                                          localContact: state.session.localContact)
            calls[call] = state
            delegate?.sipStack(self, call: SIPCallHandle(rawValue: call), event: .challenged(statusCode: code))
            sessionEvent(call, .outgoingInvite(retry))
            return
        }
        sessionEvent(call, .response(response, via: newVia(state.transport)))
    }

    // MARK: driving the session

    func sessionEvent(_ call: Int, _ event: InviteSession.Event) {
        guard var state = calls[call] else { return }
        let actions = state.session.handle(event)
        if let id = state.session.dialog?.id, state.indexed != id {
            if let old = state.indexed { dialogs[old] = nil }
            dialogs[id] = call
            state.indexed = id
        }
        calls[call] = state
        let handle = SIPCallHandle(rawValue: call)
        for action in actions {
            guard let current = calls[call] else { return }
            switch action {
            case let .sendResponse(r):
                sendCallResponse(r, call: call)
            case let .sendRequest(m):
                sendRequest(m, to: m.method == .cancel || m.method == .invite && current.session.dialog == nil
                                ? current.peer : requestPeer(for: m, call: current), call: call)
            case let .sendAck(ack):
                transport.send(ack, to: requestPeer(for: ack, call: current))
            case let .retransmitUntilAck(ok):
                var r = AcceptedInviteRetransmitter(response: ok, reliable: current.transport.isReliable,
                                                    timers: configuration.timers)
                let timers = r.handle(.start)
                calls[call]?.retransmitter = r
                calls[call]?.retransmitPeer = current.session.invite.map { _ in responsePeer(for: ok, requestPeer: current.peer) }
                for case let .startTimer(t, delayMs) in timers {
                    startTimer(TimerRef(owner: .call(call), timer: t), delayMs: delayMs)
                }
            case .stopRetransmission:
                calls[call]?.retransmitter = nil
                cancelTimers(of: .call(call))
            case .established:
                let message: SIPMessage
                if case let .request(ack) = event { message = ack } else if case let .response(r, _) = event { message = r } else {
                    message = current.session.invite ?? SIPMessage(startLine: .response(statusCode: 200, reason: "OK", version: "SIP/2.0"))
                }
                delegate?.sipStack(self, call: handle, event: .established(message))
            case let .requestReceived(r):
                delegate?.sipStack(self, call: handle, event: .requestReceived(r))
            case let .responseReceived(r):
                let isInviteProvisional = (r.statusCode ?? 0) < 200 && r.cseq?.method == .invite
                if isInviteProvisional {
                    delegate?.sipStack(self, call: handle, event: .provisional(r))
                } else if current.session.role == .uac, r.cseq?.method == .invite,
                          r.cseq?.sequence == current.session.invite?.cseq?.sequence {
                    // Final response to the initial INVITE: reported by .established / .ended.
                } else {
                    delegate?.sipStack(self, call: handle, event: .responseReceived(r))
                }
            case let .ended(reason):
                endCall(call, reason)
            }
        }
    }

    func sendCallResponse(_ response: SIPMessage, call: Int) {
        if let method = response.cseq?.method, let via = response.topVia, let branch = via.branch {
            let key = TransactionKey(branch: branch, sentBy: via.sentBy, method: method)
            if serverTransactions[key] != nil {
                respond(key, response)
                return
            }
            if let entry = serverTransactions.first(where: { $0.value.call == call && $0.key.method == method
                    && $0.value.transaction.request.cseq?.sequence == response.cseq?.sequence }) {
                respond(entry.key, response)
                return
            }
        }
        guard let state = calls[call] else { return }
        transport.send(response, to: responsePeer(for: response, requestPeer: state.peer))
    }

    func endCall(_ call: Int, _ reason: InviteSession.EndReason) {
        guard var state = calls[call], !state.ended else { return }
        state.ended = true
        calls[call] = state
        counters.callsEnded += 1
        delegate?.sipStack(self, call: SIPCallHandle(rawValue: call), event: .ended(reason))
        // Keep the call a little while: a BYE's final response, retransmitted requests and
        // a late ACK still find it; then forget it.
        startTimer(TimerRef(owner: .forget(call), timer: .K), delayMs: configuration.timers.t4Ms)
    }

    func forgetCall(_ call: Int) {
        guard let state = calls.removeValue(forKey: call) else { return }
        if let id = state.indexed, dialogs[id] == call { dialogs[id] = nil }
        if let invite = state.session.invite, state.session.role == .uas { incomingInvites[Self.inviteIdentity(invite)] = nil }
        cancelTimers(of: .call(call))
    }
}
