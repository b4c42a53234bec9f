import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// A small blocking HTTP client for the daemon's admin API (`parley campaign …`).
/// The base URL comes from `--admin URL`, else `$PARLEY_ADMIN_URL`, else
/// `http://127.0.0.1:8089`; the bearer token from `--token`, else `$PARLEY_ADMIN_TOKEN`.
struct CampaignAdminClient {
    var baseURL: String
    var token: String?

    struct Response { var status: Int; var body: String }

    struct ClientError: Error, CustomStringConvertible { var description: String }

    /// Takes `--admin URL` and `--token T` out of `arguments`.
    static func extract(_ arguments: inout [String]) -> CampaignAdminClient? {
        let env = ProcessInfo.processInfo.environment
        var client = CampaignAdminClient(baseURL: env["PARLEY_ADMIN_URL"] ?? "http://127.0.0.1:8089",
                                         token: env["PARLEY_ADMIN_TOKEN"])
        for flag in ["--admin", "--token"] {
            guard let i = arguments.firstIndex(of: flag) else { continue }
            guard i + 1 < arguments.count else { return nil }
            if flag == "--admin" { client.baseURL = arguments[i + 1] } else { client.token = arguments[i + 1] }
            arguments.removeSubrange(i...(i + 1))
        }
        if client.baseURL.hasSuffix("/") { client.baseURL.removeLast() }
        return client
    }

    func request(_ method: String, _ path: String, json: String? = nil) throws -> Response {
        guard let url = URL(string: baseURL + "/v1" + path) else { throw ClientError(description: "bad admin URL \(baseURL)") }
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: 30)
        request.httpMethod = method
        if let token, !token.isEmpty { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.httpBody = Data(json.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let result = Mutex<Result<Response, ClientError>?>(nil)
        let done = DispatchSemaphore(value: 0)
        let task = URLSession.shared.dataTask(with: request) { data, response, error in
            let value: Result<Response, ClientError>
            if let http = response as? HTTPURLResponse {
                value = .success(Response(status: http.statusCode, body: String(decoding: data ?? Data(), as: UTF8.self)))
            } else {
                value = .failure(ClientError(description: "no answer from \(baseURL): \(error.map { "\($0.localizedDescription)" } ?? "?")"))
            }
            result.withLock { $0 = value }
            done.signal()
        }
        task.resume()
        done.wait()
        return try result.withLock { $0! }.get()
    }
}
