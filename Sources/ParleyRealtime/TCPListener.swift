// TCPListener — a nonblocking listening TCP socket (SIP over TCP, admin endpoints).
//
// Safety invariants: only C calls with pointers to locals that outlive the call; the
// descriptor is owned and closed once (SocketDescriptor). `accept` is nonblocking and
// returns a status value.
import CParleyLinux

public enum AcceptResult: Sendable {
    case accepted(TCPConnection, peer: SocketAddress)
    case wouldBlock
    case failed(errno: Int32)
}

public final class TCPListener: Sendable {
    private let descriptor: SocketDescriptor
    public let localAddress: SocketAddress

    public var fileDescriptor: Int32 { descriptor.fd }

    /// Binds and listens on `address` (port 0: kernel-chosen, see `localAddress`).
    public static func listen(
        on address: SocketAddress, backlog: Int32 = 128, reuseAddress: Bool = true, v6Only: Bool = true
    ) throws(RealtimeError) -> TCPListener {
        let fd = try check(parley_linux_tcp_socket(address.raw.family), .socket, "tcp \(address)")
        let descriptor = SocketDescriptor(fd)
        if reuseAddress {
            _ = try check(parley_linux_set_reuseaddr(fd, true), .socketOption, "SO_REUSEADDR")
        }
        if address.family == .ipv6 {
            _ = try check(parley_linux_set_v6only(fd, v6Only), .socketOption, "IPV6_V6ONLY")
        }
        var raw = address.raw
        _ = try check(parley_linux_bind(fd, &raw), .bind, "tcp \(address)")
        _ = try check(parley_linux_listen(fd, backlog), .listen, "tcp \(address)")
        var local = parley_linux_addr()
        _ = try check(parley_linux_local_addr(fd, &local), .bind, "getsockname")
        return TCPListener(descriptor: descriptor, localAddress: SocketAddress(raw: local))
    }

    private init(descriptor: SocketDescriptor, localAddress: SocketAddress) {
        self.descriptor = descriptor
        self.localAddress = localAddress
    }

    /// Accepts one pending connection (nonblocking; the new socket is nonblocking too).
    public func accept() -> AcceptResult {
        var peer = parley_linux_addr()
        let fd = parley_linux_accept(descriptor.fd, &peer)
        if fd < 0 { return isWouldBlock(Int64(fd)) ? .wouldBlock : .failed(errno: -fd) }
        let connection = TCPConnection(descriptor: SocketDescriptor(fd), connected: true)
        return .accepted(connection, peer: SocketAddress(raw: peer))
    }

    public func close() { descriptor.close() }
}
