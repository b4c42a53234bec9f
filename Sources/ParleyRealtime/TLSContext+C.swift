// Safety invariants (unsafe code in this file):
// - `context` is an SSL_CTX created in `init` and freed exactly once, in `deinit`; it is
//   fully configured before `init` returns and never changed afterwards, so connections
//   on several threads may share it (OpenSSL 3 reference-counts and locks SSL_CTX).
// - An SSL_CTX that fails to configure is freed before `init` throws.
// - OpenSSL's error queue is per thread: `drainErrors` reads and clears the caller's
//   queue; strings it returns are copied out of OpenSSL's static tables.
import COpenSSL

/// Client TLS settings shared by every connection of one client (a recognizer, the webhook sender): peer verification
/// always on, TLS 1.2 at least, trust anchors from the system CA store or from one PEM
/// file (a private CA; it then replaces the system store, as curl's `--cacert` does).
public final class TLSContext: @unchecked Sendable {
    let context: OpaquePointer
    /// The PEM file of trusted CAs, nil for the system store.
    public let caFile: String?

    public init(caFile: String?) throws(StreamError) {
        _ = Self.drainErrors()
        guard let context = SSL_CTX_new(TLS_client_method()) else {
            throw StreamError(.setup, "TLS: cannot create a context: \(Self.drainErrors())", retryable: false)
        }
        do {
            try Self.configure(context, caFile: caFile)
        } catch {
            SSL_CTX_free(context)
            throw error
        }
        self.context = context
        self.caFile = caFile
    }

    deinit { SSL_CTX_free(context) }

    private static func configure(_ context: OpaquePointer, caFile: String?) throws(StreamError) {
        SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
        guard parley_ssl_ctx_set_min_protocol(context, TLS1_2_VERSION) == 1 else {
            throw StreamError(.setup, "TLS: cannot require TLS 1.2: \(drainErrors())", retryable: false)
        }
        // A server's HelloRequest is refused instead of renegotiating in the middle of a
        // write (TLS 1.2; TLS 1.3 has no renegotiation).
        parley_ssl_ctx_refuse_renegotiation(context)
        if let caFile {
            guard SSL_CTX_load_verify_file(context, caFile) == 1 else {
                throw StreamError(.setup, "TLS: cannot load the CA file \(caFile): \(drainErrors())", retryable: false)
            }
        } else {
            guard SSL_CTX_set_default_verify_paths(context) == 1 else {
                throw StreamError(.setup, "TLS: cannot load the system CA store: \(drainErrors())", retryable: false)
            }
        }
    }

    /// The reasons on this thread's OpenSSL error queue (oldest first), which it clears;
    /// "no detail" when the queue was empty.
    static func drainErrors() -> String {
        var reasons: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            if let reason = ERR_reason_error_string(code) {
                reasons.append(String(cString: reason))
            } else {
                var text = [CChar](repeating: 0, count: 256)
                ERR_error_string_n(code, &text, text.count)
                reasons.append(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
        }
        return reasons.isEmpty ? "no detail" : reasons.joined(separator: "; ")
    }
}
