// Safety invariants (unsafe code in this file):
// - `ssl` is an SSL object created in `init` from a `TLSContext` this object retains, and
//   freed exactly once, by `close()` or `deinit` (freeing also frees both memory BIOs,
//   which `SSL_set_bio` handed to it); after that it is nil and every call fails with
//   an error.
// - OpenSSL never touches the socket: it reads records from `readBIO` and writes them
//   to `writeBIO`, both memory BIOs; bytes move between them and the socket only through
//   `TCPStream` (poll timeouts, MSG_NOSIGNAL), so no OpenSSL call blocks or raises
//   SIGPIPE. A memory BIO takes any amount written to it.
// - The object is used by one thread at a time (a speech utterance's network worker, a webhook I/O thread);
//   `@unchecked Sendable` covers only the hand-over to that thread. Each OpenSSL call
//   is preceded by ERR_clear_error, because SSL_get_error reads the thread's queue.
// - Pointers passed to OpenSSL (`buffer` storage, Swift array storage, C strings) are
//   valid for the duration of each call only; lengths passed never exceed their buffers.
import COpenSSL
#if canImport(Glibc)
import Glibc
#endif

/// TLS (RFC 8446 / RFC 5246) client over a connected `TCPStream`: SNI, certificate
/// chain and host name (or IP address) verified, TLS 1.2 at least.
public final class TLSConnection: ByteStream, @unchecked Sendable {
    private let transport: TCPStream
    /// Kept for the connection's lifetime: its trust settings are the ones this
    /// connection was verified with.
    private let context: TLSContext
    private var ssl: OpaquePointer?
    private let readBIO: OpaquePointer
    private let writeBIO: OpaquePointer
    private var buffer = [UInt8](repeating: 0, count: 16_384 + 512)
    /// The negotiated protocol, e.g. "TLSv1.3".
    private(set) var protocolVersion = ""

    /// Runs the handshake with `host:port` over `transport`, finishing before `deadline`. It
    /// waits for the server in slices of at most `TCPStream.connectSliceMs`, asking
    /// `shouldStop` between them; when it answers true the handshake ends with `.connectFailed`.
    /// (Sending a handshake flight waits in one piece, bounded by `deadline`.)
    public init(over transport: TCPStream, context: TLSContext, host: String, port: Int,
                deadline: ContinuousClock.Instant, shouldStop: () -> Bool = { false }) throws(StreamError) {
        self.transport = transport
        self.context = context
        let peer = "\(host):\(port)"
        ERR_clear_error()
        guard let ssl = SSL_new(context.context) else {
            throw StreamError(.connectFailed, "TLS with \(peer): \(TLSContext.drainErrors())", retryable: false)
        }
        guard let readBIO = BIO_new(BIO_s_mem()), let writeBIO = BIO_new(BIO_s_mem()) else {
            SSL_free(ssl)
            throw StreamError(.connectFailed, "TLS with \(peer): cannot allocate buffers")
        }
        SSL_set_bio(ssl, readBIO, writeBIO)
        self.ssl = ssl
        self.readBIO = readBIO
        self.writeBIO = writeBIO
        do throws(StreamError) {
            do {
                try Self.setPeerIdentity(ssl, host: host)
            } catch {
                throw StreamError(.connectFailed, "TLS with \(peer): \(error.context)", retryable: false)
            }
            try handshake(peer: peer, deadline: deadline, shouldStop: shouldStop)
        } catch {
            close()
            throw error
        }
        protocolVersion = String(cString: SSL_get_version(ssl))
    }

    deinit { close() }

    public func close() {
        guard let ssl else { return }
        ERR_clear_error()
        if !protocolVersion.isEmpty {
            SSL_shutdown(ssl) // queues close_notify; the peer's answer is not awaited
            try? flush(timeoutMs: 0)
        }
        SSL_free(ssl)
        self.ssl = nil
        transport.close()
    }

    public func send(_ bytes: [UInt8], timeoutMs: Int) throws(StreamError) {
        guard let ssl else { throw StreamError(.connectionLost, "TLS connection closed") }
        guard !bytes.isEmpty else { return }
        ERR_clear_error()
        let written = bytes.withUnsafeBytes { raw in SSL_write(ssl, raw.baseAddress, Int32(clamping: raw.count)) }
        guard written == bytes.count else {
            throw StreamError(.connectionLost, "TLS write: \(TLSContext.drainErrors())")
        }
        try flush(timeoutMs: timeoutMs)
    }

    public func receive(maximumBytes: Int, timeoutMs: Int) throws(StreamError) -> [UInt8]? {
        guard let ssl else { throw StreamError(.connectionLost, "TLS connection closed") }
        let deadline = ContinuousClock.now + .milliseconds(timeoutMs)
        let limit = Int32(clamping: min(maximumBytes, buffer.count))
        while true {
            ERR_clear_error()
            let count = buffer.withUnsafeMutableBytes { raw in SSL_read(ssl, raw.baseAddress, limit) }
            if count > 0 { return Array(buffer[0..<Int(count)]) }
            let code = SSL_get_error(ssl, count)
            switch code {
            case SSL_ERROR_WANT_READ:
                // Reading may have produced records to send (a TLS 1.3 KeyUpdate answer).
                try flush(timeoutMs: max(1, millisecondsUntil(deadline)))
                guard try pull(timeoutMs: millisecondsUntil(deadline)) else { return nil }
            case SSL_ERROR_ZERO_RETURN:
                throw StreamError(.connectionLost, "the server closed the TLS connection")
            default:
                throw StreamError(.connectionLost, "TLS read: \(TLSContext.drainErrors())")
            }
        }
    }

