import Testing
@testable import ParleyRealtime

@Suite(.serialized) struct EventLoopTests {
    @Test func postedClosureRunsOnTheLoopThread() throws {
        let loop = try EventLoop()
        try loop.start(name: "loop-test")
        defer { loop.shutdown() }
        let ran = TestEvent()
        let onLoop = Box(false)
        loop.execute {
            onLoop.value = loop.isInLoopThread
            ran.signal()
        }
        #expect(ran.wait())
        #expect(onLoop.value)
        #expect(!loop.isInLoopThread)
    }

    @Test func postedClosuresRunInOrder() throws {
        let loop = try EventLoop()
        try loop.start()
        defer { loop.shutdown() }
        let order = Box<[Int]>([])
        let done = TestEvent()
        for i in 0..<100 {
            loop.execute {
                order.update { $0.append(i) }
                if i == 99 { done.signal() }
            }
        }
        #expect(done.wait())
        #expect(order.value == Array(0..<100))
    }

    @Test(arguments: [SocketAddress.ipv4Loopback(port: 0), SocketAddress.ipv6Loopback(port: 0)])
    func udpEcho(on loopback: SocketAddress) throws {
        let loop = try EventLoop()
        let server = try UDPSocket.bind(to: loopback)
        let client = try UDPSocket.bind(to: loopback)
        #expect(server.localAddress.port != 0)
        #expect(server.localAddress.family == loopback.family)
        // Echo server: reply with the same bytes to the sender.
        try loop.register(fd: server.fileDescriptor, interest: .readable) { _ in
            var buffer = [UInt8](repeating: 0, count: 1500)
            while case .datagram(let n, let from, _) = server.receive(into: &buffer) {
                _ = server.send(Array(buffer[..<n]), to: from)
            }
        }
        let reply = Box<[UInt8]>([])
        let replied = TestEvent()
        try loop.register(fd: client.fileDescriptor, interest: .readable) { _ in
            var buffer = [UInt8](repeating: 0, count: 1500)
            if case .datagram(let n, let from, let truncated) = client.receive(into: &buffer),
               from == server.localAddress, !truncated {
                reply.value = Array(buffer[..<n])
                replied.signal()
            }
        }
        try loop.start()
        defer { loop.shutdown() }
        let message: [UInt8] = Array("INVITE sip:bot@parley".utf8)
        #expect(client.send(message, to: server.localAddress) == .sent(byteCount: message.count))
        #expect(replied.wait())
        #expect(reply.value == message)
    }

    @Test func receiveOnEmptySocketWouldBlock() throws {
        let socket = try UDPSocket.bind(to: .ipv4Loopback(port: 0))
        var buffer = [UInt8](repeating: 0, count: 16)
        #expect(socket.receive(into: &buffer) == .wouldBlock)
    }

    @Test func truncatedDatagramIsReported() throws {
        let a = try UDPSocket.bind(to: .ipv4Loopback(port: 0))
        let b = try UDPSocket.bind(to: .ipv4Loopback(port: 0))
        let loop = try EventLoop()
        let got = Box<ReceiveResult?>(nil)
        let done = TestEvent()
        var small = [UInt8](repeating: 0, count: 4)
        try loop.register(fd: b.fileDescriptor, interest: .readable) { _ in
            got.value = b.receive(into: &small)
            done.signal()
        }
        try loop.start()
        defer { loop.shutdown() }
        _ = a.send([1, 2, 3, 4, 5, 6, 7, 8], to: b.localAddress)
        #expect(done.wait())
        #expect(got.value == .datagram(byteCount: 4, from: a.localAddress, truncated: true))
    }

    @Test(arguments: [SocketAddress.ipv4Loopback(port: 0), SocketAddress.ipv6Loopback(port: 0)])
    func batchSendAndReceive(on loopback: SocketAddress) throws {
        let sender = try UDPSocket.bind(to: loopback, receiveBufferBytes: 1 << 20, sendBufferBytes: 1 << 20)
        let receiver = try UDPSocket.bind(to: loopback, receiveBufferBytes: 1 << 20)
        #expect(receiver.receiveBufferBytes >= 1 << 20)
        let out = try DatagramBatch(capacity: 8, maxDatagramBytes: 256)
        for i in 0..<8 {
            #expect(out.setDatagram(at: i, bytes: [UInt8](repeating: UInt8(i), count: 10 + i), to: receiver.localAddress))
        }
        #expect(!out.setDatagram(at: 0, bytes: [UInt8](repeating: 0, count: 257), to: receiver.localAddress))
        #expect(sender.send(out, count: 8) == .transferred(count: 8))

        let loop = try EventLoop()
        let received = Box<[[UInt8]]>([])
        let sources = Box<[SocketAddress]>([])
        let done = TestEvent()
        let inBatch = try DatagramBatch(capacity: 4, maxDatagramBytes: 256)
        try loop.register(fd: receiver.fileDescriptor, interest: .readable) { _ in
            while case .transferred(let n) = receiver.receive(inBatch) {
                for i in 0..<n {
                    let payload = inBatch.withPayload(at: i) { span in (0..<span.count).map { span[$0] } }
                    received.update { $0.append(payload) }
                    sources.update { $0.append(inBatch.address(at: i)) }
                }
            }
            if received.value.count == 8 { done.signal() }
        }
        try loop.start()
        defer { loop.shutdown() }
        #expect(done.wait())
        #expect(received.value == (0..<8).map { [UInt8](repeating: UInt8($0), count: 10 + $0) })
        #expect(sources.value.allSatisfy { $0 == sender.localAddress })
    }

