// Safety invariants (unsafe code in this file):
// - `descriptor` is a socket owned by this object: opened in `init`, closed exactly once
//   by `close()` or `deinit`; after close it is -1 and every call fails with an error.
// - The object is used by one thread at a time (a speech utterance's network worker, a webhook I/O thread);
//   `@unchecked Sendable` covers only the hand-over to that thread.
// - Pointers passed to the C calls (sockaddr from getaddrinfo, Swift array or raw-buffer
//   storage for send/recv) are valid for the duration of each call only; every recv is
//   bounded by the buffer's count; the addrinfo list is freed with freeaddrinfo before
//   `init` returns.
// - Sends use MSG_NOSIGNAL, so a peer that went away yields EPIPE, not SIGPIPE.
#if canImport(Glibc)
import Glibc
#endif

/// A TCP client socket with blocking calls bounded by per-call timeouts (non-blocking
/// socket + poll). Resolves DNS names with getaddrinfo, which has no timeout of its own: a
/// slow resolver is noticed only when it returns (its time counts against the connect limit).
public final class TCPStream: ByteStream, @unchecked Sendable {
    private var descriptor: Int32 = -1

    /// Longest single wait while connecting, so `shouldStop` is noticed within about this long.
    public static let connectSliceMs = 100

    /// Connects to `host:port` within `timeoutMs` (each resolved address in turn), counted from
    /// before name resolution. The connect waits in slices of at most `connectSliceMs`, asking
    /// `shouldStop` between them; when it answers true the attempt ends with `.connectFailed`.
    public init(host: String, port: Int, timeoutMs: Int, shouldStop: () -> Bool = { false }) throws(StreamError) {
        let deadline = ContinuousClock.now + .milliseconds(timeoutMs)
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else {
            throw StreamError(.connectFailed, "cannot resolve \(host)")
        }
        defer { freeaddrinfo(list) }
        let stopped = StreamError(.connectFailed, "\(host):\(port): connect abandoned (stopped)", retryable: false)
        if shouldStop() { throw stopped }
        // Resolution used the whole limit: each address still gets one look (a loopback
        // connect completes at once), and a timeout says where the time went.
        let resolutionOverran = millisecondsUntil(deadline) == 0
        var lastError = "no address"
        var everyAttemptTimedOut = true
        var candidate: UnsafeMutablePointer<addrinfo>? = first
        while let info = candidate {
            candidate = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
                            | Int32(SOCK_CLOEXEC.rawValue), 0)
            if fd < 0 {
                lastError = String(cString: strerror(errno))
                everyAttemptTimedOut = false
                continue
            }
            var noDelay: Int32 = 1
            setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &noDelay, socklen_t(MemoryLayout<Int32>.size))
            if connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 {
                descriptor = fd
                return
            }
            guard errno == EINPROGRESS else {
                lastError = String(cString: strerror(errno))
                everyAttemptTimedOut = false
                Glibc.close(fd)
                continue
            }
            var writable = false
            while true {
                if shouldStop() {
                    Glibc.close(fd)
                    throw stopped
                }
                let remainingMs = millisecondsUntil(deadline)
                writable = Self.poll(fd, events: Int16(POLLOUT), timeoutMs: min(remainingMs, Self.connectSliceMs))
                if writable || remainingMs == 0 { break }
            }
            if writable {
                var socketError: Int32 = 0
                var length = socklen_t(MemoryLayout<Int32>.size)
                getsockopt(fd, SOL_SOCKET, SO_ERROR, &socketError, &length)
                if socketError == 0 {
                    descriptor = fd
                    return
                }
                lastError = String(cString: strerror(socketError))
                everyAttemptTimedOut = false
            } else {
                lastError = resolutionOverran ? "timed out (name resolution took the whole \(timeoutMs) ms)" : "timed out"
            }
            Glibc.close(fd)
        }
        // Every address timing out is a timeout; anything else (refused, unreachable) a connect failure.
        throw StreamError(everyAttemptTimedOut ? .timeout : .connectFailed, "\(host):\(port): \(lastError)")
    }

    deinit { close() }

    public func close() {
        if descriptor >= 0 {
            Glibc.close(descriptor)
            descriptor = -1
        }
    }

    /// Sends every byte, waiting at most `timeoutMs` for buffer space (the network
    /// engine's back-pressure limit).
    public func send(_ bytes: [UInt8], timeoutMs: Int) throws(StreamError) {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(StreamError) in try send(raw, timeoutMs: timeoutMs) }
        }.get()
    }

    /// Sends every byte of `bytes`, waiting at most `timeoutMs` for buffer space.
    public func send(_ bytes: UnsafeRawBufferPointer, timeoutMs: Int) throws(StreamError) {
        guard descriptor >= 0 else { throw StreamError(.connectionLost, "socket closed") }
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        let deadline = ContinuousClock.now + .milliseconds(timeoutMs)
        var offset = 0
        while offset < bytes.count {
            let sent = Glibc.send(descriptor, base + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            if sent > 0 { offset += sent; continue }
            if sent < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                let remaining = millisecondsUntil(deadline)
                if remaining == 0 || !Self.poll(descriptor, events: Int16(POLLOUT), timeoutMs: remaining) {
                    throw StreamError(.timeout, "the server did not take data within \(timeoutMs) ms")
                }
                continue
            }
            throw StreamError(.connectionLost, "send: \(String(cString: strerror(errno)))")
        }
    }

    /// Up to `maximumBytes` bytes; nil if none arrived within `timeoutMs`. Throws when the
    /// peer closed or reset the connection.
    public func receive(maximumBytes: Int, timeoutMs: Int) throws(StreamError) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: maximumBytes)
        let count = try buffer.withUnsafeMutableBytes { raw in
            Result { () throws(StreamError) in try receive(into: raw, timeoutMs: timeoutMs) }
        }.get()
        return count.map { Array(buffer[0..<$0]) }
    }

    /// Fills the start of `buffer`; the byte count, or nil if none arrived within `timeoutMs`.
    public func receive(into buffer: UnsafeMutableRawBufferPointer, timeoutMs: Int) throws(StreamError) -> Int? {
        guard descriptor >= 0 else { throw StreamError(.connectionLost, "socket closed") }
        guard buffer.count > 0 else { return 0 }
        while true {
            let count = recv(descriptor, buffer.baseAddress, buffer.count, 0)
            if count > 0 { return count }
            if count == 0 { throw StreamError(.connectionLost, "the server closed the connection") }
            if errno == EINTR { continue }
            guard errno == EAGAIN || errno == EWOULDBLOCK else {
                throw StreamError(.connectionLost, "recv: \(String(cString: strerror(errno)))")
            }
            if timeoutMs == 0 || !Self.poll(descriptor, events: Int16(POLLIN), timeoutMs: timeoutMs) { return nil }
        }
    }

    private static func poll(_ fd: Int32, events: Int16, timeoutMs: Int) -> Bool {
        var entry = pollfd(fd: fd, events: events, revents: 0)
        while true {
            let ready = Glibc.poll(&entry, 1, Int32(clamping: timeoutMs))
            if ready < 0 && errno == EINTR { continue }
            return ready > 0
        }
    }
}
