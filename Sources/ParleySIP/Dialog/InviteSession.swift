/// An INVITE session (RFC 3261 §13–15) on either side, as a pure state machine over a
/// `Dialog`: UAS (INVITE → 1xx → 2xx → ACK, CANCEL, reject) and UAC (INVITE → responses →
/// ACK, CANCEL), then in-dialog BYE, re-INVITE, UPDATE, INFO, REFER, NOTIFY and OPTIONS
/// either way. Transactions sit below: responses go out through the server transaction of
/// their request, requests through new client transactions.
public struct InviteSession: Sendable {
    public enum Role: String, Sendable { case uas, uac }

    public enum State: String, Sendable, Equatable {
        /// UAC: INVITE sent, no dialog yet. UAS: INVITE received, not answered.
        case calling, incoming
        /// A 1xx with a To tag created an early dialog.
        case early
        /// UAS sent a 2xx and waits for the ACK.
        case waitingForAck
        case confirmed
        /// BYE sent, waiting for its response.
        case terminating
        case terminated
    }

    public enum EndReason: Sendable, Equatable {
        case remoteBye, localBye, cancelled, rejected(statusCode: Int), failed(statusCode: Int)
        /// No ACK for our 2xx within 64·T1 (§13.3.1.4): a BYE was sent.
        case ackTimeout
        /// A session timer (RFC 4028) expired without a refresh.
        case sessionExpired
    }

    public enum Event: Sendable, Equatable {
        // UAS
        case incomingInvite(SIPMessage)
        case ring(statusCode: Int, body: [UInt8], contentType: String?)
        case answer(body: [UInt8], contentType: String?, extraHeaders: [SIPMessage.Header])
        case reject(statusCode: Int, reason: String?, extraHeaders: [SIPMessage.Header])
        case ack(SIPMessage)
        case cancel(SIPMessage)
        /// The 2xx retransmission gave up (AcceptedInviteRetransmitter `.timeout`).
        case ackTimeout(via: SIPVia)
        // UAC
        case outgoingInvite(SIPMessage)
        /// A response to the INVITE (or to a request we sent in the dialog); `via` is used
        /// for an ACK or BYE the session must send.
        case response(SIPMessage, via: SIPVia)
        case cancelOutgoing
        // both
        /// A request received within the dialog (after the transaction layer).
        case request(SIPMessage)
        /// The TU answers a re-INVITE/UPDATE/INFO/REFER delivered by `.requestReceived`.
        case respond(to: SIPMessage, statusCode: Int, body: [UInt8], contentType: String?)
        /// Send a request within the dialog (re-INVITE, UPDATE, INFO, REFER, NOTIFY, OPTIONS).
        case send(SIPMethod, via: SIPVia, body: [UInt8], contentType: String?, extraHeaders: [SIPMessage.Header])
        /// Ends the call; `extraHeaders` go on the BYE (e.g. Reason, a disposition header).
        case hangup(via: SIPVia, extraHeaders: [SIPMessage.Header] = [])
    }

    public enum Action: Sendable, Equatable {
        /// Send through the server transaction of the request it answers.
        case sendResponse(SIPMessage)
        /// Send through a new client transaction.
        case sendRequest(SIPMessage)
        /// ACK for a 2xx: sent directly to the remote target, outside any transaction.
        case sendAck(SIPMessage)
        /// Start an `AcceptedInviteRetransmitter` for this 2xx.
        case retransmitUntilAck(SIPMessage)
        /// The ACK arrived: stop that retransmitter.
        case stopRetransmission
        case established(DialogID)
        /// An in-dialog request the TU decides on (re-INVITE/UPDATE with an offer, INFO,
        /// REFER, NOTIFY…): answer it with `.respond(to:…)`.
        case requestReceived(SIPMessage)
        /// A provisional/final response the TU should see (e.g. 180/183 with early media, 401/407).
        case responseReceived(SIPMessage)
        case ended(EndReason)
    }

    public let role: Role
    public internal(set) var state: State
    public internal(set) var dialog: Dialog?
    /// The INVITE that created the session.
    public internal(set) var invite: SIPMessage?
    public let localTag: String
    public let localContact: SIPURI
    /// A re-INVITE we received and have not answered (a second one gets 491, §14.2).
    public internal(set) var pendingIncomingReinvite: SIPMessage?
    /// A re-INVITE we sent that has no final response yet (§14.1).
    public internal(set) var pendingOutgoingReinvite: SIPMessage?
    /// A hangup asked for before the ACK of our 2xx: the BYE waits for the ACK (§15).
    public internal(set) var hangupAfterAck: (via: SIPVia, extraHeaders: [SIPMessage.Header])?
    /// The CSeq of a re-INVITE we answered with a 2xx that is not yet acknowledged: its ACK
    /// stops the 2xx retransmission (§13.3.1.4 applies to re-INVITEs too).
    public internal(set) var reinviteAwaitingAck: UInt32?

