/// A client transaction (RFC 3261 §17.1): INVITE (Figure 5 as updated by RFC 6026 §7.2,
/// with the Accepted state) or non-INVITE (Figure 6).
/// Pure state machine: no clock, no I/O. Feed events, perform the returned actions.
public struct ClientTransaction: Sendable {
    public enum State: String, Sendable, Equatable {
        case calling, trying, proceeding, completed, terminated
        /// RFC 6026: a 2xx arrived; further 2xx (retransmissions, forks) go to the TU, which
        /// ACKs each, until Timer M (64·T1).
        case accepted
    }

    public enum Event: Sendable, Equatable {
        /// Send the request for the first time.
        case start
        case response(SIPMessage)
        case timerFired(TransactionTimer)
        case transportError
    }

    public let request: SIPMessage
    public let isInvite: Bool
    /// Reliable transports (TCP/TLS) do not retransmit and zero the wait timers.
    public let reliable: Bool
    public let timers: TransactionTimers
    public private(set) var state: State
    /// The ACK sent for a non-2xx final response (INVITE only), resent on retransmissions.
    public private(set) var ack: SIPMessage?
    /// Current retransmission interval for Timer A or E.
    public private(set) var retransmitIntervalMs: Int

    public init(request: SIPMessage, reliable: Bool, timers: TransactionTimers = TransactionTimers()) {
        self.request = request
        self.isInvite = request.method == .invite
        self.reliable = reliable
        self.timers = timers
        self.state = isInvite ? .calling : .trying
        self.retransmitIntervalMs = timers.t1Ms
    }

    public var key: TransactionKey? { TransactionKey.client(for: request) }

    public mutating func handle(_ event: Event) -> [TransactionAction] {
        isInvite ? handleInvite(event) : handleNonInvite(event)
    }

    // MARK: INVITE (§17.1.1)

    private mutating func handleInvite(_ event: Event) -> [TransactionAction] {
        switch (state, event) {
        case (.calling, .start):
            var actions: [TransactionAction] = [.send(request)]
            if !reliable { actions.append(.startTimer(.A, delayMs: retransmitIntervalMs)) }
            actions.append(.startTimer(.B, delayMs: timers.transactionTimeoutMs))
            return actions
        case (.calling, .timerFired(.A)):
            retransmitIntervalMs *= 2
            return [.send(request), .startTimer(.A, delayMs: retransmitIntervalMs)]
        case (.calling, .timerFired(.B)):
            return terminate([.timeout])
        case let (.calling, .response(r)), let (.proceeding, .response(r)):
            guard let code = r.statusCode else { return [] }
            switch code {
            case 100..<200:
                var actions: [TransactionAction] = []
                if state == .calling {
                    if !reliable { actions.append(.cancelTimer(.A)) }
                    actions.append(.cancelTimer(.B))
                }
                state = .proceeding
                return actions + [.deliver(r)]
            case 200..<300:
                // RFC 6026 §8.4: Accepted. The TU (dialog layer) ACKs every 2xx itself.
                state = .accepted
                return [.cancelTimer(.A), .cancelTimer(.B), .deliver(r), .startTimer(.M, delayMs: timers.transactionTimeoutMs)]
            default:
                let ack = SIPMessage.ack(for: request, response: r)
                self.ack = ack
                state = .completed
                return [.cancelTimer(.A), .cancelTimer(.B), .send(ack), .deliver(r)]
                    + (reliable ? terminate([]) : [.startTimer(.D, delayMs: timers.timerDMs)])
            }
        case let (.completed, .response(r)):
            // Retransmitted final response: resend the ACK, do not deliver.
            guard let code = r.statusCode, code >= 300, let ack else { return [] }
            return [.send(ack)]
        case let (.accepted, .response(r)):
            // RFC 6026 §7.2: 2xx retransmissions reach the TU (it re-sends the ACK); others are dropped.
            guard let code = r.statusCode, (200..<300).contains(code) else { return [] }
            return [.deliver(r)]
        case (.accepted, .timerFired(.M)):
            return terminate([])
        case (.completed, .timerFired(.D)):
            return terminate([])
        case (.calling, .transportError), (.proceeding, .transportError):
            return terminate([.cancelTimer(.A), .cancelTimer(.B), .transportError])
        default:
            return []
        }
    }

    // MARK: non-INVITE (§17.1.2)

    private mutating func handleNonInvite(_ event: Event) -> [TransactionAction] {
        switch (state, event) {
        case (.trying, .start):
            var actions: [TransactionAction] = [.send(request)]
            if !reliable { actions.append(.startTimer(.E, delayMs: retransmitIntervalMs)) }
            actions.append(.startTimer(.F, delayMs: timers.transactionTimeoutMs))
            return actions
        case (.trying, .timerFired(.E)):
            retransmitIntervalMs = min(2 * retransmitIntervalMs, timers.t2Ms)
            return [.send(request), .startTimer(.E, delayMs: retransmitIntervalMs)]
        case (.proceeding, .timerFired(.E)):
            retransmitIntervalMs = timers.t2Ms
            return [.send(request), .startTimer(.E, delayMs: retransmitIntervalMs)]
        case (.trying, .timerFired(.F)), (.proceeding, .timerFired(.F)):
            return terminate([.cancelTimer(.E), .timeout])
        case let (.trying, .response(r)), let (.proceeding, .response(r)):
            guard let code = r.statusCode else { return [] }
            if code < 200 {
                state = .proceeding
                return [.deliver(r)]
            }
            state = .completed
            let actions: [TransactionAction] = [.cancelTimer(.E), .cancelTimer(.F), .deliver(r)]
            return reliable ? terminate(actions) : actions + [.startTimer(.K, delayMs: timers.t4Ms)]
        case (.completed, .response):
            return []  // absorbed
        case (.completed, .timerFired(.K)):
            return terminate([])
        case (.trying, .transportError), (.proceeding, .transportError):
            return terminate([.cancelTimer(.E), .cancelTimer(.F), .transportError])
        default:
            return []
        }
    }

    private mutating func terminate(_ actions: [TransactionAction]) -> [TransactionAction] {
        state = .terminated
        return actions + [.terminated]
    }
}
