import ParleyRealtime

/// One blocking POST exchange on the calling thread (a `BlockingIOPool` thread, never the
/// cooperative pool): connect (each resolved address, within the connect timeout), TLS for
/// https://, send, then read the response head and up to a cap of body, all before the
/// request deadline. The socket waits in slices so a cancelled caller is noticed quickly.
struct HTTPExchange: Sendable {
    let request: HTTPPostRequest
    let timeoutMs: Int
    let connectTimeoutMs: Int
    let maximumBodyBytes: Int
    let cancelled: CancellationFlag
    /// The TLS settings for https:// (loaded once by the transport).
    let tls: @Sendable () throws(StreamError) -> TLSContext

    /// Longest single wait, so cancellation ends an exchange within about this long.
    static let sliceMs = 100

    func run() -> TransportResult {
        guard !cancelled.isCancelled else { return .failure("cancelled before sending") }
        let started = ContinuousClock.now
        let deadline = started + .milliseconds(max(1, timeoutMs))
        let peer = "\(request.host.contains(":") ? "[\(request.host)]" : request.host):\(request.port)"
        let stream: any ByteStream
        do {
            let connectMs = max(1, min(connectTimeoutMs, timeoutMs))
            let tcp = try TCPStream(host: request.host, port: request.port, timeoutMs: connectMs)
            if request.scheme == .https {
                stream = try TLSConnection(over: tcp, context: tls(), host: request.host, port: request.port,
                                           deadline: deadline)
            } else {
                stream = tcp
            }
        } catch {
            return .failure(Self.describe(error, phase: "connect", peer: peer))
        }
        defer { stream.close() }
        do {
            try stream.send(request.bytes, timeoutMs: max(1, millisecondsUntil(deadline)))
        } catch {
            return .failure(Self.describe(error, phase: "send", peer: peer))
        }
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
