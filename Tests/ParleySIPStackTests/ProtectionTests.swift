import Foundation
import ParleyRealtime
import ParleySIP
import Testing

/// Allowlist, rate limit, malformed requests, TCP limits, IPv6 and the loopback guard,
/// over real sockets.
@Suite(.serialized)
struct ProtectionTests {
    func request(_ method: String, callID: String, port: UInt16, host: String = "127.0.0.1", transport: String = "UDP",
                 viaHost: String? = nil, extra: String = "") -> [UInt8] {
        let sentBy = viaHost ?? (host.contains(":") ? "[\(host)]" : host)
        return Array(("\(method) sip:parley@\(sentBy) SIP/2.0\r\n" +
            "Via: SIP/2.0/\(transport) \(sentBy):\(port);rport;branch=z9hG4bK\(callID)\r\n" +
            "Max-Forwards: 70\r\nFrom: <sip:probe@example.invalid>;tag=f\(callID)\r\nTo: <sip:parley@example.invalid>\r\n" +
            "Call-ID: \(callID)\r\nCSeq: 1 \(method)\r\n\(extra)Content-Length: 0\r\n\r\n").utf8)
    }

    func responses(_ socket: UDPSocket, count: Int, timeoutSeconds: Double = 2) -> [SIPMessage] {
        var out: [SIPMessage] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        _ = waitUntil(timeoutSeconds: timeoutSeconds) {
            while case let .datagram(n, _, _) = socket.receive(into: &buffer) {
                if let m = SIPParser().parse(Array(buffer[0..<n])).message, let code = m.statusCode, code >= 200 { out.append(m) }
            }
            return out.count >= count
        }
        return out
    }

    @Test func allowlistForbidsWith403() throws {
        let h = try StackHarness { $0.allowlist = CIDRAllowlist(["10.0.0.0/8"], rejection: .forbidden403) }
        defer { h.shutdown() }
        let client = try UDPSocket.bind(to: .ipv4Loopback(port: 0))
        defer { client.close() }
        _ = client.send(request("OPTIONS", callID: "a1", port: client.localAddress.port), to: h.udpAddress)
        #expect(responses(client, count: 1).first?.statusCode == 403)
        #expect(h.stackCounters.allowlistForbidden == 1)
    }

    @Test func allowlistDropsSilently() throws {
        let h = try StackHarness { $0.allowlist = CIDRAllowlist(["10.0.0.0/8"], rejection: .silentDrop) }
        defer { h.shutdown() }
        let client = try UDPSocket.bind(to: .ipv4Loopback(port: 0))
        defer { client.close() }
        _ = client.send(request("OPTIONS", callID: "a2", port: client.localAddress.port), to: h.udpAddress)
        #expect(waitUntil(timeoutSeconds: 2) { h.stackCounters.allowlistDropped == 1 })
        #expect(responses(client, count: 1, timeoutSeconds: 0.3).isEmpty)
        #expect(h.transportCounters.messagesSent == 0)
    }

    @Test func rateLimitAnswers503WithRetryAfter() throws {
        let h = try StackHarness { $0.rateLimit = (ratePerSecond: 1, burst: 2) }
        defer { h.shutdown() }
        h.sync { _ in h.ua.rejectAllWith = 486 }
        let client = try UDPSocket.bind(to: .ipv4Loopback(port: 0))
        defer { client.close() }
        for i in 0..<4 {
            _ = client.send(request("INVITE", callID: "r\(i)", port: client.localAddress.port), to: h.udpAddress)
        }
        let finals = responses(client, count: 4)
        #expect(finals.filter { $0.statusCode == 486 }.count == 2)
        let limited = finals.filter { $0.statusCode == 503 }
        #expect(limited.count == 2)
        #expect(limited.allSatisfy { Int($0.value(.retryAfter) ?? "") ?? 0 >= 1 })
        #expect(h.stackCounters.rateLimitedAnswered == 2)
    }

    @Test func malformedRequestGets400WithReason() throws {
        let h = try StackHarness()
        defer { h.shutdown() }
        let client = try UDPSocket.bind(to: .ipv4Loopback(port: 0))
        defer { client.close() }
        let bad = String(decoding: request("OPTIONS", callID: "m1", port: client.localAddress.port), as: UTF8.self)
            .replacingOccurrences(of: "CSeq: 1 OPTIONS", with: "CSeq: 1 INVITE")
        _ = client.send(Array(bad.utf8), to: h.udpAddress)
        let r = responses(client, count: 1).first
        #expect(r?.statusCode == 400)
        #expect(r?.reasonPhrase != "Bad Request" && r?.reasonPhrase?.isEmpty == false, "\(r?.reasonPhrase ?? "-")")
        _ = client.send(Array("GARBAGE\r\n\r\n".utf8), to: h.udpAddress)
        #expect(waitUntil(timeoutSeconds: 2) { h.stackCounters.malformedDropped == 1 })
        #expect(h.stackCounters.badRequestsAnswered == 1)
    }

