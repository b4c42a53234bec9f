/// Dialog state (RFC 3261 §12) for either side of an INVITE dialog: identity, route set,
/// local and remote CSeq, remote target. Pure value; building requests takes the Via from
/// the caller (which knows the transport and makes the branch).
public struct Dialog: Sendable, Equatable {
    public enum State: String, Sendable, Equatable { case early, confirmed, terminated }

    public var id: DialogID
    public var state: State
    public let isUAC: Bool
    /// Our URI with our tag (From for a UAC, To for a UAS).
    public var local: SIPNameAddress
    /// The peer's URI with its tag.
    public var remote: SIPNameAddress
    /// Where requests go: the peer's Contact, updated by target refreshes.
    public var remoteTarget: SIPURI
    /// Route set, in the order requests carry it.
    public var routeSet: [SIPNameAddress]
    public var localSequence: UInt32
    /// Highest CSeq received from the peer; nil until the first request (UAC side).
    public var remoteSequence: UInt32?
    public var secure: Bool

    /// UAS side (§12.1.1): from a received dialog-creating request and the tag we give it.
    /// `state` is `.early` for a 1xx, `.confirmed` for a 2xx.
    public static func uas(request: SIPMessage, localTag: String, state: State = .confirmed,
                           initialLocalSequence: UInt32 = 1) -> Dialog? {
        guard let callID = request.callID, let from = request.from, let remoteTag = from.tag,
              var to = request.to, let contact = request.contacts.first, let cseq = request.cseq else { return nil }
        to.tag = localTag
        return Dialog(id: DialogID(callID: callID, localTag: localTag, remoteTag: remoteTag), state: state,
                      isUAC: false, local: to, remote: from, remoteTarget: contact.uri,
                      routeSet: request.recordRoutes, localSequence: initialLocalSequence,
                      remoteSequence: cseq.sequence, secure: request.requestURI?.scheme == .sips)
    }

    /// UAC side (§12.1.2): from the request we sent and a 1xx (with To tag) or 2xx response.
    /// The route set is the response's Record-Route in reverse order.
    public static func uac(request: SIPMessage, response: SIPMessage) -> Dialog? {
        guard let code = response.statusCode, (101..<300).contains(code), let callID = request.callID,
              let from = request.from, let localTag = from.tag, let to = response.to, let remoteTag = to.tag,
              let cseq = request.cseq else { return nil }
        let target = response.contacts.first?.uri ?? request.requestURI
        guard let target else { return nil }
        return Dialog(id: DialogID(callID: callID, localTag: localTag, remoteTag: remoteTag),
                      state: code < 200 ? .early : .confirmed, isUAC: true, local: from, remote: to,
                      remoteTarget: target, routeSet: response.recordRoutes.reversed(),
                      localSequence: cseq.sequence, remoteSequence: nil,
                      secure: request.requestURI?.scheme == .sips)
    }

    /// Outcome of checking a received in-dialog request's CSeq (§12.2.2).
    public enum RequestCheck: Sendable, Equatable {
        case accept
        /// Lower than the last one: answer 500 (Server Internal Error).
        case rejectOutOfOrder
    }

    /// Records the remote CSeq of an in-dialog request (ACK and CANCEL are not ordered).
    public mutating func receive(_ request: SIPMessage) -> RequestCheck {
        guard let cseq = request.cseq, let method = request.method, method != .ack, method != .cancel else {
            return .accept
        }
        if let last = remoteSequence, cseq.sequence <= last {
            // An equal CSeq is a retransmission, handled by the transaction layer before us.
            return cseq.sequence == last ? .accept : .rejectOutOfOrder
        }
        remoteSequence = cseq.sequence
        return .accept
    }

    /// Target refresh (§12.2): a re-INVITE/UPDATE (or its 2xx) with a Contact replaces the target.
    public mutating func refreshTarget(from message: SIPMessage) {
        if let contact = message.contacts.first { remoteTarget = contact.uri }
    }

    /// A 2xx (UAC side) confirms an early dialog; later 2xx route sets are ignored (§12.1.2).
    public mutating func confirm(with response: SIPMessage) {
        guard state == .early, let code = response.statusCode, (200..<300).contains(code) else { return }
        state = .confirmed
        routeSet = isUAC ? response.recordRoutes.reversed() : routeSet
        refreshTarget(from: response)
    }
}
