// Status values returned by the nonblocking socket paths (no throwing per packet).
//
// Safety invariants: no unsafe code.

public enum SendResult: Sendable, Equatable {
    case sent(byteCount: Int)
    case wouldBlock
    case failed(errno: Int32)
}

public enum ReceiveResult: Sendable, Equatable {
    /// `byteCount` bytes were written to the caller's buffer; `truncated` when the
    /// datagram was longer than the buffer (the rest is lost).
    case datagram(byteCount: Int, from: SocketAddress, truncated: Bool)
    case wouldBlock
    case failed(errno: Int32)
}

public enum BatchResult: Sendable, Equatable {
    /// Number of datagrams received into / sent from the batch.
    case transferred(count: Int)
    case wouldBlock
    case failed(errno: Int32)
}

public enum StreamResult: Sendable, Equatable {
    case transferred(byteCount: Int)
    case wouldBlock
    /// Orderly shutdown by the peer (read returned 0).
    case closed
    case failed(errno: Int32)
}

public enum ConnectStatus: Sendable, Equatable {
    case connected
    case inProgress
    case failed(errno: Int32)
}

@inline(__always)
func isWouldBlock(_ negErrno: Int64) -> Bool {
    negErrno == -11 /* EAGAIN == EWOULDBLOCK on Linux */
}
