/// Session timers (RFC 4028) inside an `InviteSession`: the agreed `SessionTimer` decides
/// when to act; the session adds Session-Expires/Require to 2xx responses, answers bodiless
/// refresh UPDATEs itself, sends refreshes when it is the refresher, and ends the call with
/// BYE (`EndReason.sessionExpired`) when the peer's refresh does not come. The timer itself
/// is an action (`.startSessionTimer`) the owner arms; `.sessionTimerFired` comes back.
extension InviteSession {
    mutating func learnPeerCapabilities(_ message: SIPMessage) {
        if SessionTimer.supportsTimer(message) { peerSupportsTimer = true }
        if message.tokens(.allow).contains(where: { $0.uppercased() == "UPDATE" }) { peerAllowsUpdate = true }
    }

    mutating func rememberLocalBody(_ body: [UInt8], _ contentType: String?) {
        guard !body.isEmpty else { return }
        localBody = body
        localContentType = contentType
    }

    /// The initial 2xx of a UAS: Session-Expires (and Require: timer when the UAC supports
    /// it) unless the TU set them, and the timer starts (§9, §10).
    mutating func addSessionTimerHeaders(to ok: inout SIPMessage) -> [Action] {
        guard let timer = sessionTimer else { return [] }
        if ok.value(.sessionExpires) == nil { ok.add(.sessionExpires, timer.headerValue(weAreUAC: false)) }
        if peerSupportsTimer, !ok.tokens(.require).contains(where: { $0.lowercased() == "timer" }) {
            ok.add(.require, "timer")
        }
        return [.startSessionTimer(delayMs: timer.delayMs)]
    }

    /// A 2xx to a re-INVITE/UPDATE we received: take the request's Session-Expires (if it
    /// is acceptable), put the agreed one in the response and restart the timer.
    mutating func renegotiateSessionTimer(for request: SIPMessage, response: inout SIPMessage) -> [Action] {
        guard let policy = sessionTimerPolicy, policy.enabled else { return [] }
        if case let .accept(timer) = policy.negotiate(request) { sessionTimer = timer }
        if SessionTimer.supportsTimer(request) { peerSupportsTimer = true }
        return addSessionTimerHeaders(to: &response)
    }

    /// A bodiless UPDATE while a session timer runs is a refresh: 200 (or 422 when its
    /// interval is below our Min-SE), without troubling the TU.
    mutating func answerRefreshUpdate(_ update: SIPMessage) -> [Action] {
        guard var d = dialog else { return [] }
        if let policy = sessionTimerPolicy, case let .tooSmall(minSE) = policy.negotiate(update) {
            var tooSmall = d.makeResponse(to: update, statusCode: 422)
            tooSmall.add(.minSE, String(minSE))
            return [.sendResponse(tooSmall)]
        }
        d.refreshTarget(from: update)
        dialog = d
        var ok = d.makeResponse(to: update, statusCode: 200, contact: localContact)
        let timerActions = renegotiateSessionTimer(for: update, response: &ok)
        return [.sendResponse(ok)] + timerActions
    }

    /// The final response to a refresh we sent: the 2xx restarts the timer (with the
    /// interval it names); 408/481 mean the session is gone (§10): BYE.
    mutating func handleRefreshResponse(_ r: SIPMessage, via: SIPVia) -> [Action] {
        guard let code = r.statusCode, code >= 200, let cseq = r.cseq else { return [] }
        refreshSequence = nil
        var actions: [Action] = []
        if cseq.method == .invite {
            pendingOutgoingReinvite = nil
            if code < 300, var d = dialog {
                d.refreshTarget(from: r)
                actions.append(.sendAck(d.makeAck(inviteSequence: cseq.sequence, via: via)))
                dialog = d
            }
        }
        if code < 300 {
            if let timer = SessionTimer.fromResponse(r, weAre: .uac) { sessionTimer = timer }
            if let timer = sessionTimer { actions.append(.startSessionTimer(delayMs: timer.delayMs)) }
            return actions
        }
        if code == 408 || code == 481 { return actions + endWithBye(via: via) }
        return actions  // e.g. 491: the timer armed when the refresh left tries again
    }

    mutating func sessionTimerFired(via: SIPVia) -> [Action] {
        guard state == .confirmed, let timer = sessionTimer else { return [] }
        var actions: [Action] = []
        for action in timer.handle(.timerFired) {
            switch action {
            case let .startTimer(delayMs): actions.append(.startSessionTimer(delayMs: delayMs))
            case .sendRefresh: actions += sendRefresh(via: via)
            case .expire: return endWithBye(via: via)
            }
        }
        return actions
    }

    /// A refresh: a bodiless UPDATE when the peer allows it, else a re-INVITE carrying our
    /// current session description unchanged (RFC 4028 §7.4, RFC 3264 §8: same version).
    mutating func sendRefresh(via: SIPVia) -> [Action] {
        guard refreshSequence == nil, pendingOutgoingReinvite == nil, pendingIncomingReinvite == nil,
              var d = dialog, let timer = sessionTimer else { return [] }
        var headers = [SIPMessage.Header(.sessionExpires, timer.headerValue(weAreUAC: true)),
                       SIPMessage.Header(.supported, "timer")]
        if let policy = sessionTimerPolicy { headers.append(SIPMessage.Header(.minSE, String(policy.minSESeconds))) }
        let useUpdate = peerAllowsUpdate || localBody.isEmpty
        let method: SIPMethod = useUpdate ? .update : .invite
        let m = d.makeRequest(method, via: via, contact: localContact, body: useUpdate ? [] : localBody,
                              contentType: useUpdate ? nil : localContentType, extraHeaders: headers)
        dialog = d
        refreshSequence = m.cseq?.sequence
        if method == .invite { pendingOutgoingReinvite = m }
        return [.sendRequest(m)]
    }

    /// §10: the session expired (or its refresh failed): BYE and end.
    mutating func endWithBye(via: SIPVia) -> [Action] {
        state = .terminated
        guard var d = dialog else { return [.ended(.sessionExpired)] }
        let bye = d.makeRequest(.bye, via: via)
        dialog = d
        return [.sendRequest(bye), .ended(.sessionExpired)]
    }
}

extension SessionTimer {
    /// Session-Expires for a message of a transaction in which we are the UAC (a refresh
    /// we send) or the UAS (a 2xx we send): `refresher` names a role of that transaction.
    public func headerValue(weAreUAC: Bool) -> String {
        let who: Refresher = weRefresh == weAreUAC ? .uac : .uas
        return "\(intervalSeconds);refresher=\(who.rawValue)"
    }
}
