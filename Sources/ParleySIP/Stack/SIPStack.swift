import ParleyRealtime

/// The transaction layer and UA core of RFC 3261 on one `EventLoop`: receives frames from a
/// `SIPTransport`, applies the allowlist and rate limit, parses, matches transactions
/// (absorbing retransmissions), drives their timers from a `TimerWheel` ticked by one loop
/// timer, and runs an `InviteSession` per call. The application sees calls through
/// `SIPStackDelegate` and acts through the methods in `SIPStack+Calls.swift`.
///
/// Thread confinement: every method runs on the loop thread (use `loop.execute` from
/// elsewhere); the delegate is called there. That is the invariant behind
/// `@unchecked Sendable`.
public final class SIPStack: @unchecked Sendable {
    public let loop: EventLoop
    public let transport: SIPTransport
    public var configuration: SIPStackConfiguration
    public weak var delegate: (any SIPStackDelegate)?
    public internal(set) var counters = SIPStackCounters()

    enum TimerOwner: Hashable {
        case server(TransactionKey), client(TransactionKey), call(Int)
        /// A call's session timer (RFC 4028), apart from its 2xx retransmission timers.
        case session(Int)
        /// An ended call kept for late retransmissions until T4 (timer name unused).
        case forget(Int)
    }
    struct TimerRef: Hashable {
        let owner: TimerOwner
        let timer: TransactionTimer
    }

    struct ServerEntry {
        var transaction: ServerTransaction
        let peer: SIPPeer
        var call: Int?
    }

    struct ClientEntry {
        var transaction: ClientTransaction
        let peer: SIPPeer
        let call: Int?
    }

    var serverTransactions: [TransactionKey: ServerEntry] = [:]
    var clientTransactions: [TransactionKey: ClientEntry] = [:]
    var calls: [Int: SIPCallState] = [:]
    var dialogs: [DialogID: Int] = [:]
    var wheel: TimerWheel<TimerRef>
    /// Armed timers per owner, so ending an owner costs its own timers only.
    var timerIDs: [TimerOwner: [TransactionTimer: TimerWheel<TimerRef>.TimerID]] = [:]
    var tickTimer: EventLoopTimerID?
    var rateLimiter: RateLimiter<SocketAddress>?
    let parser: SIPParser
    var nextCallID = 1
    var lastSweepMs: Int64 = 0
    var rng = SystemRandomNumberGenerator()

    public init(transport: SIPTransport, configuration: SIPStackConfiguration) {
        self.loop = transport.loop
        self.transport = transport
        self.configuration = configuration
        self.parser = SIPParser(limits: transport.configuration.limits)
        self.wheel = TimerWheel(startMs: Monotonic.nowMs())
        if let r = configuration.rateLimit {
            rateLimiter = RateLimiter(ratePerSecond: r.ratePerSecond, burst: r.burst)
        }
    }

    /// Hooks the transport and starts the timer tick. Loop thread (or before the loop runs).
    public func start() throws(RealtimeError) {
        let me = LoopBound(self)
        transport.onFrame = { bytes, peer, framing in me.value.receive(bytes, from: peer, framing: framing) }
        tickTimer = try loop.scheduleTimer(afterMs: configuration.tickMs, repeatEveryMs: configuration.tickMs) {
            me.value.tick()
        }
    }

    /// Stops the tick and detaches from the transport. Loop thread.
    public func stop() {
        if let tickTimer { loop.cancelTimer(tickTimer) }
        tickTimer = nil
        transport.onFrame = nil
    }

    /// While draining, OPTIONS get 503 + Retry-After and new INVITEs 503.
    public var draining: Bool {
        get { configuration.options.draining }
        set { configuration.options.draining = newValue }
    }

    public var activeCallCount: Int { calls.count }
    public var transactionCount: Int { serverTransactions.count + clientTransactions.count }

    /// The states of the live client / server transactions for `method` (inspection, tests).
    public func clientTransactionStates(method: SIPMethod) -> [ClientTransaction.State] {
        clientTransactions.filter { $0.key.method == method }.map(\.value.transaction.state)
    }

    public func serverTransactionStates(method: SIPMethod) -> [ServerTransaction.State] {
        serverTransactions.filter { $0.key.method == method }.map(\.value.transaction.state)
    }

    // MARK: timers

    func tick() {
        let now = Monotonic.nowMs()
        for fired in wheel.advance(toMs: now) {
            let ref = fired.payload
            guard timerIDs[ref.owner]?[ref.timer] == fired.id else { continue }
            timerIDs[ref.owner]?[ref.timer] = nil
            if timerIDs[ref.owner]?.isEmpty == true { timerIDs[ref.owner] = nil }
            timerFired(ref)
        }
        if now - lastSweepMs >= 1_000 {
            lastSweepMs = now
            transport.sweepIdle(nowMs: now)
        }
    }

    func startTimer(_ ref: TimerRef, delayMs: Int) {
        if let old = timerIDs[ref.owner]?[ref.timer] { wheel.cancel(old) }
        timerIDs[ref.owner, default: [:]][ref.timer] = wheel.schedule(ref, afterMs: Int64(delayMs))
    }

    func cancelTimer(_ ref: TimerRef) {
        if let old = timerIDs[ref.owner]?.removeValue(forKey: ref.timer) { wheel.cancel(old) }
        if timerIDs[ref.owner]?.isEmpty == true { timerIDs[ref.owner] = nil }
    }

    func cancelTimers(of owner: TimerOwner) {
        guard let armed = timerIDs.removeValue(forKey: owner) else { return }
        for id in armed.values { wheel.cancel(id) }
    }

    func timerFired(_ ref: TimerRef) {
        switch ref.owner {
        case let .server(key): serverEvent(key, .timerFired(ref.timer))
        case let .client(key): clientEvent(key, .timerFired(ref.timer))
        case let .call(id): retransmitterTimerFired(call: id, ref.timer)
        case let .session(id):
            guard let state = calls[id] else { return }
            sessionEvent(id, .sessionTimerFired(via: newVia(state.transport)))
        case let .forget(id): forgetCall(id)
        }
    }

    // MARK: identifiers

    func randomToken(_ count: Int = 16) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        return String((0..<count).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
    }

    func newVia(_ transport: SIPTransportProtocol) -> SIPVia {
        var via = SIPVia(transport: transport.rawValue, host: viaHost, port: Int(localPort(transport)),
                         branch: SIPVia.magicCookie + randomToken())
        via.parameters.set("rport", nil)
        return via
    }

    var viaHost: String { configuration.localHost.contains(":") ? "[\(configuration.localHost)]" : configuration.localHost }

    func localPort(_ transport: SIPTransportProtocol) -> UInt16 {
        let family: SocketAddress.Family = configuration.localHost.contains(":") ? .ipv6 : .ipv4
        let addresses = transport == .udp ? self.transport.udpAddresses : self.transport.tcpAddresses
        return (addresses.first { $0.family == family } ?? addresses.first)?.port ?? 5060
    }

    func localContact(_ transport: SIPTransportProtocol) -> SIPURI {
        var uri = SIPURI(user: configuration.contactUser, host: viaHost, port: Int(localPort(transport)))
        if transport == .tcp { uri.parameters.set("transport", "tcp") }
        return uri
    }
}
