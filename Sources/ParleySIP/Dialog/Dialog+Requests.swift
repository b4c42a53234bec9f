extension Dialog {
    /// Builds a request within the dialog (§12.2.1.1): BYE, re-INVITE, UPDATE, INFO, REFER,
    /// NOTIFY… Takes the next local CSeq (except ACK, which uses `ackSequence`).
    /// Loose routing puts the remote target in the Request-URI; a strict first route puts
    /// itself there and moves the remote target to the end of Route.
    public mutating func makeRequest(_ method: SIPMethod, via: SIPVia, contact: SIPURI? = nil,
                                     body: [UInt8] = [], contentType: String? = nil,
                                     extraHeaders: [SIPMessage.Header] = [],
                                     ackSequence: UInt32? = nil) -> SIPMessage {
        let sequence: UInt32
        if method == .ack, let ackSequence {
            sequence = ackSequence
        } else {
            localSequence &+= 1
            sequence = localSequence
        }
        var requestURI = remoteTarget
        var routes = routeSet.map(\.serialized)
        if let first = routeSet.first, !first.uri.isLooseRouter {
            requestURI = first.uri
            requestURI.headers = []
            routes.removeFirst()
            routes.append("<\(remoteTarget.serialized)>")
        }
        var m = SIPMessage.request(method, uri: requestURI)
        m.add(.via, via.serialized)
        m.add(.maxForwards, "70")
        for r in routes { m.add(.route, r) }
        m.add(.from, local.serialized)
        m.add(.to, remote.serialized)
        m.add(.callID, id.callID)
        m.add(.cseq, "\(sequence) \(method.name)")
        if let contact, method == .invite || method == .update || method == .refer || method == .notify || method == .subscribe {
            m.add(.contact, "<\(contact.serialized)>")
        }
        m.headers += extraHeaders
        if let contentType, !body.isEmpty { m.add(.contentType, contentType) }
        m.body = body
        return m
    }

    /// The ACK for a 2xx to an INVITE sent with CSeq `inviteSequence` (§13.2.2.4).
    public mutating func makeAck(inviteSequence: UInt32, via: SIPVia, body: [UInt8] = [],
                                 contentType: String? = nil) -> SIPMessage {
        makeRequest(.ack, via: via, body: body, contentType: contentType, ackSequence: inviteSequence)
    }

    /// A response within this dialog (UAS side): To carries our tag; `contact` is added for
    /// 2xx/1xx to INVITE/UPDATE (target refresh) and Record-Route is echoed (§12.1.1).
    public func makeResponse(to request: SIPMessage, statusCode: Int, reason: String? = nil,
                             contact: SIPURI? = nil, body: [UInt8] = [], contentType: String? = nil) -> SIPMessage {
        var r = SIPMessage.response(to: request, statusCode: statusCode, reason: reason, toTag: id.localTag)
        if (101..<300).contains(statusCode) {
            for rr in request.values(.recordRoute) { r.add(.recordRoute, rr) }
            if let contact, request.method == .invite || request.method == .update || request.method == .subscribe
                || request.method == .refer {
                r.add(.contact, "<\(contact.serialized)>")
            }
        }
        if let contentType, !body.isEmpty { r.add(.contentType, contentType) }
        r.body = body
        return r
    }
}

extension SIPMessage {
    /// CANCEL for a sent INVITE (§9.1): same Request-URI, Call-ID, From, To, CSeq number
    /// and top Via (so the same branch) as the INVITE; Route copied.
    public static func cancel(for invite: SIPMessage) -> SIPMessage {
        var c = SIPMessage(startLine: .request(method: .cancel, uri: invite.requestURIText ?? "", version: "SIP/2.0"))
        if let via = invite.value(.via) { c.add(.via, via) }
        c.add(.maxForwards, "70")
        for name in [SIPHeaderName.from, .to, .callID] {
            if let v = invite.value(name) { c.add(name, v) }
        }
        if let cseq = invite.cseq { c.add(.cseq, "\(cseq.sequence) CANCEL") }
        for r in invite.values(.route) { c.add(.route, r) }
        return c
    }
}
