import Foundation
import ParleyRealtime

/// `parleyd` (debug build) serving the demo script on loopback with `limits.max_calls`
/// set low, so a capacity search against it meets a real limit: the call above it gets
/// 503. Port 0 for SIP and admin, its own RTP range and data folder, no webhooks; ready
/// on its `parleyd: ready sip=… admin=…` line; stopped with SIGKILL by PID.
final class LimitedParleyd: @unchecked Sendable {
    let process = Process()
    let folder: URL
    private(set) var sipAddress: SocketAddress?
    private(set) var metricsURL: URL?

    init(maxCalls: Int, seconds: Double = 30) throws {
        let executable = ParleydProcess.executable
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw PeerError(description: "parleyd missing at \(executable): swift build")
        }
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-capacity-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let base = 21_000 + Int.random(in: 0..<55) * 200
        let config = """
            node_id: capacity-test
            sip:
              listen:
                - address: "127.0.0.1:0"
                  transports: [udp]
              limits: {max_calls: \(maxCalls), rate_limit_per_second: 0}
            rtp:
              bind_address: 127.0.0.1
              port_range: {start: \(base), end: \(base + 199)}
            media:
              codecs: [pcmu, pcma]
              ptime_ms: 20
            routing:
              default_script: \(TestPaths.demoScript)
            data_dir: \(folder.path)/data
            admin:
              listen: "127.0.0.1:0"
            """
        let configPath = folder.appendingPathComponent("parleyd.yaml").path
        try config.write(toFile: configPath, atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--config", configPath, "--sip-listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0",
                             "--data-dir", folder.path + "/data"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let ready = DispatchSemaphore(value: 0)
        let line = ParleydProcess.LineBox()
        let handle = out.fileHandleForReading
        Thread.detachNewThread {
            var bytes: [UInt8] = []
            while let b = handle.readData(ofLength: 1).first, b != 0x0A { bytes.append(b) }
            line.set(String(decoding: bytes, as: UTF8.self))
            ready.signal()
        }
        _ = ready.wait(timeout: .now() + seconds)
        let text = line.get() ?? ""
        for field in text.split(separator: " ") {
            if field.hasPrefix("sip=") { sipAddress = SocketAddress(parsing: String(field.dropFirst(4))) }
            if field.hasPrefix("admin=") { metricsURL = URL(string: "http://\(field.dropFirst(6))/metrics") }
        }
        guard text.hasPrefix("parleyd: ready"), sipAddress != nil else {
            stop()
            throw PeerError(description: "parleyd not ready: stdout '\(text)'")
        }
    }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: folder)
    }
}