    @Test(arguments: [SocketAddress.ipv4Loopback(port: 0), SocketAddress.ipv6Loopback(port: 0)])
    func tcpConnectAcceptReadWrite(on loopback: SocketAddress) throws {
        let loop = try EventLoop()
        let listener = try TCPListener.listen(on: loopback)
        let serverReceived = Box<[UInt8]>([])
        let serverSawClose = TestEvent()
        let accepted = Box<[TCPConnection]>([])
        try loop.register(fd: listener.fileDescriptor, interest: .readable) { _ in
            while case .accepted(let connection, let peer) = listener.accept() {
                #expect(peer.isLoopback)
                accepted.update { $0.append(connection) }
                try? loop.register(fd: connection.fileDescriptor, interest: .readable) { _ in
                    var buffer = [UInt8](repeating: 0, count: 64)
                    loop: while true {
                        switch connection.read(into: &buffer) {
                        case .transferred(let n):
                            serverReceived.update { $0 += buffer[..<n] }
                            _ = connection.write(Array(buffer[..<n].reversed()))
                        case .closed:
                            loop.unregister(fd: connection.fileDescriptor)
                            connection.close()
                            serverSawClose.signal()
                            break loop
                        case .wouldBlock, .failed:
                            break loop
                        }
                    }
                }
            }
        }
        let client = try TCPConnection.connect(to: listener.localAddress)
        let connected = TestEvent()
        let clientReceived = Box<[UInt8]>([])
        let gotReply = TestEvent()
        try loop.register(fd: client.fileDescriptor, interest: [.writable, .readable]) { events in
            if events.contains(.writable) {
                if client.finishConnect() == .connected {
                    try? loop.modify(fd: client.fileDescriptor, interest: .readable)
                    connected.signal()
                    _ = client.write(Array("hello".utf8))
                }
                return
            }
            var buffer = [UInt8](repeating: 0, count: 64)
            if case .transferred(let n) = client.read(into: &buffer) {
                clientReceived.update { $0 += buffer[..<n] }
                if clientReceived.value.count == 5 { gotReply.signal() }
            }
        }
        try loop.start()
        defer { loop.shutdown() }
        #expect(connected.wait())
        #expect(gotReply.wait())
        #expect(serverReceived.value == Array("hello".utf8))
        #expect(clientReceived.value == Array("olleh".utf8))
        #expect(client.peerAddress == listener.localAddress)
        client.shutdownWrite()
        #expect(serverSawClose.wait())
    }

    @Test func connectToClosedPortFails() throws {
        // Find a free port, then close it: connecting must report a refusal.
        let port = try TCPListener.listen(on: .ipv4Loopback(port: 0)).localAddress.port
        let client = try TCPConnection.connect(to: .ipv4Loopback(port: port))
        let loop = try EventLoop()
        let status = Box<ConnectStatus?>(nil)
        let done = TestEvent()
        try loop.register(fd: client.fileDescriptor, interest: .writable) { _ in
            if status.value == nil {
                status.value = client.finishConnect()
                done.signal()
            }
        }
        try loop.start()
        defer { loop.shutdown() }
        #expect(done.wait())
        #expect(status.value == .failed(errno: 111 /* ECONNREFUSED */))
    }

    @Test func timersFireOnceAndRepeatAndCancel() throws {
        let loop = try EventLoop()
        try loop.start()
        defer { loop.shutdown() }
        let oneShot = TestEvent()
        let oneShotCount = Box(0)
        _ = try loop.scheduleTimer(afterMs: 5) {
            oneShotCount.update { $0 += 1 }
            oneShot.signal()
        }
        let repeats = Box(0)
        let thrice = TestEvent()
        let repeating = try loop.scheduleTimer(afterMs: 1, repeatEveryMs: 2) {
            var n = 0
            repeats.update { $0 += 1; n = $0 }
            if n == 3 { thrice.signal() }
        }
        #expect(oneShot.wait())
        #expect(thrice.wait())
        // Cancel on the loop thread, then check through the loop that it stayed quiet:
        // a posted closure runs after any timer event already queued.
        let cancelled = TestEvent()
        let countAtCancel = Box(0)
        loop.execute {
            loop.cancelTimer(repeating)
            countAtCancel.value = repeats.value
            cancelled.signal()
        }
        #expect(cancelled.wait())
        let checked = TestEvent()
        _ = try loop.scheduleTimer(afterMs: 20) { checked.signal() }
        #expect(checked.wait())
        #expect(repeats.value == countAtCancel.value)
        #expect(oneShotCount.value == 1)
    }

    @Test func duplicateRegistrationIsAnError() throws {
        let loop = try EventLoop()
        let socket = try UDPSocket.bind(to: .ipv4Loopback(port: 0))
        try loop.register(fd: socket.fileDescriptor, interest: .readable) { _ in }
        #expect(throws: RealtimeError.self) {
            try loop.register(fd: socket.fileDescriptor, interest: .readable) { _ in }
        }
        loop.unregister(fd: socket.fileDescriptor)
        try loop.register(fd: socket.fileDescriptor, interest: .readable) { _ in }
    }

    @Test func shutdownReleasesHandlersThatCaptureTheLoop() throws {
        weak var weakLoop: EventLoop?
        do {
            let loop = try EventLoop()
            weakLoop = loop
            let socket = try UDPSocket.bind(to: .ipv4Loopback(port: 0))
            try loop.register(fd: socket.fileDescriptor, interest: .readable) { _ in loop.unregister(fd: socket.fileDescriptor) }
            _ = try loop.scheduleTimer(afterMs: 10_000) { loop.execute {} }
            try loop.start()
            loop.shutdown()
        }
        #expect(weakLoop == nil)
    }
}
