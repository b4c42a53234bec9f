#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// What a test daemon's configuration file says (the demo's semantics, test-sized).
struct DaemonSettings {
    var script = Paths.demoScript
    var mediaTimeoutSeconds = 20
    var drainTimeoutSeconds = 20
    var maxCalls = 60
    var retryAfterSeconds = 7
    /// Endpoint name → URL. `send_coupon` replaces the demo script's webhook URL; others get results.
    var webhooks: [String: String] = [:]
    var webhookTimeoutMs = 1000
    var codecs = ["pcmu", "pcma", "opus"]

    func yaml(rtpPortStart: Int, dataDirectory: String) -> String {
        var text = """
            # Written by Tests/ParleydTests for one test daemon.
            node_id: e2e
            drain_timeout_s: \(drainTimeoutSeconds)
            sip:
              limits: {max_calls: \(maxCalls), rate_limit_per_second: 0, retry_after_s: \(retryAfterSeconds)}
            rtp:
              bind_address: 127.0.0.1
              port_range: {start: \(rtpPortStart), end: \(rtpPortStart + maxCalls * 2 + 19)}
            media:
              codecs: [\(codecs.joined(separator: ", "))]
              ptime_ms: 20
              timeout_s: \(mediaTimeoutSeconds)
            routing:
              default_script: "\(script)"
            recognizer:
              engine: embedded
            data_dir: "\(dataDirectory)"
            logging: {level: info, format: json}

            """
        if !webhooks.isEmpty {
            text += "webhooks:\n"
            for (name, url) in webhooks.sorted(by: { $0.key < $1.key }) {
                text += """
                      \(name):
                        url: "\(url)"
                        timeout_ms: \(webhookTimeoutMs)
                        retry: {max_attempts: 50, initial_backoff_ms: 200, max_backoff_ms: 1000}

                    """
            }
        }
        return text
    }
}

/// One `parleyd` under test: a temp config and data directory, started with `--sip-listen` and
/// `--admin-listen` on port 0, ready when it prints `parleyd: ready sip=… admin=…`.
final class Daemon: @unchecked Sendable {
    let directory: TempDirectory
    let configPath: String
    let dataDirectory: String
    let rtpPorts: ClosedRange<Int>
    private(set) var process: ChildProcess?
    private(set) var sipPort = 0
    private(set) var adminPort = 0
    private var runs = 0
    /// Extra arguments after `--config FILE` (the defaults put SIP and admin on port 0).
    var arguments: [String]

    init(_ settings: DaemonSettings, configPath explicitConfig: String? = nil) throws {
        directory = try TempDirectory("parleyd-e2e")
        dataDirectory = directory.file("data")
        let start = PortAllocator.rtpRangeStart(count: settings.maxCalls * 2 + 20)
        rtpPorts = start...(start + settings.maxCalls * 2 + 19)
        if let explicitConfig {
            configPath = explicitConfig
        } else {
            configPath = directory.file("parleyd.yaml")
            try settings.yaml(rtpPortStart: start, dataDirectory: dataDirectory)
                .write(toFile: configPath, atomically: true, encoding: .utf8)
        }
        arguments = ["--sip-listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0", "--data-dir", dataDirectory]
    }

    var storePath: String { dataDirectory + "/parley.sqlite" }
    var sipTarget: String { "127.0.0.1:\(sipPort)" }

    /// Starts the daemon and waits for its ready line. On this shared machine a parleyd has been
    /// seen to die of a SIGTERM the tests never sent, before its ready line (parleyd installs
    /// its SIGTERM handler only once started): that case is retried once, with a warning.
    func start(timeoutSeconds: Double = 30) throws {
        do {
            try startOnce(timeoutSeconds: timeoutSeconds)
        } catch let failure as ChildProcess.Failure where process?.terminationSignal == SIGTERM {
            print("warning: parleyd died of a SIGTERM not sent by the test before it was ready; starting it again (\(failure.description.prefix(200)))")
            try startOnce(timeoutSeconds: timeoutSeconds)
        }
    }

    private func startOnce(timeoutSeconds: Double) throws {
        runs += 1
        let child = try ChildProcess(Paths.parleyd, ["--config", configPath] + arguments, name: "parleyd",
                                     stdoutPath: directory.file("stdout-\(runs).txt"),
                                     stderrPath: directory.file("stderr-\(runs).log"))
        process = child
        var line: Substring?
        let ready = waitUntil(timeoutSeconds: timeoutSeconds, intervalMs: 20) {
            line = child.standardOutput.split(separator: "\n").first { $0.hasPrefix("parleyd: ready ") }
            return line != nil || !child.isRunning
        }
        guard ready, let line else {
            let why = child.isRunning ? "no ready line in \(timeoutSeconds) s" :
                "exited with status \(child.terminationStatus.map(String.init) ?? "signal \(child.terminationSignal ?? 0)")"
            child.kill9()
            throw ChildProcess.Failure(description: "parleyd did not start: \(why)\nstdout: \(child.standardOutput.suffix(1000))\nstderr: \(child.standardError.suffix(3000))")
        }
        sipPort = try Self.port(in: line, key: "sip")
        adminPort = try Self.port(in: line, key: "admin")
    }

    /// `key=127.0.0.1:P` → P.
    static func port(in line: Substring, key: String) throws -> Int {
        let field = line.split(separator: " ").first { $0.hasPrefix(key + "=") }
        guard let field, let colon = field.lastIndex(of: ":"), let port = Int(field[field.index(after: colon)...]), port > 0 else {
            throw ChildProcess.Failure(description: "ready line without a usable \(key)=HOST:PORT: \(line)")
        }
        return port
    }

    /// The daemon's log (stderr) of the current run.
    var log: String { process?.standardError ?? "" }

    func stop() {
        process?.stop(graceSeconds: 5)
    }

    /// A GET on the admin API (curl), for diagnostics in failure messages; never throws.
    /// With `withStatus`, the answer is prefixed by its HTTP status and a space.
    func admin(_ path: String, withStatus: Bool = false) -> String {
        let format = withStatus ? ["-w", "\n%{http_code}"] : []
        let out = (try? runTool("/usr/bin/curl", ["-s", "-m", "3"] + format + ["http://127.0.0.1:\(adminPort)\(path)"],
                                timeoutSeconds: 5)) ?? "(no answer)"
        guard withStatus, let newline = out.lastIndex(of: "\n") else { return out }
        return out[out.index(after: newline)...] + " " + out[..<newline]
    }

    func kill9() {
        process?.kill9()
    }

    deinit { process?.kill9() }
}

/// Picks ports unlikely to collide with other daemons on this machine, checked free by binding.
enum PortAllocator {
    /// A free even UDP port with `count − 1` free-looking ports above it (only the first is bound-checked).
    static func rtpRangeStart(count: Int) -> Int {
        for _ in 0..<50 {
            let base = 30_000 + 2 * Int.random(in: 0..<((25_000 - count) / 2))
            if isFreeUDP(base) && isFreeUDP(base + count / 2 * 2) { return base }
        }
        return 30_000 + 2 * Int.random(in: 0..<10_000)
    }

    /// A free UDP port for a SIPp signalling or media socket (even, with the one above free).
    static func udpPort() -> Int {
        for _ in 0..<100 {
            let port = 56_000 + 2 * Int.random(in: 0..<4_000)
            if isFreeUDP(port) && isFreeUDP(port + 1) && isFreeUDP(port + 2) { return port }
        }
        return 56_000 + 2 * Int.random(in: 0..<4_000)
    }

    static func isFreeUDP(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
    }
}
