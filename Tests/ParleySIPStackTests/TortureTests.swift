import Foundation
import ParleyRealtime
import ParleySIP
import Testing

/// RFC 4475 torture messages sent over real UDP and TCP sockets; after each one the stack
/// still answers OPTIONS. Via sent-by, maddr and received are rewritten to 127.0.0.1 first,
/// and the transport's loopback-only guard must never have refused a send.
@Suite(.serialized)
struct TortureTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("ParleySIPTests/Fixtures/rfc4475")

    static func fixtureNames() throws -> [String] {
        let names = try FileManager.default.contentsOfDirectory(atPath: fixtures.path).filter { $0.hasSuffix(".dat") }.sorted()
        guard names.count >= 30 else { throw HarnessError(description: "RFC 4475 fixtures missing under \(fixtures.path)") }
        return names
    }

    /// Rewrites every Via sent-by host, maddr and received in the header section to 127.0.0.1.
    static func loopbackOnly(_ bytes: [UInt8]) throws -> [UInt8] {
        guard let text = String(bytes: bytes, encoding: .isoLatin1) else { throw HarnessError(description: "undecodable") }
        let split = text.range(of: "\r\n\r\n") ?? text.range(of: "\n\n")
        var head = split.map { String(text[..<$0.lowerBound]) } ?? text
        let tail = split.map { String(text[$0.lowerBound...]) } ?? ""
        let rules: [(String, String)] = [
            (#"(SIP\s*/\s*2\.0\s*/\s*[A-Za-z]+\s+)(\[[^\]]*\]|[^\s;:,]+)"#, "$1127.0.0.1"),
            (#"(?i)(maddr\s*=\s*)(\[[^\]]*\]|[^\s;:,>]+)"#, "$1127.0.0.1"),
            (#"(?i)(received\s*=\s*)(\[[^\]]*\]|[^\s;:,>]+)"#, "$1127.0.0.1"),
        ]
        for (pattern, template) in rules {
            let regex = try NSRegularExpression(pattern: pattern)
            head = regex.stringByReplacingMatches(in: head, range: NSRange(head.startIndex..., in: head), withTemplate: template)
        }
        return Array((head + tail).data(using: .isoLatin1)!)
    }

    static func options(branch: String, port: UInt16, transport: String) -> [UInt8] {
        Array(("OPTIONS sip:parley@127.0.0.1 SIP/2.0\r\n" +
            "Via: SIP/2.0/\(transport) 127.0.0.1:\(port);rport;branch=z9hG4bK\(branch)\r\n" +
            "Max-Forwards: 70\r\nFrom: <sip:probe@127.0.0.1>;tag=p\(branch)\r\nTo: <sip:parley@127.0.0.1>\r\n" +
            "Call-ID: \(branch)@127.0.0.1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n").utf8)
    }

    /// Reads datagrams until one is a response whose Call-ID is `callID`.
    func awaitUDPResponse(_ socket: UDPSocket, callID: String) -> SIPMessage? {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var found: SIPMessage?
        _ = waitUntil(timeoutSeconds: 3) {
            while case let .datagram(n, _, _) = socket.receive(into: &buffer) {
                if let m = SIPParser().parse(Array(buffer[0..<n])).message, !m.isRequest, m.callID == callID { found = m }
            }
            return found != nil
        }
        return found
    }

    @Test func udpTortureThenOptions() throws {
        let h = try StackHarness()
        defer { h.shutdown() }
        h.sync { _ in h.ua.rejectAllWith = 486 }
        let client = try UDPSocket.bind(to: .ipv4Loopback(port: 0))
        defer { client.close() }
        for (i, name) in try Self.fixtureNames().enumerated() {
            let bytes = try Self.loopbackOnly(Array(try Data(contentsOf: Self.fixtures.appendingPathComponent(name))))
            #expect(client.send(bytes, to: h.udpAddress) == .sent(byteCount: bytes.count))
            let callID = "udp\(i)"
            _ = client.send(Self.options(branch: callID, port: client.localAddress.port, transport: "UDP"), to: h.udpAddress)
            let response = awaitUDPResponse(client, callID: "\(callID)@127.0.0.1")
            #expect(response?.statusCode == 200, "no OPTIONS answer after \(name)")
        }
        let counters = h.stackCounters
        #expect(counters.badRequestsAnswered + counters.malformedDropped > 0)
        #expect(h.transportCounters.refusedNonLoopbackSends == 0)
    }

    @Test func tcpTortureThenOptions() throws {
        let h = try StackHarness()
        defer { h.shutdown() }
        h.sync { _ in h.ua.rejectAllWith = 486 }
        for (i, name) in try Self.fixtureNames().enumerated() {
            let bytes = try Self.loopbackOnly(Array(try Data(contentsOf: Self.fixtures.appendingPathComponent(name))))
            let torture = try connect(h.tcpAddress)
            _ = writeAll(torture, bytes)
            let probe = try connect(h.tcpAddress)
            let callID = "tcp\(i)"
            _ = writeAll(probe, Self.options(branch: callID, port: probe.localAddress?.port ?? 0, transport: "TCP"))
            var framer = SIPStreamFramer()
            var buffer = [UInt8](repeating: 0, count: 16_384)
            var response: SIPMessage?
            _ = waitUntil(timeoutSeconds: 3) {
                if case let .transferred(n) = probe.read(into: &buffer), n > 0 { framer.append(buffer[0..<n]) }
                while let frame = framer.next() {
                    if case let .message(m) = frame, let msg = SIPParser().parse(m, framing: .stream).message,
                       msg.callID == "\(callID)@127.0.0.1" { response = msg }
                }
                return response != nil
            }
            #expect(response?.statusCode == 200, "no OPTIONS answer over TCP after \(name)")
            torture.close()
            probe.close()
        }
        #expect(h.transportCounters.refusedNonLoopbackSends == 0)
    }

    func connect(_ address: SocketAddress) throws -> TCPConnection {
        let c = try TCPConnection.connect(to: address)
        guard waitUntil(timeoutSeconds: 2, { c.finishConnect() == .connected }) else {
            throw HarnessError(description: "connect to \(address) failed")
        }
        return c
    }

    func writeAll(_ c: TCPConnection, _ bytes: [UInt8]) -> Bool {
        var rest = bytes[...]
        return waitUntil(timeoutSeconds: 2) {
            if case let .transferred(n) = c.write(Array(rest)) { rest = rest.dropFirst(n) }
            return rest.isEmpty
        }
    }
}
