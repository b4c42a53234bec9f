import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The result of one POST.
public enum TransportResult: Sendable, Equatable {
    /// The server answered with this status.
    case status(Int)
    /// No HTTP answer: connection refused, timeout, DNS, TLS… (the text is for `last_error`).
    case failure(String)
}

/// Sends one webhook request. `URLSessionTransport` is the real one.
public protocol WebhookTransport: Sendable {
    func post(url: URL, body: Data, headers: [String: String], timeoutMs: Int) async -> TransportResult
}

/// POSTs with FoundationNetworking's URLSession (ephemeral: no cookies, no cache).
public final class URLSessionTransport: WebhookTransport, Sendable {
    let session: URLSession

    public init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpCookieStorage = nil
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        session = URLSession(configuration: configuration)
    }

    deinit { session.finishTasksAndInvalidate() }

    public func post(url: URL, body: Data, headers: [String: String], timeoutMs: Int) async -> TransportResult {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData,
                                 timeoutInterval: Double(max(1, timeoutMs)) / 1000)
        request.httpMethod = "POST"
        request.httpBody = body
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        do {
            let (_, response) = try await session.data(for: request)
            guard let http = response as? HTTPURLResponse else { return .failure("response is not HTTP") }
            return .status(http.statusCode)
        } catch let error as URLError {
            return .failure("URLError \(error.code.rawValue): \(error.localizedDescription)")
        } catch {
            return .failure(String(describing: error))
        }
    }
}
