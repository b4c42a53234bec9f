import Foundation

/// The operator's CRM, played by python3's stdlib `http.server` on 127.0.0.1: records every
/// request as a JSON line and answers with the status the test sets per path (re-read from a
/// file on each request, so a test can switch 503 → 200 while the server runs).
final class WebhookServer: @unchecked Sendable {
    struct Request: Decodable {
        let path: String
        let idempotencyKey: String?
        let attempt: String?
        let contentType: String?
        let body: String
        let status: Int
        let atMs: Double

        /// The body as a JSON object (nil if it is not one).
        var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
        }

        var succeeded: Bool { (200..<300).contains(status) }
    }

    static let script = #"""
    import http.server, json, sys, time
    port, log_path, status_path = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode("utf-8", "replace")
            try:
                with open(status_path) as f:
                    statuses = json.load(f)
            except Exception:
                statuses = {}
            status = int(statuses.get(self.path, statuses.get("*", 200)))
            with open(log_path, "a") as log:
                log.write(json.dumps({"path": self.path, "idempotencyKey": self.headers.get("Idempotency-Key"),
                                      "attempt": self.headers.get("X-Parley-Attempt"),
                                      "contentType": self.headers.get("Content-Type"),
                                      "body": body, "status": status, "atMs": time.time() * 1000}) + "\n")
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()
        def log_message(self, *args):
            pass
    class Server(http.server.ThreadingHTTPServer):
        allow_reuse_address = True
        daemon_threads = True
    server = Server(("127.0.0.1", port), Handler)
    print("READY %d" % server.server_address[1], flush=True)
    server.serve_forever()
    """#

    let directory: TempDirectory
    let logPath: String
    let statusPath: String
    private let process: ChildProcess
    let port: Int

    /// Starts the server on a free port with `statuses` (path → status; `*` for any other path).
    init(statuses: [String: Int] = [:]) throws {
        directory = try TempDirectory("parleyd-webhooks")
        let scriptPath = directory.file("server.py")
        try Self.script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        logPath = directory.file("requests.jsonl")
        statusPath = directory.file("statuses.json")
        try Self.write(statuses, to: statusPath)
        let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "/usr/local/bin/python3"
        let child = try ChildProcess(python, [scriptPath, "0", logPath, statusPath], name: "webhook-server",
                                     stdoutPath: directory.file("stdout.txt"), stderrPath: directory.file("stderr.txt"))
        var bound: Int?
        _ = waitUntil(timeoutSeconds: 15, intervalMs: 20) {
            let out = child.standardOutput
            if out.hasPrefix("READY "), out.contains("\n") { bound = Int(out.dropFirst(6).prefix { $0.isNumber }) }
            return bound != nil || !child.isRunning
        }
        guard let bound else {
            child.kill9()
            throw ChildProcess.Failure(description: "webhook server did not start: \(child.standardError.suffix(1000))")
        }
        process = child
        port = bound
    }

    private static func write(_ statuses: [String: Int], to path: String) throws {
        let data = try JSONSerialization.data(withJSONObject: statuses)
        try data.write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Changes the answers from now on.
    func setStatuses(_ statuses: [String: Int]) throws {
        try Self.write(statuses, to: statusPath)
    }

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    func requests() -> [Request] {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONDecoder().decode(Request.self, from: Data($0.utf8)) }
    }

    func requests(path: String) -> [Request] { requests().filter { $0.path == path } }

    func stop() { process.kill9() }

    deinit { process.kill9() }
}
