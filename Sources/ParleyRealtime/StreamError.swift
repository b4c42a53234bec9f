// StreamError — why a blocking client byte stream (TCPStream, TLSConnection) failed.
//
// Safety invariants: no unsafe code.

/// A failure of a client byte stream, with whether another attempt can help: a refused or
/// reset connection can (the server may be restarting); a certificate that does not verify
/// or a peer that does not speak TLS cannot.
public struct StreamError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// Local setup: a TLS context, a CA file, the system CA store.
        case setup
        /// Name resolution, TCP connect or TLS handshake.
        case connectFailed
        /// The peer did not answer or take data in time.
        case timeout
        /// The peer closed or reset the connection, or the stream is closed.
        case connectionLost
    }

    public var code: Code
    public var context: String
    public var isRetryable: Bool

    public init(_ code: Code, _ context: String, retryable: Bool = true) {
        self.code = code
        self.context = context
        isRetryable = retryable
    }

    public var description: String { context }
}
