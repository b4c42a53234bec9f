// ByteStream — a connected client byte stream with blocking calls and timeouts.
//
// Safety invariants: no unsafe code.

/// A connected byte stream: plain TCP (`TCPStream`) or TLS over TCP (`TLSConnection`).
/// Used by one thread at a time; blocking calls with timeouts, so never call it from
/// Swift's cooperative pool or a realtime thread.
public protocol ByteStream: AnyObject {
    /// Sends every byte, waiting at most `timeoutMs` for the peer to take them.
    func send(_ bytes: [UInt8], timeoutMs: Int) throws(StreamError)
    /// Up to `maximumBytes` bytes; nil if none arrived within `timeoutMs`. Throws when the
    /// peer closed or reset the connection.
    func receive(maximumBytes: Int, timeoutMs: Int) throws(StreamError) -> [UInt8]?
    /// Ends the stream (idempotent).
    func close()
}

/// Milliseconds left until `deadline`, never negative.
public func millisecondsUntil(_ deadline: ContinuousClock.Instant) -> Int {
    let left = ContinuousClock.now.duration(to: deadline)
    return max(0, Int(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
}
