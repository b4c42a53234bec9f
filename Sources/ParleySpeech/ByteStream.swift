/// A connected byte stream the WebSocket client runs over: plain TCP (`ws://`) or TLS
/// over TCP (`wss://`). Used by one thread at a time; blocking calls with timeouts.
protocol ByteStream: AnyObject {
    /// Sends every byte, waiting at most `timeoutMs` for the peer to take them.
    func send(_ bytes: [UInt8], timeoutMs: Int) throws(SpeechError)
    /// Up to `maximumBytes` bytes; nil if none arrived within `timeoutMs`. Throws when the
    /// peer closed or reset the connection.
    func receive(maximumBytes: Int, timeoutMs: Int) throws(SpeechError) -> [UInt8]?
    /// Ends the stream (idempotent).
    func close()
}

/// Why opening a stream failed, and whether another attempt before the connect deadline
/// can help: a refused or reset connection can (the server may be restarting); a
/// certificate that does not verify or a peer that does not speak TLS cannot.
struct StreamConnectFailure: Error, Sendable {
    var error: SpeechError
    var isRetryable: Bool

    init(_ error: SpeechError, retryable: Bool = true) {
        self.error = error
        isRetryable = retryable
    }
}

/// Milliseconds left until `deadline`, never negative.
func millisecondsUntil(_ deadline: ContinuousClock.Instant) -> Int {
    let left = ContinuousClock.now.duration(to: deadline)
    return max(0, Int(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000))
}
