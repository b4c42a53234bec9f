import ParleyRealtime

/// SIP transports (RFC 3261 §18) on an `EventLoop`: UDP and TCP listeners on IPv4 and
/// IPv6. Incoming datagrams and TCP stream frames (cut by `SIPStreamFramer`) are handed
/// as bytes to `onFrame` with their peer, so the owner can apply its allowlist and rate
/// limit before paying for a parse. Outgoing messages go to a `SIPPeer`.
///
/// Thread confinement: everything after `bind`/`listen` runs on the loop thread (handlers
/// are called there; call `send` and `sweepIdle` there). This is the invariant behind
/// `@unchecked Sendable`: the object is only handed to the loop, never used concurrently.
public final class SIPTransport: @unchecked Sendable {
    public let loop: EventLoop
    public let configuration: SIPTransportConfiguration
    public internal(set) var counters = SIPTransportCounters()
    /// Called on the loop thread for each datagram or stream frame.
    public var onFrame: ((_ bytes: [UInt8], _ peer: SIPPeer, _ framing: SIPParser.Framing) -> Void)?

    var udpSockets: [UDPSocket] = []
    var batches: [DatagramBatch] = []
    var listeners: [TCPListener] = []
    var connections: [Int: SIPStreamConnection] = [:]
    var connectionByPeer: [SocketAddress: Int] = [:]
    var nextConnectionID = 1
    let datagramCapacity: Int

    public init(loop: EventLoop, configuration: SIPTransportConfiguration = SIPTransportConfiguration()) {
        self.loop = loop
        self.configuration = configuration
        datagramCapacity = configuration.limits.maxMessageBytes + 1
    }

    /// Local UDP addresses bound so far.
    public var udpAddresses: [SocketAddress] { udpSockets.map(\.localAddress) }
    /// Local TCP listening addresses.
    public var tcpAddresses: [SocketAddress] { listeners.map(\.localAddress) }
    public var openConnectionCount: Int { connections.count }

    // MARK: setup

    /// Binds a UDP socket (port 0: kernel-chosen). Returns the bound address.
    @discardableResult
    public func bindUDP(_ address: SocketAddress, receiveBufferBytes: Int? = 1 << 21) throws(RealtimeError) -> SocketAddress {
        let socket = try UDPSocket.bind(to: address, receiveBufferBytes: receiveBufferBytes)
        let batch = try DatagramBatch(capacity: max(1, configuration.udpBatchSize), maxDatagramBytes: datagramCapacity)
        let index = udpSockets.count
        udpSockets.append(socket)
        batches.append(batch)
        let me = LoopBound(self)
        try loop.register(fd: socket.fileDescriptor, interest: .readable) { _ in me.value.readUDP(index) }
        return socket.localAddress
    }

    /// Listens for TCP (port 0: kernel-chosen). Returns the bound address.
    @discardableResult
    public func listenTCP(_ address: SocketAddress, backlog: Int32 = 512) throws(RealtimeError) -> SocketAddress {
        let listener = try TCPListener.listen(on: address, backlog: backlog)
        listeners.append(listener)
        let me = LoopBound(self)
        try loop.register(fd: listener.fileDescriptor, interest: .readable) { _ in me.value.accept(listener) }
        return listener.localAddress
    }

    /// Unregisters and closes every socket. Loop thread, or after the loop stopped.
    public func close() {
        for s in udpSockets { loop.unregister(fd: s.fileDescriptor); s.close() }
        for l in listeners { loop.unregister(fd: l.fileDescriptor); l.close() }
        for id in Array(connections.keys) { closeConnection(id) }
        udpSockets = []
        listeners = []
    }

    // MARK: UDP

    func readUDP(_ index: Int) {
        let socket = udpSockets[index], batch = batches[index]
        // Bounded work per wake-up: a flood cannot starve timers and other sockets.
        for _ in 0..<8 {
            guard case let .transferred(n) = socket.receive(batch), n > 0 else { return }
            for i in 0..<n {
                let length = batch.byteCount(at: i)
                if batch.isTruncated(at: i) || length > configuration.limits.maxMessageBytes {
                    counters.oversizedDatagramsDropped += 1
                    continue
                }
                var bytes = [UInt8](repeating: 0, count: length)
                _ = batch.copyPayload(at: i, into: &bytes)
                counters.framesReceived += 1
                counters.bytesReceived += length
                onFrame?(bytes, SIPPeer(transport: .udp, address: batch.address(at: i)), .datagram)
            }
            if n < batch.capacity { return }
        }
    }

    // MARK: sending

    /// Sends `bytes` to `peer`. UDP picks the socket of the address family; TCP uses the
    /// peer's connection (by id, else by address) or opens one. False when refused or failed.
    @discardableResult
    public func send(_ bytes: [UInt8], to peer: SIPPeer) -> Bool {
        if configuration.loopbackOnly, !peer.address.isLoopback {
            counters.refusedNonLoopbackSends += 1
            return false
        }
        switch peer.transport {
        case .udp:
            guard let socket = udpSockets.first(where: { $0.localAddress.family == peer.address.family }) else {
                counters.noRouteSends += 1
                return false
            }
            guard case .sent = socket.send(bytes, to: peer.address) else {
                counters.sendFailures += 1
                return false
            }
            counters.messagesSent += 1
            return true
        case .tcp:
            return sendStream(bytes, to: peer)
        }
    }

    @discardableResult
    public func send(_ message: SIPMessage, to peer: SIPPeer) -> Bool { send(message.serialized(), to: peer) }
}

/// A reference carried into loop handlers. `unowned` (checked): the owner outlives its
/// registrations, which it removes in `close()`. Loop-thread use only, hence the
/// `@unchecked Sendable`.
struct LoopBound<T: AnyObject>: @unchecked Sendable {
    unowned let value: T
    init(_ value: T) { self.value = value }
}
