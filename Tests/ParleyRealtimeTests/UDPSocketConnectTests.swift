import Foundation
import Testing
@testable import ParleyRealtime

/// A connected UDP socket takes datagrams from its peer only (the simulator's RTP socket
/// and the bot's media address): a stray stream aimed at the same port is dropped.
@Suite struct UDPSocketConnectTests {
    /// Waits (up to 2 s) for a datagram on `socket`; nil when none came.
    static func nextDatagram(_ socket: UDPSocket) -> (bytes: [UInt8], from: SocketAddress)? {
        var buffer = [UInt8](repeating: 0, count: 64)
        let deadline = Monotonic.nowNs() + 2_000_000_000
        while Monotonic.nowNs() < deadline {
            if case let .datagram(n, from, _) = socket.receive(into: &buffer) { return (Array(buffer[0..<n]), from) }
            usleep(1_000)
        }
        return nil
    }

    @Test func aConnectedSocketTakesItsPeerOnly() throws {
        let receiver = try UDPSocket.bind(to: .ipv4Loopback(port: 0))
        let peer = try UDPSocket.bind(to: .ipv4Loopback(port: 0))
        let stray = try UDPSocket.bind(to: .ipv4Loopback(port: 0))
        defer { receiver.close(); peer.close(); stray.close() }
        try receiver.connect(to: peer.localAddress)

        #expect(stray.send([1], to: receiver.localAddress) == .sent(byteCount: 1))
        #expect(peer.send([2], to: receiver.localAddress) == .sent(byteCount: 1))
        let first = try #require(Self.nextDatagram(receiver))
        #expect(first.bytes == [2])
        #expect(first.from == peer.localAddress)
        var buffer = [UInt8](repeating: 0, count: 64)
        #expect(receiver.receive(into: &buffer) == .wouldBlock, "the stray datagram was taken")

        // It still sends anywhere.
        #expect(receiver.send([3], to: stray.localAddress) == .sent(byteCount: 1))
        #expect(Self.nextDatagram(stray)?.bytes == [3])
    }

    /// `send(_:)` without an address goes to the connected peer, from the socket's own
    /// address; on a socket that is not connected it fails (EDESTADDRREQ) rather than reading
    /// as a full buffer.
    @Test func aConnectedSocketSendsToItsPeerWithoutAnAddress() throws {
        let sender = try UDPSocket.bind(to: .ipv4Loopback(port: 0))
        let peer = try UDPSocket.bind(to: .ipv4Loopback(port: 0))
        let unconnected = try UDPSocket.bind(to: .ipv4Loopback(port: 0))
        defer { sender.close(); peer.close(); unconnected.close() }
        try sender.connect(to: peer.localAddress)

        let bytes: [UInt8] = [0x80, 0, 1, 2, 3]
        #expect(sender.send(bytes.span) == .sent(byteCount: bytes.count))
        let got = try #require(Self.nextDatagram(peer))
        #expect(got.bytes == bytes)
        #expect(got.from == sender.localAddress)

        #expect(unconnected.send(bytes.span) == .failed(errno: EDESTADDRREQ))
    }
}
