import ParleyRealtime

extension SIPTransport {
    func accept(_ listener: TCPListener) {
        for _ in 0..<64 {
            guard case let .accepted(connection, peer) = listener.accept() else { return }
            guard connections.count < configuration.maxTCPConnections else {
                counters.tcpRejectedAtLimit += 1
                connection.close()
                continue
            }
            if configuration.loopbackOnly, !peer.isLoopback {
                counters.refusedNonLoopbackSends += 1
                connection.close()
                continue
            }
            counters.tcpAccepted += 1
            _ = adopt(connection, peer: peer, connecting: false)
        }
    }

    /// Registers a connection; returns its id (nil if registration failed).
    func adopt(_ connection: TCPConnection, peer: SocketAddress, connecting: Bool) -> Int? {
        let id = nextConnectionID
        nextConnectionID += 1
        let state = SIPStreamConnection(id: id, connection: connection, peer: peer, limits: configuration.limits,
                                        connecting: connecting, nowMs: Monotonic.nowMs())
        let me = LoopBound(self)
        let interest: IOEvents = connecting ? [.readable, .writable] : .readable
        do {
            try loop.register(fd: connection.fileDescriptor, interest: interest) { events in
                me.value.connectionReady(id, events)
            }
        } catch {
            connection.close()
            return nil
        }
        state.watchingWritable = connecting
        connections[id] = state
        connectionByPeer[peer] = id
        return id
    }

    func connectionReady(_ id: Int, _ events: IOEvents) {
        guard let c = connections[id] else { return }
        if c.connecting {
            switch c.connection.finishConnect() {
            case .connected: c.connecting = false
            case .inProgress: return
            case .failed:
                counters.sendFailures += 1
                closeConnection(id)
                return
            }
        }
        if events.contains(.writable) || c.watchingWritable { flush(c) }
        guard connections[id] != nil else { return }
        if events.contains(.readable) || events.contains(.hangup) || events.contains(.error) { read(c) }
    }

    private func read(_ c: SIPStreamConnection) {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        for _ in 0..<16 {
            switch c.connection.read(into: &buffer) {
            case let .transferred(n):
                guard n > 0 else { return }
                c.lastActivityMs = Monotonic.nowMs()
                counters.bytesReceived += n
                c.framer.append(buffer[0..<n])
                while let frame = c.framer.next() {
                    switch frame {
                    case let .message(bytes):
                        counters.framesReceived += 1
                        onFrame?(bytes, SIPPeer(transport: .tcp, address: c.peer, connectionID: c.id), .stream)
                    case .keepAlivePing:
                        counters.keepAlivePings += 1
                        _ = writeOrQueue(c, [0x0D, 0x0A])
                    case .error:
                        counters.tcpFramingErrors += 1
                        closeConnection(c.id)
                        return
                    }
                    if connections[c.id] == nil { return }
                }
                if n < buffer.count { return }
            case .wouldBlock:
                return
            case .closed, .failed:
                counters.tcpClosedByPeer += 1
                closeConnection(c.id)
                return
            }
        }
    }

    func sendStream(_ bytes: [UInt8], to peer: SIPPeer) -> Bool {
        var id = peer.connectionID
        if connections[id] == nil { id = connectionByPeer[peer.address] ?? 0 }
        if connections[id] == nil {
            guard connections.count < configuration.maxTCPConnections,
                  let connection = try? TCPConnection.connect(to: peer.address),
                  let newID = adopt(connection, peer: peer.address, connecting: true) else {
                counters.sendFailures += 1
                return false
            }
            id = newID
        }
        guard let c = connections[id] else { return false }
        guard writeOrQueue(c, bytes) else { return false }
        counters.messagesSent += 1
        return true
    }

    private func writeOrQueue(_ c: SIPStreamConnection, _ bytes: [UInt8]) -> Bool {
        if c.pendingOutput.count + bytes.count > 4 * configuration.limits.maxMessageBytes {
            counters.sendFailures += 1
            return false
        }
        c.pendingOutput += bytes
        c.lastActivityMs = Monotonic.nowMs()
        if !c.connecting { flush(c) }
        return connections[c.id] != nil
    }

    private func flush(_ c: SIPStreamConnection) {
        while !c.pendingOutput.isEmpty {
            switch c.connection.write(c.pendingOutput) {
            case let .transferred(n):
                c.pendingOutput.removeFirst(n)
            case .wouldBlock:
                if !c.watchingWritable {
                    c.watchingWritable = true
                    try? loop.modify(fd: c.connection.fileDescriptor, interest: [.readable, .writable])
                }
                return
            case .closed, .failed:
                counters.sendFailures += 1
                closeConnection(c.id)
                return
            }
        }
        if c.watchingWritable {
            c.watchingWritable = false
            try? loop.modify(fd: c.connection.fileDescriptor, interest: .readable)
        }
    }

    func closeConnection(_ id: Int) {
        guard let c = connections.removeValue(forKey: id) else { return }
        if connectionByPeer[c.peer] == id { connectionByPeer[c.peer] = nil }
        loop.unregister(fd: c.connection.fileDescriptor)
        c.connection.close()
    }

    /// Closes TCP connections idle for `tcpIdleTimeoutMs`. Loop thread.
    public func sweepIdle(nowMs: Int64) {
        let limit = Int64(configuration.tcpIdleTimeoutMs)
        for (id, c) in connections where nowMs - c.lastActivityMs >= limit {
            counters.tcpIdleClosed += 1
            closeConnection(id)
        }
    }
}