    public init(role: Role, localTag: String, localContact: SIPURI) {
        self.role = role
        self.state = role == .uac ? .calling : .incoming
        self.localTag = localTag
        self.localContact = localContact
    }

    public var isEnded: Bool { state == .terminated }

    public mutating func handle(_ event: Event) -> [Action] {
        switch event {
        case let .incomingInvite(r):
            guard role == .uas, invite == nil else { return [] }
            invite = r
            return []
        case let .ring(code, body, contentType):
            guard role == .uas, state == .incoming || state == .early, let invite,
                  var d = dialog ?? Dialog.uas(request: invite, localTag: localTag, state: .early) else { return [] }
            d.state = .early
            dialog = d
            state = .early
            return [.sendResponse(d.makeResponse(to: invite, statusCode: code, contact: localContact, body: body, contentType: contentType))]
        case let .answer(body, contentType, extra):
            guard role == .uas, state == .incoming || state == .early, let invite,
                  var d = dialog ?? Dialog.uas(request: invite, localTag: localTag) else { return [] }
            d.state = .confirmed
            dialog = d
            state = .waitingForAck
            var ok = d.makeResponse(to: invite, statusCode: 200, contact: localContact, body: body, contentType: contentType)
            ok.headers += extra
            return [.sendResponse(ok), .retransmitUntilAck(ok)]
        case let .reject(code, reason, extra):
            guard role == .uas, state == .incoming || state == .early, let invite else { return [] }
            var r = SIPMessage.response(to: invite, statusCode: code, reason: reason, toTag: localTag)
            r.headers += extra
            state = .terminated
            return [.sendResponse(r), .ended(.rejected(statusCode: code))]
        case let .ack(ack):
            guard state == .waitingForAck, ack.cseq?.sequence == invite?.cseq?.sequence else { return [] }
            state = .confirmed
            guard let id = dialog?.id else { return [.stopRetransmission] }
            if let pending = hangupAfterAck {
                hangupAfterAck = nil
                return [.stopRetransmission, .established(id)] + handle(.hangup(via: pending.via, extraHeaders: pending.extraHeaders))
            }
            return [.stopRetransmission, .established(id)]
        case let .cancel(cancel):
            return handleCancel(cancel)
        case let .ackTimeout(via):
            guard state == .waitingForAck, var d = dialog else { return [] }
            let bye = d.makeRequest(.bye, via: via)
            dialog = d
            state = .terminated
            return [.sendRequest(bye), .ended(.ackTimeout)]
        case let .outgoingInvite(r):
            guard role == .uac, invite == nil else { return [] }
            invite = r
            return [.sendRequest(r)]
        case let .response(r, via):
            return handleResponse(r, via: via)
        case .cancelOutgoing:
            guard role == .uac, state == .calling || state == .early, let invite else { return [] }
            return [.sendRequest(SIPMessage.cancel(for: invite))]
        case let .request(r):
            return handleInDialogRequest(r)
        case let .respond(request, code, body, contentType):
            return respond(to: request, code: code, body: body, contentType: contentType)
        case let .send(method, via, body, contentType, extra):
            guard state == .confirmed, var d = dialog else { return [] }
            if method == .invite, pendingOutgoingReinvite != nil { return [] }
            let m = d.makeRequest(method, via: via, contact: localContact, body: body, contentType: contentType,
                                  extraHeaders: extra)
            dialog = d
            if method == .invite { pendingOutgoingReinvite = m }
            return [.sendRequest(m)]
        case let .hangup(via, extraHeaders):
            if state == .waitingForAck {
                hangupAfterAck = (via, extraHeaders)
                return []
            }
            guard state == .confirmed, var d = dialog else {
                if role == .uac, state == .calling || state == .early { return handle(.cancelOutgoing) }
                if role == .uas, state == .incoming || state == .early {
                    return handle(.reject(statusCode: 480, reason: nil, extraHeaders: []))
                }
                return []
            }
            let bye = d.makeRequest(.bye, via: via, extraHeaders: extraHeaders)
            dialog = d
            state = .terminating
            return [.sendRequest(bye)]
        }
    }

    private mutating func handleCancel(_ cancel: SIPMessage) -> [Action] {
        let ok = SIPMessage.response(to: cancel, statusCode: 200, toTag: localTag)
        guard role == .uas, state == .incoming || state == .early, let invite else {
            // Too late (final response sent) or unknown: the CANCEL itself still gets 200 (§9.2).
            return [.sendResponse(ok)]
        }
        state = .terminated
        let terminated = SIPMessage.response(to: invite, statusCode: 487, toTag: localTag)
        return [.sendResponse(ok), .sendResponse(terminated), .ended(.cancelled)]
    }
}
