import Foundation
import ParleyRealtime

struct PeerError: Error, CustomStringConvertible {
    let description: String
}

/// SIPp (Debian `sip-tester`) as a UAS on 127.0.0.1, started as a child process from a
/// scenario (with `[name]` placeholders filled in) and stopped by its PID with SIGKILL
/// (Foundation children start with signals blocked).
final class SIPpPeer: @unchecked Sendable {
    static let executable = "/usr/bin/sipp"
    let process = Process()
    let folder: URL
    let port: UInt16

    /// `calls`: SIPp exits after that many calls (`-m`).
    init(scenario name: String, substitutions: [String: String] = [:], calls: Int = 1) throws {
        guard FileManager.default.isExecutableFile(atPath: Self.executable) else {
            throw PeerError(description: "SIPp missing: apt-get install -y sip-tester")
        }
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("parley-sim-sipp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var xml = try String(contentsOfFile: TestPaths.fixture("sipp/" + name), encoding: .utf8)
        for (key, value) in substitutions { xml = xml.replacingOccurrences(of: "[\(key)]", with: value) }
        let scenario = folder.appendingPathComponent(name)
        try xml.write(to: scenario, atomically: true, encoding: .utf8)
        port = try freeUDPPort()
        let mediaPort = try freeUDPPort()
        process.executableURL = URL(fileURLWithPath: Self.executable)
        process.arguments = ["-sf", scenario.path, "-i", "127.0.0.1", "-p", String(port), "-mi", "127.0.0.1",
                             "-mp", String(mediaPort), "-m", String(calls), "-nostdin", "-trace_err", "-timeout", "60s"]
        process.currentDirectoryURL = folder
        let log = folder.appendingPathComponent("stdout.txt")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let out = try FileHandle(forWritingTo: log)
        process.standardOutput = out
        process.standardError = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // Ready when its SIP port is bound (read from /proc/net/udp), at most 5 s.
        let deadline = Date().addingTimeInterval(5)
        while !udpPortBound(port) {
            guard Date() < deadline, process.isRunning else {
                stop()
                throw PeerError(description: "SIPp did not bind 127.0.0.1:\(port): \(errors)")
            }
            usleep(10_000)
        }
    }

    var address: SocketAddress { .ipv4Loopback(port: port) }

    /// SIPp's error log (unexpected messages and the like).
    var errors: String {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return files.filter { $0.hasSuffix("_errors.log") || $0 == "stdout.txt" }
            .compactMap { try? String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8) }
            .joined(separator: "\n").suffix(3_000).description
    }

    /// Waits up to `seconds` for SIPp to exit by itself; its exit status, nil if it did not.
    func waitForExit(seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        return process.isRunning ? nil : process.terminationStatus
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    deinit {
        stop()
        try? FileManager.default.removeItem(at: folder)
    }
}

/// A free UDP port on loopback (bound then released).
func freeUDPPort() throws -> UInt16 {
    let socket = try UDPSocket.bind(to: .ipv4Loopback(port: 0))
    defer { socket.close() }
    return socket.localAddress.port
}

/// Whether a socket is bound to UDP `port` (IPv4, from /proc/net/udp).
func udpPortBound(_ port: UInt16) -> Bool {
    guard let table = try? String(contentsOfFile: "/proc/net/udp", encoding: .utf8) else { return false }
    let needle = ":" + String(format: "%04X", port) + " "
    return table.split(separator: "\n").dropFirst().contains { line in
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        return fields.count > 1 && (fields[1] + " ").hasSuffix(needle)
    }
}
