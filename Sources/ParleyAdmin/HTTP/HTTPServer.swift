// HTTPServer — HTTP/1.1 on the realtime EventLoop: nonblocking accept, incremental
// parsing, keep-alive and pipelining (one request in flight per connection, answered in
// order), idle and request timeouts, a connection limit.
//
// Concurrency: socket events and all connection state changes run on the loop thread;
// the state sits in a `Mutex` so that the type is plainly `Sendable`. Requests are handed
// to a `Task` running the async handler; the response is posted back with
// `loop.execute`, so the loop thread never waits on an `await`.
import ParleyRealtime
import Synchronization

public final class HTTPServer: Sendable {
    public struct Configuration: Sendable {
        public var listenAddress: SocketAddress
        public var limits: HTTPLimits
        /// A connection with no request under way is closed after this long.
        public var idleTimeoutMs: Int
        /// A request whose head and body do not arrive within this long gets 408.
        public var requestTimeoutMs: Int
        public var maxConnections: Int

        public init(listenAddress: SocketAddress, limits: HTTPLimits = HTTPLimits(), idleTimeoutMs: Int = 30_000,
                    requestTimeoutMs: Int = 10_000, maxConnections: Int = 64) {
            self.listenAddress = listenAddress
            self.limits = limits
            self.idleTimeoutMs = idleTimeoutMs
            self.requestTimeoutMs = requestTimeoutMs
            self.maxConnections = maxConnections
        }
    }

    struct Connection {
        let id: UInt64
        let socket: TCPConnection
        var parser: HTTPRequestParser
        var outbound: [UInt8] = []
        var inFlight = false
        var closeAfterWrite = false
        var readClosed = false
        var wantsWritable = false
        var lastActivityMs: Int64
        /// When the first byte of the request being received arrived.
        var requestStartedMs: Int64?
    }

    struct State {
        var listener: TCPListener?
        var sweepTimer: EventLoopTimerID?
        var connections: [Int32: Connection] = [:]
        var nextConnectionID: UInt64 = 1
        var readBuffer = [UInt8](repeating: 0, count: 16 * 1024)
        var acceptedCount = 0
        var rejectedCount = 0
    }

    public let configuration: Configuration
    public let loop: EventLoop
    let handler: HTTPHandler
    let state = Mutex(State())

    /// `handler` runs in a Task for every request; it may suspend freely.
    public init(configuration: Configuration, loop: EventLoop, handler: @escaping HTTPHandler) {
        self.configuration = configuration
        self.loop = loop
        self.handler = handler
    }

    /// The bound address (port 0 in the configuration: the kernel's choice). Nil until started.
    public var localAddress: SocketAddress? { state.withLock { $0.listener?.localAddress } }

    public var connectionCount: Int { state.withLock { $0.connections.count } }

    /// Binds, listens and starts serving on the loop (which the caller runs).
    public func start() throws(RealtimeError) {
        let listener = try TCPListener.listen(on: configuration.listenAddress)
        state.withLock { $0.listener = listener }
        do {
            try loop.register(fd: listener.fileDescriptor, interest: .readable) { [self] _ in acceptPending() }
            let sweepMs = max(10, min(configuration.idleTimeoutMs, configuration.requestTimeoutMs) / 4)
            let timer = try loop.scheduleTimer(afterMs: sweepMs, repeatEveryMs: sweepMs) { [self] in sweep() }
            state.withLock { $0.sweepTimer = timer }
        } catch {
            loop.unregister(fd: listener.fileDescriptor)
            listener.close()
            state.withLock { $0.listener = nil }
            throw error
        }
    }

    /// Stops listening and closes every connection. Responses still being computed are dropped.
    /// Run it on the loop thread, or after the loop has stopped.
    public func stop() {
        let (listener, timer, connections) = state.withLock { s in
            defer { s.listener = nil; s.sweepTimer = nil; s.connections.removeAll() }
            return (s.listener, s.sweepTimer, Array(s.connections))
        }
        if let timer { loop.cancelTimer(timer) }
        if let listener {
            loop.unregister(fd: listener.fileDescriptor)
            listener.close()
        }
        for (fd, connection) in connections {
            loop.unregister(fd: fd)
            connection.socket.close()
        }
    }

    // MARK: loop thread

    private func acceptPending() {
        guard let listener = state.withLock({ $0.listener }) else { return }
        while true {
            switch listener.accept() {
            case .wouldBlock, .failed:
                return
            case .accepted(let socket, _):
                let admitted = state.withLock { s -> UInt64? in
                    guard s.connections.count < configuration.maxConnections else {
                        s.rejectedCount += 1
                        return nil
                    }
                    let id = s.nextConnectionID
                    s.nextConnectionID += 1
                    s.acceptedCount += 1
                    s.connections[socket.fileDescriptor] = Connection(
                        id: id, socket: socket, parser: HTTPRequestParser(limits: configuration.limits),
                        lastActivityMs: Monotonic.nowMs())
                    return id
                }
                guard admitted != nil else {
                    let busy = HTTPResponse.error(status: 503, code: "too_many_connections", message: "connection limit reached")
                    _ = socket.write(busy.serialized(keepAlive: false))
                    socket.close()
                    continue
                }
                let fd = socket.fileDescriptor
                do {
                    try loop.register(fd: fd, interest: .readable) { [self] events in handleEvents(fd: fd, events: events) }
                } catch {
                    close(fd: fd)
                }
            }
        }
    }

    private func handleEvents(fd: Int32, events: IOEvents) {
        if events.contains(.writable) { flush(fd: fd) }
        if events.contains(.readable) || events.contains(.hangup) || events.contains(.error) { readAvailable(fd: fd) }
    }

