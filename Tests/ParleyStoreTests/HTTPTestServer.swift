import Foundation

/// A tiny HTTP server (python3 stdlib `http.server`) on 127.0.0.1 that answers POSTs with a
/// scripted sequence of statuses and records every request as a JSON line in a file. Given a
/// certificate and key it speaks HTTPS (python's `ssl`).
final class HTTPTestServer: @unchecked Sendable {
    struct Request: Decodable, Equatable {
        let path: String
        let idempotencyKey: String?
        let attempt: String?
        let contentType: String?
        let body: String
        let status: Int
    }

    static let script = #"""
    import http.server, json, signal, ssl, sys
    # Foundation's Process starts children with most signals blocked: undo that.
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    port, log_path, statuses = int(sys.argv[1]), sys.argv[2], [int(s) for s in sys.argv[3].split(",")]
    count = [0]
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length).decode("utf-8")
            status = statuses[min(count[0], len(statuses) - 1)]
            count[0] += 1
            with open(log_path, "a") as log:
                log.write(json.dumps({"path": self.path, "idempotencyKey": self.headers.get("Idempotency-Key"),
                                      "attempt": self.headers.get("X-Parley-Attempt"),
                                      "contentType": self.headers.get("Content-Type"),
                                      "body": body, "status": status}) + "\n")
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()
        def log_message(self, *args):
            pass
    server = http.server.HTTPServer(("127.0.0.1", port), Handler)
    if len(sys.argv) > 5:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(sys.argv[4], sys.argv[5])
        server.socket = context.wrap_socket(server.socket, server_side=True)
    print("READY %d" % server.server_address[1], flush=True)
    server.serve_forever()
    """#

    let process = Process()
    let logPath: String
    private(set) var port: Int = 0

    /// Starts the server (`port` 0 picks a free one) and returns once it is listening.
    init(directory: TempDirectory, port: Int = 0, statuses: [Int], tls: (certificate: String, key: String)? = nil) throws {
        isSecure = tls != nil
        let scriptPath = directory.file("server.py")
        try Self.script.write(toFile: scriptPath, atomically: true, encoding: .utf8)
        logPath = directory.file("requests-\(UUID().uuidString.prefix(6)).jsonl")
        let stdout = Pipe()
        // The interpreter itself (not a wrapper script), so terminate() reaches the server.
        let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "/usr/local/bin/python3"
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [scriptPath, String(port), logPath, statuses.map(String.init).joined(separator: ",")]
            + (tls.map { [$0.certificate, $0.key] } ?? [])
        process.standardOutput = stdout
        try process.run()
        // The server prints READY after bind+listen; a watchdog ends the child if it never does,
        // which closes the pipe and ends the read below.
        let watchdog = DispatchWorkItem { [process] in if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        DispatchQueue.global().asyncAfter(deadline: .now() + 15, execute: watchdog)
        var output = ""
        while !output.contains("\n") {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            output += String(decoding: chunk, as: UTF8.self)
        }
        watchdog.cancel()
        guard output.hasPrefix("READY "), let bound = Int(output.dropFirst(6).prefix { $0.isNumber }) else {
            stop()
            throw CocoaError(.fileReadUnknown, userInfo: [NSLocalizedDescriptionKey: "test HTTP server did not start: \(output)"])
        }
        self.port = bound
    }

    let isSecure: Bool
    var url: String { "\(isSecure ? "https" : "http")://127.0.0.1:\(port)/hook" }

    func stop() {
        guard process.isRunning else { return }
        // SIGKILL: children of Foundation's Process inherit a mask that blocks SIGTERM.
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }

    func requests() throws -> [Request] {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return [] }
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Request.self, from: Data($0.utf8)) }
    }
}
