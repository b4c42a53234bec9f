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
