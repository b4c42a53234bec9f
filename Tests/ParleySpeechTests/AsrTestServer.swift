import Dispatch
import Foundation
import Synchronization

/// Runs Scripts/asr-test-server/asr_server.py from its venv on 127.0.0.1 and waits for
/// its "READY <port>" line (no sleeps). Stop it with `kill()`; the pid is ours.
final class AsrTestServer: Sendable {
    struct Failure: Error, CustomStringConvertible { var description: String }

    let port: Int
    /// "ws", or "wss" when started with TLS arguments.
    let scheme: String
    private let process: Process

    static var python: URL {
        if let venv = ProcessInfo.processInfo.environment["PARLEY_ASR_VENV"] {
            return URL(fileURLWithPath: venv).appendingPathComponent("bin/python")
        }
        return SpeechFixtures.repoRoot.appendingPathComponent(".data/asr-test-server/venv/bin/python")
    }

    /// `arguments` go to asr_server.py after host and port (e.g. --tls-cert/--tls-key).
    init(port: Int = 0, readyTimeoutMs: Int = 20_000, arguments: [String] = [], scheme: String = "ws") throws {
        guard FileManager.default.isExecutableFile(atPath: Self.python.path) else {
            throw Failure(description: "missing \(Self.python.path): run Scripts/asr-test-server/setup.sh")
        }
        let process = Process()
        process.executableURL = Self.python
        process.arguments = [SpeechFixtures.repoRoot.appendingPathComponent("Scripts/asr-test-server/asr_server.py").path,
                             "--host", "127.0.0.1", "--port", String(port)] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let ready = DispatchSemaphore(value: 0)
        let seen = Mutex<(text: String, port: Int?)>(("", nil))
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil; ready.signal(); return }
            let found: Bool = seen.withLock { state in
                state.text += String(decoding: data, as: UTF8.self)
                guard state.port == nil, let line = state.text.split(separator: "\n").first(where: { $0.hasPrefix("READY ") }),
                      let port = Int(line.dropFirst(6)) else { return false }
                state.port = port
                return true
            }
            if found { ready.signal() }
        }
        try process.run()
        self.process = process
        self.scheme = scheme
        let waited = ready.wait(timeout: .now() + .milliseconds(readyTimeoutMs))
        guard waited == .success, let bound = seen.withLock({ $0.port }) else {
            process.terminate()
            throw Failure(description: "the ASR test server exited or did not become ready within \(readyTimeoutMs) ms")
        }
        self.port = bound
    }

    var url: String { "\(scheme)://127.0.0.1:\(port)/" }

    func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    func pause() { Foundation.kill(process.processIdentifier, SIGSTOP) }

    deinit {
        if process.isRunning {
            Foundation.kill(process.processIdentifier, SIGKILL)
            Foundation.kill(process.processIdentifier, SIGCONT)
        }
    }
}
