import ParleyRealtime

/// What the stack keeps per call: the session state machine, where its peer is, the 2xx
/// retransmitter (its sends go through the Accepted INVITE server transaction) and the
/// credentials for a challenged outbound INVITE. Loop-thread only.
struct SIPCallState {
    var session: InviteSession
    /// The hop the call was set up through (INVITE source for UAS, next hop for UAC).
    var peer: SIPPeer
    var transport: SIPTransportProtocol { peer.transport }
    var retransmitter: AcceptedInviteRetransmitter?
    var digest: DigestClient?
    /// INVITEs resent after a 422 (RFC 4028 §7.4), to stop a peer that keeps raising Min-SE.
    var sessionIntervalRetries = 0
    var indexed: DialogID?
    var ended = false
    /// The 200 to the peer's BYE, held until the application has recorded the call's end
    /// (`SIPStackConfiguration.byeAnsweredAfterApplication`).
    var heldByeResponse: SIPMessage?
}
