extension SIPMessage {
    /// A request outside any dialog (§8.1.1): an initial INVITE, OPTIONS, REGISTER…
    /// Tags, Call-ID and branch come from the caller (this module draws no randomness).
    /// `route` holds an outbound proxy or trunk route (loose routing, `;lr`).
    public static func outOfDialogRequest(_ method: SIPMethod, requestURI: SIPURI, from: SIPNameAddress,
                                          to: SIPNameAddress, callID: String, cseq: UInt32, via: SIPVia,
                                          contact: SIPURI? = nil, route: [SIPURI] = [],
                                          body: [UInt8] = [], contentType: String? = nil,
                                          extraHeaders: [Header] = []) -> SIPMessage {
        var m = SIPMessage.request(method, uri: requestURI)
        m.add(.via, via.serialized)
        m.add(.maxForwards, "70")
        for r in route { m.add(.route, "<\(r.serialized)>") }
        m.add(.from, from.serialized)
        m.add(.to, to.serialized)
        m.add(.callID, callID)
        m.add(.cseq, "\(cseq) \(method.name)")
        if let contact { m.add(.contact, "<\(contact.serialized)>") }
        m.headers += extraHeaders
        if let contentType, !body.isEmpty { m.add(.contentType, contentType) }
        m.body = body
        return m
    }

    /// A copy of `request` for a retry after 401/407 (§22.2): new branch, CSeq + 1, and the
    /// Authorization or Proxy-Authorization value from `DigestClient`.
    public func retried(via: SIPVia, authorization: (SIPHeaderName, String)) -> SIPMessage {
        var m = self
        m.set(.via, via.serialized)
        if let cseq, let method {
            m.set(.cseq, "\(cseq.sequence &+ 1) \(method.name)")
        }
        m.remove(authorization.0)
        m.add(authorization.0, authorization.1)
        return m
    }
}
