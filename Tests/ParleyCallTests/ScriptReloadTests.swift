import Foundation
import Testing

/// The running daemon reloads its scripts on SIGHUP and `POST /v1/scripts/reload`: a broken
/// script is refused with file:line:col and the old version keeps serving.
@Suite(.serialized) struct ScriptReloadTests {
    /// A reader of a child's stdout/stderr that collects everything (pipe drained on a thread).
    final class Collector: @unchecked Sendable {
        private let lock = NSLock()
        private var text = ""
        init(_ pipe: Pipe) {
            let handle = pipe.fileHandleForReading
            Thread.detachNewThread { [self] in
                while true {
                    let data = handle.availableData
                    if data.isEmpty { break }
                    lock.withLock { text += String(decoding: data, as: UTF8.self) }
                }
            }
        }
        var value: String { lock.withLock { text } }
        func wait(for needle: String, timeoutS: Double = 30) -> Bool {
            let deadline = Date().addingTimeInterval(timeoutS)
            while Date() < deadline {
                if value.contains(needle) { return true }
                Thread.sleep(forTimeInterval: 0.05)
            }
            return false
        }
    }

    static func post(_ url: String) throws -> (Int, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = ["-s", "-o", "-", "-w", "\n%{http_code}", "-X", "POST", url]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    @Test func brokenScriptsAreRefusedAndTheOldOnesKeepServing() throws {
        let binary = ParleydCommandLineTests.binary
        try #require(FileManager.default.isExecutableFile(atPath: binary), "parleyd is not built")
        let dir = NSTemporaryDirectory() + "parleyd-reload-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let root = ConfigurationFixtures.repositoryRoot
        let good = try String(contentsOfFile: root + "/examples/demo/member-care.yaml", encoding: .utf8)
            .replacingOccurrences(of: "prompt_dir: prompts", with: "prompt_dir: \(root)/examples/demo/prompts")
        let script = dir + "/care.yaml"
        try good.write(toFile: script, atomically: true, encoding: .utf8)
        try """
            node_id: reload-test
            routing:
              default_script: \(script)
            data_dir: \(dir)/data
            rtp:
              port_range: {start: 34200, end: 34399}
            """.write(toFile: dir + "/parleyd.yaml", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--config", dir + "/parleyd.yaml", "--sip-listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let stdout = Collector(out), stderr = Collector(err)
        try #require(stdout.wait(for: "\n"), "no ready line: \(stderr.value)")
        let admin = try #require(stdout.value.split(separator: " ").first { $0.hasPrefix("admin=") }?
            .dropFirst("admin=".count).trimmingCharacters(in: .whitespacesAndNewlines))

        // Broken by signal: refused with its location, logged; the daemon still serves.
        try good.replacingOccurrences(of: "start: greeting", with: "start: nowhere").write(toFile: script, atomically: true, encoding: .utf8)
        kill(process.processIdentifier, SIGHUP)
        #expect(stderr.wait(for: "scripts rejected; the previous ones keep serving"))
        // JSON escapes "/" as "\/".
        let escaped = script.replacingOccurrences(of: "/", with: "\\/")
        #expect(stderr.value.contains(escaped + ":") && stderr.value.contains("error: start state 'nowhere'"),
                "the problem names the file, line and column")
        // Broken by the API: 422 with diagnostics.
        let (rejected, body) = try Self.post("http://\(admin)/v1/scripts/reload")
        #expect(rejected == 422 && body.contains("\"file\":\"\(escaped)\"") && body.contains("\"line\":")
                && body.contains("nowhere"), "\(rejected) \(body)")
        // Fixed: accepted by the API and by the signal.
        try good.write(toFile: script, atomically: true, encoding: .utf8)
        let (accepted, acceptedBody) = try Self.post("http://\(admin)/v1/scripts/reload")
        #expect(accepted == 200 && acceptedBody.contains("member-care"), "\(accepted) \(acceptedBody)")
        kill(process.processIdentifier, SIGHUP)
        #expect(stderr.wait(for: "scripts reloaded"))
        #expect(process.isRunning)
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
    }
}
