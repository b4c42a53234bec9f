import Foundation
import ParleyRealtime
import Synchronization

/// POSTs webhooks with Parley's own HTTP/1.1 client (RFC 9112): `http://` over TCP and
/// `https://` over OpenSSL (certificate chain and host name verified against the system CA
/// store, or against `caFile` alone). One connection per request (`Connection: close`); no
/// redirect is followed (a 3xx is reported as its status).
///
/// The blocking socket work runs on the transport's own small pool of threads
/// (`BlockingIOPool`), never on Swift's cooperative pool, and the awaiting task resumes
/// with the result. `timeoutMs` bounds each exchange from the moment a pool thread takes
/// it (name resolution, connect, TLS, send and response); a request waiting for a free
/// thread is not yet counted, so give the pool at least as many threads as requests are sent
/// at once (`WebhookDeliverer` hands over its `batchSize`; the default, 16, is its default
/// batch). Name resolution (getaddrinfo) has no deadline of its own: its time is charged to
/// the connect limit afterwards, but a resolver that hangs holds the thread until it returns.
///
/// Cancelling the awaiting task ends connect, the TLS handshake and the wait for the answer
/// within about 100 ms (they wait in slices); sending waits in one piece, bounded by the
/// request deadline (a webhook body normally fits the socket buffer at once).
public final class HTTPWebhookTransport: WebhookTransport, Sendable {
    public struct Configuration: Sendable {
        /// TCP connect limit (each exchange also keeps within its `timeoutMs`).
        public var connectTimeoutMs: Int
        /// PEM file of trusted CAs for https://; nil for the system store.
        public var caFile: String?
        /// Threads doing blocking I/O at most, 1...64 (requests beyond them wait their turn,
        /// their timeout not yet running): at least the number of requests sent at once.
        public var threadCount: Int
        /// Response body read (and discarded) at most; the rest is not waited for.
        public var maximumBodyBytes: Int

        public init(connectTimeoutMs: Int = 5_000, caFile: String? = nil, threadCount: Int = 16,
                    maximumBodyBytes: Int = 65_536) {
            self.connectTimeoutMs = max(1, connectTimeoutMs)
            self.caFile = caFile
            self.threadCount = min(64, max(1, threadCount))
            self.maximumBodyBytes = max(0, maximumBodyBytes)
        }
    }

    public let configuration: Configuration
    let pool: BlockingIOPool
    /// Loaded on the first https:// request (parsing the CA store costs milliseconds).
    let tlsContext = Mutex<TLSContext?>(nil)

    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        pool = BlockingIOPool(maximumThreads: configuration.threadCount, name: "webhook-io")
    }

    public func post(url: URL, body: Data, headers: [String: String], timeoutMs: Int) async -> TransportResult {
        let request: HTTPPostRequest
        do { request = try HTTPPostRequest(url: url, body: body, headers: headers) } catch {
            return .failure(error.reason)
        }
        let cancelled = CancellationFlag()
        let exchange = HTTPExchange(request: request, timeoutMs: timeoutMs,
                                    connectTimeoutMs: configuration.connectTimeoutMs,
                                    maximumBodyBytes: configuration.maximumBodyBytes, cancelled: cancelled,
                                    tls: { () throws(StreamError) in try self.loadTLSContext() })
        return await withTaskCancellationHandler {
            await pool.run { exchange.run() }
        } onCancel: {
            cancelled.cancel()
        }
    }

    func loadTLSContext() throws(StreamError) -> TLSContext {
        try tlsContext.withLock { (context: inout TLSContext?) throws(StreamError) -> TLSContext in
            if let context { return context }
            let loaded = try TLSContext(caFile: configuration.caFile)
            context = loaded
            return loaded
        }
    }
}
