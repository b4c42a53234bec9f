/// A named HTTP endpoint scripts and call results are posted to (through the durable outbox).
public struct WebhookEndpoint: Sendable, Equatable {
    public var name: String
    /// `http://` or `https://` URL.
    public var url: String
    /// Per-attempt timeout, default 5000 ms.
    public var timeoutMs: Int
    /// Extra request headers, in file order (values may come from `headers_env`).
    public var headers: [(name: String, value: String)]
    /// Attempts before a delivery is marked failed (default 10).
    public var maxAttempts: Int
    /// First retry delay, doubled per attempt up to `maxBackoffMs` (defaults 1000 and 300000 ms).
    public var initialBackoffMs: Int
    public var maxBackoffMs: Int

    public init(name: String, url: String, timeoutMs: Int = 5000, headers: [(name: String, value: String)] = [],
                maxAttempts: Int = 10, initialBackoffMs: Int = 1000, maxBackoffMs: Int = 300_000) {
        self.name = name
        self.url = url
        self.timeoutMs = timeoutMs
        self.headers = headers
        self.maxAttempts = maxAttempts
        self.initialBackoffMs = initialBackoffMs
        self.maxBackoffMs = maxBackoffMs
    }

    public static func == (a: WebhookEndpoint, b: WebhookEndpoint) -> Bool {
        a.name == b.name && a.url == b.url && a.timeoutMs == b.timeoutMs
            && a.headers.map(\.name) == b.headers.map(\.name) && a.headers.map(\.value) == b.headers.map(\.value)
            && a.maxAttempts == b.maxAttempts && a.initialBackoffMs == b.initialBackoffMs
            && a.maxBackoffMs == b.maxBackoffMs
    }
}
