/// The UAS core's 2xx retransmission for an accepted INVITE (RFC 3261 §13.3.1.4): the 2xx
/// is resent at T1, 2·T1, … capped at T2 until the ACK arrives; after 64·T1 without an ACK
/// the TU should end the session (send BYE).
public struct AcceptedInviteRetransmitter: Sendable {
    public enum State: String, Sendable, Equatable { case waitingForAck, acknowledged, timedOut }

    public enum Event: Sendable, Equatable {
        case start
        case ack
        case timerFired(TransactionTimer)
    }

    public let response: SIPMessage
    public let reliable: Bool
    public let timers: TransactionTimers
    public private(set) var state: State = .waitingForAck
    public private(set) var retransmitIntervalMs: Int

    public init(response: SIPMessage, reliable: Bool, timers: TransactionTimers = TransactionTimers()) {
        self.response = response
        self.reliable = reliable
        self.timers = timers
        self.retransmitIntervalMs = timers.t1Ms
    }

    /// The response was sent by the server transaction already; `.start` arms the timers.
    public mutating func handle(_ event: Event) -> [TransactionAction] {
        guard state == .waitingForAck else { return [] }
        switch event {
        case .start:
            var actions: [TransactionAction] = []
            if !reliable { actions.append(.startTimer(.retransmit2xx, delayMs: retransmitIntervalMs)) }
            actions.append(.startTimer(.ackTimeout, delayMs: timers.transactionTimeoutMs))
            return actions
        case .ack:
            state = .acknowledged
            return [.cancelTimer(.retransmit2xx), .cancelTimer(.ackTimeout), .terminated]
        case .timerFired(.retransmit2xx):
            retransmitIntervalMs = min(2 * retransmitIntervalMs, timers.t2Ms)
            return [.send(response), .startTimer(.retransmit2xx, delayMs: retransmitIntervalMs)]
        case .timerFired(.ackTimeout):
            state = .timedOut
            return [.cancelTimer(.retransmit2xx), .timeout, .terminated]
        case .timerFired:
            return []
        }
    }
}
