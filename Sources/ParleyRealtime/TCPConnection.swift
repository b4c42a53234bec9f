// TCPConnection — a nonblocking TCP stream: connect, read into caller buffers, write.
//
// Safety invariants: buffers are borrowed only for the duration of each C call, with
// their exact count; writes use MSG_NOSIGNAL (no SIGPIPE); the descriptor is owned and
// closed once. Reads and writes may happen on different threads; `close()` must not
// race with I/O on another thread.
import CParleyLinux
import Synchronization

public final class TCPConnection: Sendable {
    private let descriptor: SocketDescriptor
    private let connected: Atomic<Bool>

    public var fileDescriptor: Int32 { descriptor.fd }

    init(descriptor: SocketDescriptor, connected: Bool) {
        self.descriptor = descriptor
        self.connected = Atomic(connected)
    }

    /// Starts a nonblocking connect. The connection is usable once `finishConnect()`
    /// returns `.connected` (register for `.writable` and call it when woken).
    public static func connect(to address: SocketAddress, noDelay: Bool = true) throws(RealtimeError) -> TCPConnection {
        let fd = try check(parley_linux_tcp_socket(address.raw.family), .socket, "tcp \(address)")
        let descriptor = SocketDescriptor(fd)
        if noDelay { _ = parley_linux_set_tcp_nodelay(fd, true) }
        var raw = address.raw
        let rc = parley_linux_connect(fd, &raw)
        if rc == 0 { return TCPConnection(descriptor: descriptor, connected: true) }
        if rc == -115 /* EINPROGRESS */ { return TCPConnection(descriptor: descriptor, connected: false) }
        throw RealtimeError(.connect, errno: -rc, context: "tcp \(address)")
    }

    /// Completes a pending connect: `.connected`, `.inProgress`, or the failure.
    public func finishConnect() -> ConnectStatus {
        // Relaxed: a flag about this descriptor only.
        if connected.load(ordering: .relaxed) { return .connected }
        let error = parley_linux_socket_error(descriptor.fd)
        if error < 0 { return .failed(errno: -error) }
        if error != 0 { return .failed(errno: error) }
        var peer = parley_linux_addr()
        if parley_linux_peer_addr(descriptor.fd, &peer) != 0 { return .inProgress }
        connected.store(true, ordering: .relaxed)
        return .connected
    }

    public var localAddress: SocketAddress? {
        var raw = parley_linux_addr()
        return parley_linux_local_addr(descriptor.fd, &raw) == 0 ? SocketAddress(raw: raw) : nil
    }

    public var peerAddress: SocketAddress? {
        var raw = parley_linux_addr()
        return parley_linux_peer_addr(descriptor.fd, &raw) == 0 ? SocketAddress(raw: raw) : nil
    }

    public func setNoDelay(_ on: Bool) throws(RealtimeError) {
        _ = try check(parley_linux_set_tcp_nodelay(descriptor.fd, on), .socketOption, "TCP_NODELAY")
    }

    /// Reads what is available into `buffer` (its count is the capacity).
    public func read(into buffer: inout MutableSpan<UInt8>) -> StreamResult {
        let fd = descriptor.fd
        let n = buffer.withUnsafeMutableBytes { parley_linux_recv(fd, $0.baseAddress, $0.count) }
        if n == 0 { return buffer.count == 0 ? .transferred(byteCount: 0) : .closed }
        if n < 0 { return isWouldBlock(n) ? .wouldBlock : .failed(errno: Int32(-n)) }
        return .transferred(byteCount: Int(n))
    }

    /// Reads into a preallocated array (its `count` is the capacity; not resized).
    public func read(into buffer: inout [UInt8]) -> StreamResult {
        var span = buffer.mutableSpan
        return read(into: &span)
    }

    /// Writes as much of `bytes` as the socket accepts now (may be partial).
    public func write(_ bytes: Span<UInt8>) -> StreamResult {
        let fd = descriptor.fd
        let n = bytes.withUnsafeBytes { parley_linux_send(fd, $0.baseAddress, $0.count) }
        if n < 0 { return isWouldBlock(n) ? .wouldBlock : .failed(errno: Int32(-n)) }
        return .transferred(byteCount: Int(n))
    }

    public func write(_ bytes: [UInt8]) -> StreamResult { write(bytes.span) }

    /// Sends FIN; reads stay possible.
    public func shutdownWrite() { _ = parley_linux_shutdown_write(descriptor.fd) }

    public func close() { descriptor.close() }
}
