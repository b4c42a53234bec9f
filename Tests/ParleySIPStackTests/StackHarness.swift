import Foundation
import ParleyRealtime
import ParleySIP
import Synchronization
import Testing

struct HarnessError: Error, CustomStringConvertible {
    let description: String
}

/// A stack on its own event loop thread, bound to loopback (UDP and TCP, port 0), with the
/// transport's loopback-only guard on.
final class StackHarness: @unchecked Sendable {
    let loop: EventLoop
    let transport: SIPTransport
    let stack: SIPStack
    let ua = TestUA()
    let udpAddress: SocketAddress
    let tcpAddress: SocketAddress

    init(host: String = "127.0.0.1", configure: (inout SIPStackConfiguration) -> Void = { _ in }) throws {
        loop = try EventLoop()
        transport = SIPTransport(loop: loop, configuration: SIPTransportConfiguration(loopbackOnly: true))
        guard let any = SocketAddress(host: host, port: 0) else { throw HarnessError(description: "bad host") }
        udpAddress = try transport.bindUDP(any)
        tcpAddress = try transport.listenTCP(any)
        var configuration = SIPStackConfiguration(localHost: host, timers: TransactionTimers(t1Ms: 100, t2Ms: 400, t4Ms: 500))
        configure(&configuration)
        stack = SIPStack(transport: transport, configuration: configuration)
        stack.delegate = ua
        try stack.start()
        try loop.start(name: "sip-test")
    }

    /// Runs `body` on the loop thread and returns its result.
    func sync<T: Sendable>(_ body: @escaping @Sendable (SIPStack) -> T) -> T {
        let result = Mutex<T?>(nil)
        let done = DispatchSemaphore(value: 0)
        let stack = self.stack
        loop.execute {
            let value = body(stack)
            result.withLock { $0 = value }
            done.signal()
        }
        done.wait()
        return result.withLock { $0! }
    }

    var stackCounters: SIPStackCounters { sync { $0.counters } }
    var transportCounters: SIPTransportCounters { sync { $0.transport.counters } }

    func shutdown() {
        let stack = self.stack
        sync { s in
            s.stop()
            s.transport.close()
        }
        _ = stack
        loop.shutdown()
    }
}

/// Waits for `condition` (checked every 5 ms) until `timeoutSeconds`; returns whether it held.
func waitUntil(timeoutSeconds: Double, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeoutSeconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(5_000)
    }
    return condition()
}

/// A free UDP port on loopback (bound then released).
func freeUDPPort() throws -> UInt16 {
    let socket = try UDPSocket.bind(to: .ipv4Loopback(port: 0))
    defer { socket.close() }
    return socket.localAddress.port
}

/// Whether some socket is bound to UDP `port` (read from /proc/net/udp), to wait for a
/// child process to be ready.
func udpPortIsBound(_ port: UInt16) -> Bool {
    guard let table = try? String(contentsOfFile: "/proc/net/udp", encoding: .utf8) else { return false }
    let needle = ":" + String(format: "%04X", port) + " "
    return table.split(separator: "\n").contains { line in
        let fields = line.split(separator: " ")
        return fields.count > 1 && (fields[1] + " ").hasSuffix(needle)
    }
}
