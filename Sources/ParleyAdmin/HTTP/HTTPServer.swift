// HTTPServer — the admin API's HTTP/1.1 transport on libmicrohttpd: one internal polling
// thread does the sockets, parsing, keep-alive, pipelining, HEAD, `100-continue`, the
// connection limit and the connection timeout. Each complete request is handed to a
// `Task` running the async handler while its connection is suspended; the answer is
// stored and the connection resumed, so the polling thread never waits on an `await`.
//
// The calls into libmicrohttpd and its callbacks are in HTTPServer+C.swift.
import ParleyRealtime
import Synchronization

public final class HTTPServer: Sendable {
    public struct Configuration: Sendable {
        public var listenAddress: SocketAddress
        public var limits: HTTPLimits
        /// A connection on which nothing is received or sent for this long is closed
        /// (libmicrohttpd counts whole seconds: rounded up, at least 1 s). This covers a
        /// request that stops arriving half way as well as an idle keep-alive connection.
        public var idleTimeoutMs: Int
        /// More simultaneous connections are not accepted: they wait in the listen backlog
        /// until one closes (libmicrohttpd stops accepting at the limit).
        public var maxConnections: Int

        public init(listenAddress: SocketAddress, limits: HTTPLimits = HTTPLimits(), idleTimeoutMs: Int = 30_000,
                    maxConnections: Int = 64) {
            self.listenAddress = listenAddress
            self.limits = limits
            self.idleTimeoutMs = idleTimeoutMs
            self.maxConnections = maxConnections
        }

        var connectionTimeoutSeconds: UInt32 { UInt32(clamping: max(1, (idleTimeoutMs + 999) / 1000)) }
    }

    struct State {
        var daemon: MHDDaemonRef?
        var localAddress: SocketAddress?
        /// Set by `stop()`: no request is suspended any more, and none is resumed.
        var stopping = false
        /// Connections suspended while their request is being handled, by outcome.
        var suspended: [ObjectIdentifier: MHDConnectionRef] = [:]
    }

    public let configuration: Configuration
    let handler: HTTPHandler
    let state = Mutex(State())

    /// `handler` runs in a Task for every request; it may suspend freely.
    public init(configuration: Configuration, handler: @escaping HTTPHandler) {
        self.configuration = configuration
        self.handler = handler
    }

    /// The bound address (port 0 in the configuration: the kernel's choice). Nil until started.
    public var localAddress: SocketAddress? { state.withLock { $0.localAddress } }

    /// Connections libmicrohttpd holds now (0 when not running).
    public var connectionCount: Int { state.withLock { s in s.daemon.map { Int($0.connectionCount) } ?? 0 } }

    /// Binds, listens and starts libmicrohttpd's polling thread.
    public func start() throws(HTTPServerError) {
        let running = state.withLock { $0.daemon != nil }
        if running { throw HTTPServerError(.alreadyStarted) }
        let daemon = try MHDDaemonRef.start(server: self)
        var bound = configuration.listenAddress
        let port = daemon.boundPort
        if port != 0, let address = SocketAddress(host: bound.host, port: port) { bound = address }
        state.withLock { s in
            s.daemon = daemon
            s.localAddress = bound
            s.stopping = false
        }
    }

    /// Stops listening and closes every connection; answers still being computed are
    /// dropped. Returns when libmicrohttpd's thread has finished. Safe to call twice.
    public func stop() {
        let daemon = state.withLock { s -> MHDDaemonRef? in
            s.stopping = true
            // libmicrohttpd must not be stopped with suspended connections: resume them
            // (their handlers' answers, when they come, find nothing to resume).
            for connection in s.suspended.values { connection.resume() }
            s.suspended.removeAll()
            defer { s.daemon = nil; s.localAddress = nil }
            return s.daemon
        }
        daemon?.stop()
    }

    /// Refuses new requests (503) and waits up to `graceMs` for the answers being computed
    /// to be sent and their connections closed, then stops as `stop()`. A process that
    /// exits after the request that ended its work (`parley campaign run-local` after the
    /// last `stop`) answers that request first.
    public func stop(graceMs: Int) async {
        let deadline = Monotonic.nowNs() + UInt64(max(0, graceMs)) * 1_000_000
        state.withLock { $0.stopping = true }
        while Monotonic.nowNs() < deadline {
            let busy = state.withLock { s in !s.suspended.isEmpty || (s.daemon.map { $0.connectionCount } ?? 0) > 0 }
            guard busy else { break }
            try? await Task.sleep(for: .milliseconds(10))
        }
        stop()
    }

    // MARK: called from the polling thread (HTTPServer+C.swift)

    /// Hands a complete request to the handler and suspends its connection. False when the
    /// server is stopping (the caller answers 503 at once).
    func dispatch(_ exchange: HTTPExchange, on connection: MHDConnectionRef) -> Bool {
        let outcome = exchange.outcome
        let admitted = state.withLock { s -> Bool in
            guard !s.stopping else { return false }
            connection.suspend()
            s.suspended[ObjectIdentifier(outcome)] = connection
            return true
        }
        guard admitted else { return false }
        let request = exchange.request
        let handler = self.handler
        Task { [self] in
            let response = await handler(request)
            complete(outcome, with: response)
        }
        return true
    }

    var isStopping: Bool { state.withLock { $0.stopping } }

    /// Stores the answer and resumes the connection, unless the server stopped meanwhile.
    private func complete(_ outcome: HTTPExchangeOutcome, with response: HTTPResponse) {
        state.withLock { s in
            guard let connection = s.suspended.removeValue(forKey: ObjectIdentifier(outcome)) else { return }
            outcome.set(response)
            connection.resume()
        }
    }
}
