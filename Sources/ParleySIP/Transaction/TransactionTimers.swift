/// RFC 3261 timer base values (§17.1.1.1, Table 4), in milliseconds.
public struct TransactionTimers: Sendable, Equatable {
    /// RTT estimate (default 500 ms).
    public var t1Ms: Int
    /// Maximum retransmit interval for non-INVITE requests and INVITE responses (default 4 s).
    public var t2Ms: Int
    /// Maximum duration a message remains in the network (default 5 s).
    public var t4Ms: Int

    /// Timer D: how long a client INVITE transaction absorbs retransmitted final responses
    /// (§17.1.1.2: more than 32 s on unreliable transports; 0 on reliable ones). Lower it only
    /// where every peer uses a short T1 too (tests).
    public var timerDMs: Int

    public init(t1Ms: Int = 500, t2Ms: Int = 4_000, t4Ms: Int = 5_000, timerDMs: Int = 32_000) {
        self.t1Ms = t1Ms
        self.t2Ms = t2Ms
        self.t4Ms = t4Ms
        self.timerDMs = timerDMs
    }

    /// 64·T1: Timers B, F, H and J (unreliable), L and M (RFC 6026) and the 2xx-until-ACK limit.
    public var transactionTimeoutMs: Int { 64 * t1Ms }
}

/// The RFC's transaction timers (Table 4) plus the UAS core's 2xx retransmission timers.
public enum TransactionTimer: String, Sendable, Hashable {
    case A, B, D, E, F, K, G, H, I, J
    /// RFC 6026: how long the INVITE server (L) and client (M) transactions stay Accepted
    /// after a 2xx (64·T1).
    case L, M
    /// RFC 4028: a call's session timer (refresh at half the interval, or expiry).
    case sessionTimer
    /// §13.3.1.4: retransmit the 2xx to an INVITE (T1 doubling to T2).
    case retransmit2xx
    /// §13.3.1.4: give up waiting for the ACK after 64·T1.
    case ackTimeout
}

/// What a transaction asks its owner (the transport shell and the TU) to do.
public enum TransactionAction: Sendable, Equatable {
    /// Send this message to the transaction's peer (the request's destination for client
    /// transactions, the response address of §18.2.2 for server transactions).
    case send(SIPMessage)
    /// Arm `timer` to fire after `delayMs`; re-arming a running timer replaces it.
    case startTimer(TransactionTimer, delayMs: Int)
    case cancelTimer(TransactionTimer)
    /// Pass this message up to the transaction user (responses for client transactions,
    /// the request for server transactions).
    case deliver(SIPMessage)
    /// Timer B/F/H fired or the transport failed: tell the TU (a 408 for clients).
    case timeout
    case transportError
    /// The transaction is over: forget it (and any timers still armed for it).
    case terminated
}
