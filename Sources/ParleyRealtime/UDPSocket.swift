// UDPSocket — a nonblocking UDP socket bound to an IPv4 or IPv6 address, with
// single-datagram and batched (recvmmsg/sendmmsg) I/O into caller buffers.
//
// Safety invariants:
// - Buffers passed to C are borrowed only for the duration of the call
//   (`withUnsafeBytes` / `withUnsafeMutableBytes`) and their exact count is passed,
//   so the kernel never writes past them.
// - Every per-packet method is nonblocking (MSG_DONTWAIT) and allocation-free, and
//   returns a status value; only `bind` and option setters (setup) throw.
// - The descriptor is owned by this object and closed once (SocketDescriptor).
//   Sending and receiving from different threads is allowed (the kernel serialises);
//   `close()` must not race with I/O on another thread.
import CParleyLinux

public final class UDPSocket: Sendable {
    private let descriptor: SocketDescriptor
    public let localAddress: SocketAddress

    /// The descriptor, for registering with an `EventLoop` (-1 after `close()`).
    public var fileDescriptor: Int32 { descriptor.fd }

    /// Creates a nonblocking socket bound to `address` (port 0: the kernel picks one;
    /// `localAddress` tells which). IPv6 sockets are v6-only unless `v6Only` is false.
    public static func bind(
        to address: SocketAddress,
        reuseAddress: Bool = false,
        v6Only: Bool = true,
        receiveBufferBytes: Int? = nil,
        sendBufferBytes: Int? = nil
    ) throws(RealtimeError) -> UDPSocket {
        let fd = try check(parley_linux_udp_socket(address.raw.family), .socket, "udp \(address)")
        let descriptor = SocketDescriptor(fd)
        if reuseAddress {
            _ = try check(parley_linux_set_reuseaddr(fd, true), .socketOption, "SO_REUSEADDR")
        }
        if address.family == .ipv6 {
            _ = try check(parley_linux_set_v6only(fd, v6Only), .socketOption, "IPV6_V6ONLY")
        }
        if let bytes = receiveBufferBytes {
            _ = try check(parley_linux_set_rcvbuf(fd, Int32(clamping: bytes)), .socketOption, "SO_RCVBUF")
        }
        if let bytes = sendBufferBytes {
            _ = try check(parley_linux_set_sndbuf(fd, Int32(clamping: bytes)), .socketOption, "SO_SNDBUF")
        }
        var raw = address.raw
        _ = try check(parley_linux_bind(fd, &raw), .bind, "udp \(address)")
        var local = parley_linux_addr()
        _ = try check(parley_linux_local_addr(fd, &local), .bind, "getsockname")
        return UDPSocket(descriptor: descriptor, localAddress: SocketAddress(raw: local))
    }

    private init(descriptor: SocketDescriptor, localAddress: SocketAddress) {
        self.descriptor = descriptor
        self.localAddress = localAddress
    }

    public func close() { descriptor.close() }

    // MARK: options (setup)

    /// Effective receive buffer size in bytes (the kernel doubles what is asked).
    public var receiveBufferBytes: Int { Int(parley_linux_get_rcvbuf(descriptor.fd)) }
    public var sendBufferBytes: Int { Int(parley_linux_get_sndbuf(descriptor.fd)) }

    public func setReceiveBufferBytes(_ bytes: Int) throws(RealtimeError) {
        _ = try check(parley_linux_set_rcvbuf(descriptor.fd, Int32(clamping: bytes)), .socketOption, "SO_RCVBUF")
    }

    public func setSendBufferBytes(_ bytes: Int) throws(RealtimeError) {
        _ = try check(parley_linux_set_sndbuf(descriptor.fd, Int32(clamping: bytes)), .socketOption, "SO_SNDBUF")
    }

    /// Takes datagrams from `peer` only: the kernel drops the rest (connected UDP).
    /// Sending to other addresses still works.
    public func connect(to peer: SocketAddress) throws(RealtimeError) {
        var raw = peer.raw
        _ = try check(parley_linux_connect(descriptor.fd, &raw), .connect, "udp connect \(peer)")
    }

    // MARK: single datagrams

    public func send(_ bytes: Span<UInt8>, to destination: SocketAddress) -> SendResult {
        var raw = destination.raw
        let fd = descriptor.fd
        let n = bytes.withUnsafeBytes { parley_linux_sendto(fd, $0.baseAddress, $0.count, &raw) }
        return Self.sendResult(n)
    }

    public func send(_ bytes: [UInt8], to destination: SocketAddress) -> SendResult {
        send(bytes.span, to: destination)
    }

    /// Sends one datagram to the peer of a connected socket (`connect(to:)`): without a
    /// destination address the kernel reuses the socket's route instead of looking one up
    /// for every datagram, as `send(_:to:)` does even on a connected socket.
    /// `.failed(errno: EDESTADDRREQ)` on a socket that is not connected.
    public func send(_ bytes: Span<UInt8>) -> SendResult {
        let fd = descriptor.fd
        let n = bytes.withUnsafeBytes { parley_linux_send(fd, $0.baseAddress, $0.count) }
        return Self.sendResult(n)
    }

    /// Receives one datagram into the caller's buffer (its whole count is the capacity).
    public func receive(into buffer: inout MutableSpan<UInt8>) -> ReceiveResult {
        var from = parley_linux_addr()
        var truncated: Int32 = 0
        let fd = descriptor.fd
        let n = buffer.withUnsafeMutableBytes {
            parley_linux_recvfrom(fd, $0.baseAddress, $0.count, &from, &truncated)
        }
        if n < 0 { return isWouldBlock(n) ? .wouldBlock : .failed(errno: Int32(-n)) }
        return .datagram(byteCount: Int(n), from: SocketAddress(raw: from), truncated: truncated != 0)
    }

    /// Receives one datagram into a preallocated array (its `count` is the capacity;
    /// the array is not resized, so this does not allocate when it is uniquely held).
    public func receive(into buffer: inout [UInt8]) -> ReceiveResult {
        var span = buffer.mutableSpan
        return receive(into: &span)
    }

    // MARK: batches

    /// recvmmsg into `batch` (up to its capacity). Sets `batch.count`.
    public func receive(_ batch: DatagramBatch) -> BatchResult {
        let n = parley_linux_batch_recv(descriptor.fd, batch.raw, UInt32(batch.capacity))
        if n < 0 {
            batch.count = 0
            return isWouldBlock(Int64(n)) ? .wouldBlock : .failed(errno: -n)
        }
        batch.count = Int(n)
        return .transferred(count: Int(n))
    }

    /// sendmmsg of the first `count` datagrams of `batch` (set with `setDatagram`).
    public func send(_ batch: DatagramBatch, count: Int) -> BatchResult {
        let n = parley_linux_batch_send(descriptor.fd, batch.raw, UInt32(clamping: min(count, batch.capacity)))
        if n < 0 { return isWouldBlock(Int64(n)) ? .wouldBlock : .failed(errno: -n) }
        return .transferred(count: Int(n))
    }

    @inline(__always)
    private static func sendResult(_ n: Int64) -> SendResult {
        if n < 0 { return isWouldBlock(n) ? .wouldBlock : .failed(errno: Int32(-n)) }
        return .sent(byteCount: Int(n))
    }
}