    // MARK: Handshake

    private static func setPeerIdentity(_ ssl: OpaquePointer, host: String) throws(StreamError) {
        let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if isIPAddress(name) {
            // RFC 6066 §3: no SNI for address literals; the certificate must carry the
            // address as an iPAddress subjectAltName.
            guard X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), name) == 1 else {
                throw StreamError(.connectFailed, "cannot verify against address \(name)")
            }
        } else {
            SSL_set_hostflags(ssl, UInt32(X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS))
            guard parley_ssl_set_server_name(ssl, name) == 1, SSL_set1_host(ssl, name) == 1 else {
                throw StreamError(.connectFailed, "cannot verify against host name \(name)")
            }
        }
    }

    private static func isIPAddress(_ text: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, text, &v4) == 1 || inet_pton(AF_INET6, text, &v6) == 1
    }

    private func handshake(peer: String, deadline: ContinuousClock.Instant,
                           shouldStop: () -> Bool) throws(StreamError) {
        guard let ssl else { throw StreamError(.connectionLost, "TLS connection closed") }
        let timedOut = StreamError(.timeout, "TLS handshake with \(peer): no answer before the connect deadline")
        while true {
            ERR_clear_error()
            let result = SSL_connect(ssl)
            let code = result == 1 ? SSL_ERROR_NONE : SSL_get_error(ssl, result)
            let reason = code == SSL_ERROR_WANT_READ || code == SSL_ERROR_NONE ? "" : failureReason(ssl, code)
            do {
                // Sends what the handshake produced, including an alert after a failure.
                try flush(timeoutMs: max(1, millisecondsUntil(deadline)))
            } catch {
                if reason.isEmpty {
                    throw error.code == .timeout ? timedOut : Self.transportFailure(peer, error)
                }
            }
            if code == SSL_ERROR_NONE { return }
            guard code == SSL_ERROR_WANT_READ else {
                throw StreamError(.connectFailed, "TLS handshake with \(peer) failed: \(reason)", retryable: false)
            }
            var arrived = false
            while !arrived {
                if shouldStop() {
                    throw StreamError(.connectFailed, "TLS handshake with \(peer) abandoned (stopped)", retryable: false)
                }
                let remainingMs = millisecondsUntil(deadline)
                guard remainingMs > 0 else { throw timedOut }
                do {
                    arrived = try pull(timeoutMs: min(remainingMs, TCPStream.connectSliceMs))
                } catch {
                    throw Self.transportFailure(peer, error)
                }
            }
        }
    }

    private static func transportFailure(_ peer: String, _ error: StreamError) -> StreamError {
        StreamError(.connectFailed, "TLS handshake with \(peer) failed: \(error.context)")
    }

    /// Why the handshake failed: the certificate check's verdict when it failed, else
    /// OpenSSL's reasons (a plain-WebSocket server answering with HTTP shows up as
    /// "wrong version number" or "packet length too long").
    private func failureReason(_ ssl: OpaquePointer, _ code: Int32) -> String {
        let verdict = SSL_get_verify_result(ssl)
        let queued = TLSContext.drainErrors()
        if verdict != X509_V_OK {
            return "certificate verify failed (\(String(cString: X509_verify_cert_error_string(verdict))))"
        }
        if code == SSL_ERROR_SSL {
            let hint = queued.contains("wrong version number") || queued.contains("packet length too long")
                ? " (is the server speaking TLS?)" : ""
            return queued + hint
        }
        return "SSL_connect error \(code): \(queued)"
    }

    // MARK: Moving records between the memory BIOs and the socket

    /// Sends every record OpenSSL wrote.
    private func flush(timeoutMs: Int) throws(StreamError) {
        while BIO_ctrl_pending(writeBIO) > 0 {
            let count = buffer.withUnsafeMutableBytes { raw in
                BIO_read(writeBIO, raw.baseAddress, Int32(clamping: raw.count))
            }
            guard count > 0 else { return }
            try buffer.withUnsafeBytes { raw in
                Result { () throws(StreamError) in
                    try transport.send(UnsafeRawBufferPointer(rebasing: raw[0..<Int(count)]), timeoutMs: timeoutMs)
                }
            }.get()
        }
    }

    /// Moves bytes from the socket into OpenSSL; false if none arrived within `timeoutMs`.
    private func pull(timeoutMs: Int) throws(StreamError) -> Bool {
        let count = try buffer.withUnsafeMutableBytes { raw in
            Result { () throws(StreamError) in try transport.receive(into: raw, timeoutMs: timeoutMs) }
        }.get()
        guard let count, count > 0 else { return false }
        let taken = buffer.withUnsafeBytes { raw in BIO_write(readBIO, raw.baseAddress, Int32(count)) }
        guard taken == Int32(count) else { throw StreamError(.connectionLost, "TLS: \(TLSContext.drainErrors())") }
        return true
    }
}