    @Test func drainingAnswersOptions503() throws {
        let h = try StackHarness()
        defer { h.shutdown() }
        h.sync { $0.draining = true }
        let client = try UDPSocket.bind(to: .ipv4Loopback(port: 0))
        defer { client.close() }
        _ = client.send(request("OPTIONS", callID: "d1", port: client.localAddress.port), to: h.udpAddress)
        let r = responses(client, count: 1).first
        #expect(r?.statusCode == 503)
        #expect(r?.value(.retryAfter) != nil)
    }

    @Test func unknownDialogGets481() throws {
        let h = try StackHarness()
        defer { h.shutdown() }
        let client = try UDPSocket.bind(to: .ipv4Loopback(port: 0))
        defer { client.close() }
        var bye = String(decoding: request("BYE", callID: "u1", port: client.localAddress.port), as: UTF8.self)
        bye = bye.replacingOccurrences(of: "To: <sip:parley@example.invalid>", with: "To: <sip:parley@example.invalid>;tag=gone")
        _ = client.send(Array(bye.utf8), to: h.udpAddress)
        #expect(responses(client, count: 1).first?.statusCode == 481)
    }

    @Test func ipv6OptionsOverUDP() throws {
        let h = try StackHarness(host: "::1")
        defer { h.shutdown() }
        let client = try UDPSocket.bind(to: .ipv6Loopback(port: 0))
        defer { client.close() }
        _ = client.send(request("OPTIONS", callID: "v6", port: client.localAddress.port, host: "::1"), to: h.udpAddress)
        let r = responses(client, count: 1).first
        #expect(r?.statusCode == 200)
        #expect(r?.value(.allow)?.contains("INVITE") == true)
    }

    @Test func loopbackGuardRefusesForeignVia() throws {
        let h = try StackHarness()
        defer { h.shutdown() }
        let client = try UDPSocket.bind(to: .ipv4Loopback(port: 0))
        defer { client.close() }
        // No rport: the response would go to the Via's received = source... so use maddr.
        let bytes = request("OPTIONS", callID: "g1", port: 5060, viaHost: "127.0.0.1", extra: "")
        var text = String(decoding: bytes, as: UTF8.self)
        text = text.replacingOccurrences(of: ";rport;", with: ";maddr=192.0.2.7;")
        _ = client.send(Array(text.utf8), to: h.udpAddress)
        #expect(waitUntil(timeoutSeconds: 2) { h.transportCounters.refusedNonLoopbackSends == 1 })
    }

    @Test func tcpConnectionLimitAndIdleTimeout() throws {
        let loop = try EventLoop()
        let transport = SIPTransport(loop: loop, configuration: SIPTransportConfiguration(
            maxTCPConnections: 2, tcpIdleTimeoutMs: 300, loopbackOnly: true))
        let address = try transport.listenTCP(.ipv4Loopback(port: 0))
        let stack = SIPStack(transport: transport, configuration: SIPStackConfiguration(localHost: "127.0.0.1"))
        try stack.start()
        try loop.start()
        defer {
            let done = DispatchSemaphore(value: 0)
            loop.execute { stack.stop(); transport.close(); done.signal() }
            done.wait()
            loop.shutdown()
        }
        var clients: [TCPConnection] = []
        for _ in 0..<3 {
            let c = try TCPConnection.connect(to: address)
            _ = waitUntil(timeoutSeconds: 1) { c.finishConnect() == .connected }
            clients.append(c)
        }
        func counters() -> SIPTransportCounters {
            let box = CountersBox()
            let done = DispatchSemaphore(value: 0)
            loop.execute { box.value = transport.counters; done.signal() }
            done.wait()
            return box.value
        }
        #expect(waitUntil(timeoutSeconds: 2) { counters().tcpAccepted == 2 && counters().tcpRejectedAtLimit == 1 })
        #expect(waitUntil(timeoutSeconds: 3) { counters().tcpIdleClosed == 2 })
        for c in clients { c.close() }
    }
}

final class CountersBox: @unchecked Sendable {
    var value = SIPTransportCounters()
}
