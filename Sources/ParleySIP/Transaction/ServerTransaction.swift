/// A server transaction (RFC 3261 §17.2): INVITE (Figure 7 as updated by RFC 6026 §7.1,
/// with the Accepted state) or non-INVITE (Figure 8). Pure state machine: no clock, no I/O.
public struct ServerTransaction: Sendable {
    public enum State: String, Sendable, Equatable {
        case trying, proceeding, completed, confirmed, terminated
        /// RFC 6026: a 2xx was sent; INVITE retransmissions are absorbed, the TU's 2xx
        /// retransmissions pass through, and Timer L (64·T1) ends the transaction.
        case accepted
    }

    public enum Event: Sendable, Equatable {
        /// The request arrived for the first time: deliver it to the TU.
        case start
        /// A request matching this transaction arrived again (retransmission, or the ACK
        /// for a non-2xx final response).
        case request(SIPMessage)
        /// The TU sends a response through this transaction.
        case respond(SIPMessage)
        case timerFired(TransactionTimer)
        case transportError
    }

    public let request: SIPMessage
    public let isInvite: Bool
    public let reliable: Bool
    public let timers: TransactionTimers
    /// Send `100 Trying` at once for INVITE (§17.2.1 allows waiting 200 ms for the TU; a
    /// voice bot answers with its own 1xx later, so sending at once keeps timers simple).
    public let sendsTrying: Bool
    public private(set) var state: State
    public private(set) var lastResponse: SIPMessage?
    public private(set) var retransmitIntervalMs: Int

    public init(request: SIPMessage, reliable: Bool, timers: TransactionTimers = TransactionTimers(),
                sendsTrying: Bool = true) {
        self.request = request
        self.isInvite = request.method == .invite
        self.reliable = reliable
        self.timers = timers
        self.sendsTrying = sendsTrying
        self.state = isInvite ? .proceeding : .trying
        self.retransmitIntervalMs = timers.t1Ms
    }

    public var key: TransactionKey? { TransactionKey.server(for: request) }

    public mutating func handle(_ event: Event) -> [TransactionAction] {
        isInvite ? handleInvite(event) : handleNonInvite(event)
    }

    // MARK: INVITE (§17.2.1)

    private mutating func handleInvite(_ event: Event) -> [TransactionAction] {
        switch (state, event) {
        case (.proceeding, .start):
            guard sendsTrying else { return [.deliver(request)] }
            let trying = SIPMessage.response(to: request, statusCode: 100)
            lastResponse = trying
            return [.send(trying), .deliver(request)]
        case let (.proceeding, .request(r)):
            guard r.method == .invite, let lastResponse else { return [] }
            return [.send(lastResponse)]
        case let (.proceeding, .respond(r)):
            guard let code = r.statusCode else { return [] }
            lastResponse = r
            switch code {
            case 100..<200:
                return [.send(r)]
            case 200..<300:
                // RFC 6026 §8.5: Accepted. The UAS core retransmits the 2xx
                // (AcceptedInviteRetransmitter) until the ACK, through `.respond`.
                state = .accepted
                return [.send(r), .startTimer(.L, delayMs: timers.transactionTimeoutMs)]
            default:
                state = .completed
                var actions: [TransactionAction] = [.send(r)]
                if !reliable { actions.append(.startTimer(.G, delayMs: retransmitIntervalMs)) }
                actions.append(.startTimer(.H, delayMs: timers.transactionTimeoutMs))
                return actions
            }
        case let (.accepted, .request(r)):
            // RFC 6026 §8.7: INVITE retransmissions are absorbed (the core's 2xx retransmission
            // covers a lost 2xx); an ACK that matches (RFC 2543 peers) goes to the TU.
            return r.method == .ack ? [.deliver(r)] : []
        case let (.accepted, .respond(r)):
            // RFC 6026 §8.6: 2xx retransmissions from the TU are sent; nothing else may be.
            guard let code = r.statusCode, (200..<300).contains(code) else { return [] }
            lastResponse = r
            return [.send(r)]
        case (.accepted, .timerFired(.L)):
            return terminate([])
        case (.completed, .timerFired(.G)):
            guard let lastResponse else { return [] }
            retransmitIntervalMs = min(2 * retransmitIntervalMs, timers.t2Ms)
            return [.send(lastResponse), .startTimer(.G, delayMs: retransmitIntervalMs)]
        case (.completed, .timerFired(.H)):
            return terminate([.cancelTimer(.G), .timeout])
        case let (.completed, .request(r)):
            if r.method == .ack {
                state = .confirmed
                let actions: [TransactionAction] = [.cancelTimer(.G), .cancelTimer(.H)]
                return reliable ? terminate(actions) : actions + [.startTimer(.I, delayMs: timers.t4Ms)]
            }
            guard let lastResponse else { return [] }
            return [.send(lastResponse)]
        case (.confirmed, .request):
            return []  // absorbed ACK retransmissions
        case (.confirmed, .timerFired(.I)):
            return terminate([])
        case (.proceeding, .transportError), (.completed, .transportError):
            return terminate([.cancelTimer(.G), .cancelTimer(.H), .transportError])
        default:
            return []
        }
    }

    // MARK: non-INVITE (§17.2.2)

    private mutating func handleNonInvite(_ event: Event) -> [TransactionAction] {
        switch (state, event) {
        case (.trying, .start):
            return [.deliver(request)]
        case (.trying, .request):
            return []  // discarded
        case let (.proceeding, .request(r)), let (.completed, .request(r)):
            guard r.method == request.method, let lastResponse else { return [] }
            return [.send(lastResponse)]
        case let (.trying, .respond(r)), let (.proceeding, .respond(r)):
            guard let code = r.statusCode else { return [] }
            lastResponse = r
            if code < 200 {
                state = .proceeding
                return [.send(r)]
            }
            state = .completed
            return reliable ? terminate([.send(r)]) : [.send(r), .startTimer(.J, delayMs: timers.transactionTimeoutMs)]
        case (.completed, .timerFired(.J)):
            return terminate([])
        case (.trying, .transportError), (.proceeding, .transportError), (.completed, .transportError):
            return terminate([.cancelTimer(.J), .transportError])
        default:
            return []
        }
    }

    private mutating func terminate(_ actions: [TransactionAction]) -> [TransactionAction] {
        state = .terminated
        return actions + [.terminated]
    }
}
