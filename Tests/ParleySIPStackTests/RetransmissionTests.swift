import Foundation
import ParleyRealtime
import ParleySIP
import Testing

/// 2xx retransmission until ACK (§13.3.1.4) and INVITE retransmissions over a real UDP
/// socket, with T1 = 100 ms.
@Suite(.serialized)
struct RetransmissionTests {
    static let sdp = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40010 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n"

    func invite(port: UInt16) -> [UInt8] {
        Array(("INVITE sip:plain@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:\(port);rport;branch=z9hG4bKretx1\r\n" +
            "Max-Forwards: 70\r\nFrom: <sip:a@127.0.0.1>;tag=ft1\r\nTo: <sip:plain@127.0.0.1>\r\nCall-ID: retx1\r\n" +
            "CSeq: 1 INVITE\r\nContact: <sip:a@127.0.0.1:\(port)>\r\nContent-Type: application/sdp\r\n" +
            "Content-Length: \(Self.sdp.utf8.count)\r\n\r\n\(Self.sdp)").utf8)
    }

    func ack(port: UInt16, toTag: String) -> [UInt8] {
        Array(("ACK sip:parley@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:\(port);rport;branch=z9hG4bKretx1ack\r\n" +
            "Max-Forwards: 70\r\nFrom: <sip:a@127.0.0.1>;tag=ft1\r\nTo: <sip:plain@127.0.0.1>;tag=\(toTag)\r\n" +
            "Call-ID: retx1\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n").utf8)
    }

    @Test func okIsRetransmittedUntilAckAndInviteRetransmissionsAreAbsorbed() throws {
        let h = try StackHarness()
        defer { h.shutdown() }
        let client = try UDPSocket.bind(to: .ipv4Loopback(port: 0))
        defer { client.close() }
        let port = client.localAddress.port
        _ = client.send(invite(port: port), to: h.udpAddress)
        var oks: [SIPMessage] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        func drain() {
            while case let .datagram(n, _, _) = client.receive(into: &buffer) {
                if let m = SIPParser().parse(Array(buffer[0..<n])).message, m.statusCode == 200 { oks.append(m) }
            }
        }
        #expect(waitUntil(timeoutSeconds: 3) { drain(); return oks.count >= 3 }, "2xx not retransmitted")
        // The INVITE again, after its server transaction ended: absorbed, no second call.
        _ = client.send(invite(port: port), to: h.udpAddress)
        #expect(waitUntil(timeoutSeconds: 2) { h.stackCounters.retransmissionsAbsorbed >= 1 })
        #expect(h.ua.log.withLock { $0.incoming.count } == 1)
        // RFC 6026: absorbed by the INVITE server transaction, which waits in Accepted.
        #expect(h.sync { $0.serverTransactionStates(method: .invite) } == [.accepted])
        let toTag = try #require(oks.first?.to?.tag)
        _ = client.send(ack(port: port, toTag: toTag), to: h.udpAddress)
        #expect(waitUntil(timeoutSeconds: 2) { h.ua.count { if case .established = $0 { true } else { false } } == 1 })
        drain()
        let settled = oks.count
        // T2 is 400 ms here: a retransmission still running would show within 1 s.
        _ = waitUntil(timeoutSeconds: 1) { drain(); return oks.count > settled }
        #expect(oks.count == settled, "2xx still retransmitted after the ACK")
        #expect(h.sync { $0.activeCallCount } == 1)
    }
}

/// RFC 6026 on the UAC side over a real socket: the peer's retransmitted 2xx reaches the
/// session through the Accepted INVITE client transaction, and the ACK goes out again.
@Suite(.serialized)
struct AcceptedClientTransactionTests {
    @Test func retransmitted2xxIsAckedAgainThroughTheAcceptedTransaction() throws {
        let h = try StackHarness()
        defer { h.shutdown() }
        let peer = try UDPSocket.bind(to: .ipv4Loopback(port: 0))
        defer { peer.close() }
        let port = peer.localAddress.port
        let call = h.sync { stack in
            stack.invite(SIPOutboundCall(requestURI: SIPURI(user: "callee", host: "127.0.0.1", port: Int(port)),
                                         from: SIPNameAddress(uri: SIPURI(user: "bot", host: "127.0.0.1")),
                                         to: SIPNameAddress(uri: SIPURI(user: "callee", host: "127.0.0.1"))))
        }
        #expect(call != nil)
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var received: [SIPMessage] = []
        func drain() {
            while case let .datagram(n, _, _) = peer.receive(into: &buffer) {
                if let m = SIPParser().parse(Array(buffer[0..<n])).message { received.append(m) }
            }
        }
        #expect(waitUntil(timeoutSeconds: 3) { drain(); return received.contains { $0.method == .invite } })
        let invite = try #require(received.first { $0.method == .invite })
        var ok = SIPMessage.response(to: invite, statusCode: 200, toTag: "callee1")
        ok.add(.contact, "<sip:callee@127.0.0.1:\(port)>")
        let okBytes = ok.serialized()
        _ = peer.send(okBytes, to: h.udpAddress)
        #expect(waitUntil(timeoutSeconds: 3) { drain(); return received.filter { $0.method == .ack }.count == 1 })
        let states = h.sync { stack in stack.clientTransactionStates(method: .invite) }
        #expect(states == [.accepted], "the INVITE client transaction waits in Accepted (Timer M)")
        // The 2xx again, as if our ACK were lost: the session ACKs it again.
        _ = peer.send(okBytes, to: h.udpAddress)
        #expect(waitUntil(timeoutSeconds: 3) { drain(); return received.filter { $0.method == .ack }.count == 2 })
        #expect(h.stackCounters.strayResponses == 0)
        #expect(h.ua.count { if case .established = $0 { true } else { false } } == 1)
    }
}
