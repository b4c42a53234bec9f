import ParleyRealtime

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

    init(_ error: StreamError) {
        self.init(SpeechError(error), retryable: error.isRetryable)
    }
}

extension SpeechError {
    /// The speech-layer error for a byte-stream failure (same text).
    init(_ error: StreamError) {
        switch error.code {
        case .setup: self.init(.engineUnavailable, error.context)
        case .connectFailed: self.init(.connectFailed, error.context)
        case .timeout: self.init(.timeout, error.context)
        case .connectionLost: self.init(.connectionLost, error.context)
        }
    }
}