    private func readAvailable(fd: Int32) {
        enum Outcome { case keep, close }
        let outcome = state.withLock { s -> Outcome in
            guard var connection = s.connections[fd] else { return .keep }
            defer { s.connections[fd] = connection }
            while !connection.readClosed {
                switch connection.socket.read(into: &s.readBuffer) {
                case .transferred(let n):
                    if n == 0 { return .keep }
                    let now = Monotonic.nowMs()
                    connection.lastActivityMs = now
                    if connection.parser.bufferedByteCount == 0 && connection.requestStartedMs == nil {
                        connection.requestStartedMs = now
                    }
                    connection.parser.append(s.readBuffer[0..<n])
                    // Pipelined input beyond one full request while one is in flight: stop reading.
                    if connection.parser.bufferedByteCount > configuration.limits.maxHeaderBytes + configuration.limits.maxBodyBytes {
                        return .close
                    }
                case .wouldBlock:
                    return .keep
                case .closed:
                    connection.readClosed = true
                case .failed:
                    return .close
                }
            }
            return .keep
        }
        if outcome == .close { return close(fd: fd) }
        let readClosed = state.withLock { $0.connections[fd]?.readClosed ?? false }
        if readClosed { try? loop.modify(fd: fd, interest: []) }
        pump(fd: fd)
    }

    /// Starts the next buffered request if none is in flight; closes when finished.
    private func pump(fd: Int32) {
        enum Step { case none, dispatch(HTTPRequest, UInt64), respond, close }
        let step = state.withLock { s -> Step in
            guard var connection = s.connections[fd] else { return .none }
            defer { s.connections[fd] = connection }
            if connection.inFlight || connection.closeAfterWrite { return .none }
            switch connection.parser.next() {
            case .request(let request):
                connection.inFlight = true
                connection.requestStartedMs = connection.parser.bufferedByteCount > 0 ? Monotonic.nowMs() : nil
                return .dispatch(request, connection.id)
            case .failed(let error):
                let response = HTTPResponse.error(status: error.status, code: error.code.rawValue,
                                                  message: "malformed request")
                connection.outbound.append(contentsOf: response.serialized(keepAlive: false))
                connection.closeAfterWrite = true
                return .respond
            case .needMoreData:
                return connection.readClosed && connection.outbound.isEmpty ? .close : .none
            }
        }
        switch step {
        case .none: return
        case .close: close(fd: fd)
        case .respond: flush(fd: fd)
        case .dispatch(let request, let id):
            let handler = self.handler
            Task { [self] in
                let response = await handler(request)
                loop.execute { [self] in complete(fd: fd, id: id, request: request, response: response) }
            }
        }
    }

    private func complete(fd: Int32, id: UInt64, request: HTTPRequest, response: HTTPResponse) {
        let current = state.withLock { s -> Bool in
            guard var connection = s.connections[fd], connection.id == id else { return false }
            defer { s.connections[fd] = connection }
            let keepAlive = request.keepAlive && !(connection.readClosed && connection.parser.bufferedByteCount == 0)
            connection.outbound.append(contentsOf: response.serialized(keepAlive: keepAlive, headOnly: request.method == "HEAD"))
            connection.inFlight = false
            connection.lastActivityMs = Monotonic.nowMs()
            if !keepAlive { connection.closeAfterWrite = true }
            return true
        }
        if current { flush(fd: fd) }
    }

    private func flush(fd: Int32) {
        enum Next { case none, wait, pump, close }
        let next = state.withLock { s -> Next in
            guard var connection = s.connections[fd] else { return .none }
            defer { s.connections[fd] = connection }
            while !connection.outbound.isEmpty {
                switch connection.socket.write(connection.outbound) {
                case .transferred(let n):
                    connection.outbound.removeFirst(n)
                case .wouldBlock:
                    if connection.wantsWritable { return .none }
                    connection.wantsWritable = true
                    return .wait
                case .closed, .failed:
                    return .close
                }
            }
            connection.wantsWritable = false
            return connection.closeAfterWrite ? .close : .pump
        }
        switch next {
        case .none: return
        case .close: close(fd: fd)
        case .wait: try? loop.modify(fd: fd, interest: [.readable, .writable])
        case .pump:
            let readClosed = state.withLock { $0.connections[fd]?.readClosed ?? true }
            try? loop.modify(fd: fd, interest: readClosed ? [] : .readable)
            pump(fd: fd)
        }
    }

    private func close(fd: Int32) {
        guard let connection = state.withLock({ $0.connections.removeValue(forKey: fd) }) else { return }
        loop.unregister(fd: fd)
        connection.socket.close()
    }

    private func sweep() {
        let now = Monotonic.nowMs()
        let (idle, late) = state.withLock { s -> ([Int32], [Int32]) in
            var idle: [Int32] = []
            var late: [Int32] = []
            for (fd, c) in s.connections where !c.inFlight && c.outbound.isEmpty && !c.closeAfterWrite {
                if let started = c.requestStartedMs, c.parser.bufferedByteCount > 0 {
                    if now - started > Int64(configuration.requestTimeoutMs) { late.append(fd) }
                } else if now - c.lastActivityMs > Int64(configuration.idleTimeoutMs) {
                    idle.append(fd)
                }
            }
            return (idle, late)
        }
        for fd in idle { close(fd: fd) }
        for fd in late {
            state.withLock { s in
                guard var c = s.connections[fd] else { return }
                let response = HTTPResponse.error(status: 408, code: "request_timeout", message: "request not received in time")
                c.outbound.append(contentsOf: response.serialized(keepAlive: false))
                c.closeAfterWrite = true
                s.connections[fd] = c
            }
            flush(fd: fd)
        }
    }
}
