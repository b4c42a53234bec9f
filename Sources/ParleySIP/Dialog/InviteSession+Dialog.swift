extension InviteSession {
    // MARK: UAC responses

    mutating func handleResponse(_ r: SIPMessage, via: SIPVia) -> [Action] {
        guard let code = r.statusCode, let cseq = r.cseq else { return [] }
        if cseq.method == .bye {
            guard state == .terminating, code >= 200 else { return [] }
            state = .terminated
            return [.ended(.localBye)]
        }
        if let sequence = refreshSequence, cseq.sequence == sequence, cseq.method == .invite || cseq.method == .update {
            return handleRefreshResponse(r, via: via)
        }
        if cseq.method == .invite, state == .confirmed, let pending = pendingOutgoingReinvite,
           pending.cseq?.sequence == cseq.sequence {
            // Response to our re-INVITE.
            guard code >= 200 else { return [.responseReceived(r)] }
            pendingOutgoingReinvite = nil
            guard var d = dialog else { return [] }
            if code < 300 {
                d.refreshTarget(from: r)
                let ack = d.makeAck(inviteSequence: cseq.sequence, via: via)
                dialog = d
                return [.sendAck(ack), .responseReceived(r)]
            }
            return [.responseReceived(r)]
        }
        guard role == .uac, cseq.method == .invite, let invite, cseq.sequence == invite.cseq?.sequence else {
            return [.responseReceived(r)]
        }
        switch code {
        case 100:
            return []
        case 101..<200:
            if state == .calling, r.to?.tag != nil, let d = Dialog.uac(request: invite, response: r) {
                dialog = d
                state = .early
            }
            return [.responseReceived(r)]
        case 200..<300:
            if state == .confirmed || state == .terminating || state == .terminated {
                // A retransmitted 2xx: ACK it again (§13.2.2.4).
                guard var d = dialog else { return [] }
                let ack = d.makeAck(inviteSequence: cseq.sequence, via: via)
                dialog = d
                return [.sendAck(ack)]
            }
            guard var d = Dialog.uac(request: invite, response: r) else { return [] }
            if let early = dialog, early.id == d.id { d.localSequence = early.localSequence }
            let ack = d.makeAck(inviteSequence: cseq.sequence, via: via)
            dialog = d
            state = .confirmed
            learnPeerCapabilities(r)
            var timerActions: [Action] = []
            if sessionTimerPolicy?.enabled == true, let timer = SessionTimer.fromResponse(r, weAre: .uac) {
                sessionTimer = timer
                timerActions = [.startSessionTimer(delayMs: timer.delayMs)]
            }
            return [.sendAck(ack), .responseReceived(r), .established(d.id)] + timerActions
        default:
            guard state == .calling || state == .early else { return [] }
            if code == 401 || code == 407 {
                // The TU retries with credentials in a new session (new CSeq) or gives up.
                state = .terminated
                return [.responseReceived(r), .ended(.failed(statusCode: code))]
            }
            state = .terminated
            return [.responseReceived(r), .ended(code == 487 ? .cancelled : .failed(statusCode: code))]
        }
    }

    // MARK: in-dialog requests (either role)

    mutating func handleInDialogRequest(_ r: SIPMessage) -> [Action] {
        guard let method = r.method, var d = dialog, state != .terminated,
              DialogID.forIncoming(r) == d.id else {
            return [.sendResponse(SIPMessage.response(to: r, statusCode: 481, toTag: localTag))]
        }
        if d.receive(r) == .rejectOutOfOrder {
            dialog = d
            return [.sendResponse(d.makeResponse(to: r, statusCode: 500, reason: "CSeq Out of Order"))]
        }
        dialog = d
        switch method {
        case .bye:
            state = .terminated
            var actions: [Action] = [.sendResponse(d.makeResponse(to: r, statusCode: 200))]
            if role == .uas, invite != nil { actions.insert(.stopRetransmission, at: 0) }
            return actions + [.ended(.remoteBye)]
        case .invite:
            if pendingIncomingReinvite != nil || pendingOutgoingReinvite != nil {
                return [.sendResponse(d.makeResponse(to: r, statusCode: 491))]
            }
            pendingIncomingReinvite = r
            return [.requestReceived(r)]
        case .ack:
            if state == .waitingForAck { return handle(.ack(r)) }
            // The ACK for a re-INVITE's 2xx ends that 2xx's retransmission.
            if let sequence = reinviteAwaitingAck, r.cseq?.sequence == sequence {
                reinviteAwaitingAck = nil
                return [.stopRetransmission]
            }
            return []
        case .options:
            return [.sendResponse(d.makeResponse(to: r, statusCode: 200))]
        case .update where sessionTimer != nil && r.body.isEmpty:
            // A session refresh by UPDATE (RFC 4028 §7.4/§9) changes no media: answered here.
            return answerRefreshUpdate(r)
        case .update, .info, .refer, .notify, .message, .prack, .subscribe:
            return [.requestReceived(r)]
        default:
            var resp = d.makeResponse(to: r, statusCode: 501)
            resp.add(.allow, InviteSession.allowedMethods.joined(separator: ", "))
            return [.sendResponse(resp)]
        }
    }

    mutating func respond(to request: SIPMessage, code: Int, body: [UInt8], contentType: String?) -> [Action] {
        guard var d = dialog else { return [] }
        var response = d.makeResponse(to: request, statusCode: code, contact: localContact, body: body, contentType: contentType)
        var timerActions: [Action] = []
        if request.method == .invite || request.method == .update, (200..<300).contains(code) {
            // Every 2xx to a re-INVITE/UPDATE refreshes the session (RFC 4028 §9).
            if !body.isEmpty { rememberLocalBody(body, contentType) }
            timerActions = renegotiateSessionTimer(for: request, response: &response)
        }
        var actions: [Action] = [.sendResponse(response)]
        if request.method == .invite || request.method == .update, (200..<300).contains(code) {
            d.refreshTarget(from: request)
        }
        if request.method == .invite, code >= 200 {
            pendingIncomingReinvite = nil
            if code < 300 {
                reinviteAwaitingAck = request.cseq?.sequence
                actions.append(.retransmitUntilAck(response))
            }
        }
        dialog = d
        return actions + timerActions
    }

    /// Methods Parley's user agent accepts (Allow).
    public static let allowedMethods = ["INVITE", "ACK", "CANCEL", "BYE", "OPTIONS", "UPDATE", "INFO", "REFER", "NOTIFY"]
}
