import ParleyRealtime

/// One blocking POST exchange on the calling thread (a `BlockingIOPool` thread, never the
/// cooperative pool): resolve and connect (each resolved address, within the connect timeout),
/// TLS for https://, send, then read the response head and up to a cap of body, all before the
/// request deadline.
///
/// Connect, the TLS handshake and the wait for the answer go in slices of at most `sliceMs`
/// and check the cancel flag between them, so a cancelled caller is noticed within about that
/// long. Name resolution (getaddrinfo) is not bounded: its time is charged to the connect limit
/// once it returns. Sending waits in one piece, bounded by the request deadline.
///
/// A server may answer before taking the whole request and close (413, 401): when sending
/// fails because the connection was lost, one short read looks for that answer first.
struct HTTPExchange: Sendable {
    let request: HTTPPostRequest
    let timeoutMs: Int
    let connectTimeoutMs: Int
    let maximumBodyBytes: Int
    let cancelled: CancellationFlag
    /// The TLS settings for https:// (loaded once by the transport).
    let tls: @Sendable () throws(StreamError) -> TLSContext

    /// Longest single wait, so cancellation ends an exchange within about this long.
    static let sliceMs = TCPStream.connectSliceMs
    /// How long to look for an early answer after sending failed.
    static let earlyAnswerMs = 1_000

    func run() -> TransportResult {
        guard !cancelled.isCancelled else { return .failure("cancelled before sending") }
        let started = ContinuousClock.now
        let deadline = started + .milliseconds(max(1, timeoutMs))
        let peer = "\(request.host.contains(":") ? "[\(request.host)]" : request.host):\(request.port)"
        let stream: any ByteStream
        do {
            let connectMs = max(1, min(connectTimeoutMs, timeoutMs))
            let tcp = try TCPStream(host: request.host, port: request.port, timeoutMs: connectMs,
                                    shouldStop: { cancelled.isCancelled })
            if request.scheme == .https {
                stream = try TLSConnection(over: tcp, context: tls(), host: request.host, port: request.port,
                                           deadline: deadline, shouldStop: { cancelled.isCancelled })
            } else {
                stream = tcp
            }
        } catch {
            if cancelled.isCancelled { return .failure("cancelled") }
            return .failure(Self.describe(error, phase: "connect", peer: peer))
        }
        defer { stream.close() }
        do {
            try stream.send(request.bytes, timeoutMs: max(1, millisecondsUntil(deadline)))
        } catch {
            let failure = TransportResult.failure(Self.describe(error, phase: "send", peer: peer))
            guard error.code == .connectionLost else { return failure }
            // An answer sent before the server stopped reading explains the lost connection.
            let shortDeadline = min(deadline, ContinuousClock.now + .milliseconds(Self.earlyAnswerMs))
            if case .status(let status) = readResponse(stream, until: shortDeadline, peer: peer) {
                return .status(status)
            }
            return failure
        }
        return readResponse(stream, until: deadline, peer: peer)
    }

    /// Reads until the response's status (and its body, up to the cap) is in, the peer closes,
    /// the caller cancels or `deadline` passes.
    func readResponse(_ stream: any ByteStream, until deadline: ContinuousClock.Instant,
                      peer: String) -> TransportResult {
        var parser = HTTPResponseParser(maximumBodyBytes: maximumBodyBytes)
        var receivedBytes = 0
        while true {
            if cancelled.isCancelled { return parser.finish().map { .status($0) } ?? .failure("cancelled") }
            let remainingMs = millisecondsUntil(deadline)
            guard remainingMs > 0 else {
                // The answer is known; only the rest of the body was slow.
                if let status = parser.finish() { return .status(status) }
                return .failure("timeout: no complete response from \(peer) within \(timeoutMs) ms")
            }
            let bytes: [UInt8]?
            do {
                bytes = try stream.receive(maximumBytes: 16_384, timeoutMs: min(remainingMs, Self.sliceMs))
            } catch {
                if let status = parser.finish() { return .status(status) }
                if error.code == .connectionLost {
                    return .failure(receivedBytes == 0
                        ? "\(peer) closed the connection without answering"
                        : "\(peer) closed the connection in the middle of the response head")
                }
                return .failure(Self.describe(error, phase: "receive", peer: peer))
            }
            guard let bytes else { continue }
            receivedBytes += bytes.count
            do {
                if case .complete(let status) = try parser.append(bytes) { return .status(status) }
            } catch {
                return .failure("bad response from \(peer): \(error)")
            }
        }
    }

    static func describe(_ error: StreamError, phase: String, peer: String) -> String {
        switch error.code {
        case .timeout: return "timeout (\(phase)): \(error.context)"
        case .setup: return "TLS setup: \(error.context)"
        case .connectFailed: return "\(phase) failed: \(error.context)"
        case .connectionLost: return "\(phase) to \(peer) failed: \(error.context)"
        }
    }
}
