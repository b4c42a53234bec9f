import Foundation
import ParleyRealtime

/// `parleyd` as a child process on loopback for the simulator's end-to-end tests: the
/// demo configuration with port 0 for SIP and admin, its own data folder and RTP port
/// range, and the demo's webhooks pointed at a local HTTP responder (`WebhookSink`) so
/// `send_coupon` succeeds. Ready when it prints `parleyd: ready sip=… admin=…`
/// (docs: the parleyd contract); stopped with SIGKILL by PID.
final class ParleydProcess: @unchecked Sendable {
    static let executable = TestPaths.repo + "/.build/debug/parleyd"
    let process = Process()
    let folder: URL
    let sink: WebhookSink
    private(set) var sipAddress: SocketAddress?
    private(set) var status: Int32?

    /// Starts parleyd; throws with its stderr when it does not report ready within `seconds`.
    /// `extraConfig`: top-level YAML sections appended to the configuration (e.g. `recordings`).
    init(seconds: Double = 30, extraConfig: String = "") throws {
        guard FileManager.default.isExecutableFile(atPath: Self.executable) else {
            throw PeerError(description: "parleyd missing at \(Self.executable): swift build")
        }
        sink = try WebhookSink()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-sim-parleyd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        // An RTP range of its own (200 ports from a random base below the kernel's ephemeral
        // range, where port-0 sockets — the simulator's own RTP — land), clear of the demo's.
        let base = 21_000 + Int.random(in: 0..<55) * 200
        let demo = TestPaths.repo + "/examples/demo"
        let config = """
            node_id: sim-test
            sip:
              listen:
                - address: "127.0.0.1:0"
                  transports: [udp]
            rtp:
              bind_address: 127.0.0.1
              port_range: {start: \(base), end: \(base + 199)}
            media:
              codecs: [pcmu, pcma]
              ptime_ms: 20
            routing:
              default_script: \(demo)/member-care.yaml
            recognizer:
              engine: embedded
            data_dir: \(folder.path)/data
            webhooks:
              send_coupon:
                url: "http://127.0.0.1:\(sink.port)/coupons"
                timeout_ms: 5000
              crm:
                url: "http://127.0.0.1:\(sink.port)/calls"
                timeout_ms: 2000
            admin:
              listen: "127.0.0.1:0"
            """ + (extraConfig.isEmpty ? "" : "\n" + extraConfig)
        let configPath = folder.appendingPathComponent("parleyd.yaml").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = ["--config", configPath, "--sip-listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0",
                             "--data-dir", folder.path + "/data"]
        let out = Pipe()
        let errURL = folder.appendingPathComponent("stderr.log")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: errURL)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // The ready line, read on a helper thread (the read blocks), waited for with a timeout.
        let ready = DispatchSemaphore(value: 0)
        let line = LineBox()
        let handle = out.fileHandleForReading
        Thread.detachNewThread {
            var bytes: [UInt8] = []
            while true {
                let chunk = handle.readData(ofLength: 1)
                guard let b = chunk.first else { break }
                if b == 0x0A { break }
                bytes.append(b)
            }
            line.set(String(decoding: bytes, as: UTF8.self))
            ready.signal()
        }
        _ = ready.wait(timeout: .now() + seconds)
        let text = line.get() ?? ""
        if let sip = text.split(separator: " ").first(where: { $0.hasPrefix("sip=") }) {
            sipAddress = SocketAddress(parsing: String(sip.dropFirst(4)))
        }
        guard text.hasPrefix("parleyd: ready"), sipAddress != nil else {
            stop()
            throw PeerError(description: "parleyd not ready (status \(status.map(String.init) ?? "running"), stdout '\(text)'): \(stderr)")
        }
    }

    var stderr: String {
        (try? String(contentsOf: folder.appendingPathComponent("stderr.log"), encoding: .utf8)).map { String($0.suffix(3_000)) } ?? ""
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
        status = process.terminationStatus
        sink.stop()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: folder)
    }

    final class LineBox: @unchecked Sendable {
        private let lock = NSLock()
        private var value: String?
        func set(_ v: String) { lock.lock(); value = v; lock.unlock() }
        func get() -> String? { lock.lock(); defer { lock.unlock() }; return value }
    }
}

/// A local HTTP endpoint answering every request 200 `{"ok":true}` after `delayMs` (python3's
/// http.server in a child process), for parleyd's webhooks: like a CRM, it takes a moment,
/// so `one_moment` ("one moment while I send it") plays before `coupon_sent`. Stopped with
/// SIGKILL by PID.
final class WebhookSink: @unchecked Sendable {
    let process = Process()
    let port: UInt16

    init(delayMs: Int = 2_500) throws {
        port = try freeTCPPort()
        let script = """
            import http.server, sys, time
            class H(http.server.BaseHTTPRequestHandler):
                def do_POST(self):
                    n = int(self.headers.get('Content-Length') or 0)
                    self.rfile.read(n)
                    time.sleep(int(sys.argv[2]) / 1000)
                    body = b'{"ok":true}'
                    self.send_response(200)
                    self.send_header('Content-Type', 'application/json')
                    self.send_header('Content-Length', str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                def log_message(self, *a): pass
            http.server.ThreadingHTTPServer(('127.0.0.1', int(sys.argv[1])), H).serve_forever()
            """
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", script, String(port), String(delayMs)]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(5)
        while !tcpPortListening(port) {
            guard Date() < deadline, process.isRunning else { stop(); throw PeerError(description: "webhook sink did not start") }
            usleep(10_000)
        }
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit { stop() }
}

func freeTCPPort() throws -> UInt16 {
    let listener = try TCPListener.listen(on: .ipv4Loopback(port: 0))
    defer { listener.close() }
    return listener.localAddress.port
}

/// Whether a socket listens on TCP `port` (IPv4, from /proc/net/tcp, state 0A).
func tcpPortListening(_ port: UInt16) -> Bool {
    guard let table = try? String(contentsOfFile: "/proc/net/tcp", encoding: .utf8) else { return false }
    let needle = ":" + String(format: "%04X", port)
    return table.split(separator: "\n").dropFirst().contains { line in
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        return fields.count > 3 && fields[1].hasSuffix(needle) && fields[3] == "0A"
    }
}
