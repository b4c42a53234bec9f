extension SIPMessage {
    /// The ACK a client INVITE transaction sends for a non-2xx final response (§17.1.1.3):
    /// same Request-URI, Call-ID, From, CSeq number and top Via as the INVITE, To from
    /// the response (with its tag), Route copied from the INVITE.
    public static func ack(for invite: SIPMessage, response: SIPMessage) -> SIPMessage {
        var ack = SIPMessage(startLine: .request(method: .ack, uri: invite.requestURIText ?? "", version: "SIP/2.0"))
        if let via = invite.value(.via) { ack.add(.via, via) }
        ack.add(.maxForwards, "70")
        if let from = invite.value(.from) { ack.add(.from, from) }
        if let to = response.value(.to) ?? invite.value(.to) { ack.add(.to, to) }
        if let callID = invite.value(.callID) { ack.add(.callID, callID) }
        if let cseq = invite.cseq { ack.add(.cseq, "\(cseq.sequence) ACK") }
        for route in invite.values(.route) { ack.add(.route, route) }
        return ack
    }
}
