import Foundation

/// The result of one POST.
public enum TransportResult: Sendable, Equatable {
    /// The server answered with this status.
    case status(Int)
    /// No HTTP answer: connection refused, timeout, DNS, TLS… (the text is for `last_error`).
    case failure(String)
}

/// Sends one webhook request. `HTTPWebhookTransport` is the real one.
public protocol WebhookTransport: Sendable {
    func post(url: URL, body: Data, headers: [String: String], timeoutMs: Int) async -> TransportResult
}
